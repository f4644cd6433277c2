"""Database cache of upstream answers (geocoded districts, state legislators) with a TTL."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.models import LookupCache
from webapp.sealing import keyring

GEOCODER_PREFIX = "census:"


def normalise_query(*parts: str | None) -> str:
    """Case, spacing and punctuation folded, so '100 Main St.' and '100  main st' share a key."""
    cleaned = [re.sub(r"[\s.,#]+", " ", (p or "").casefold()).strip() for p in parts]
    return "|".join(cleaned)


def cache_key(kind: str, query: str) -> str:
    """Keyed, so the files alone cannot confirm a guessed address was ever looked up."""
    return keyring().hash_text(f"{kind}\n{query}")


def geocoder_kind(vintage: str) -> str:
    """The cache namespace of geocoder answers: one per Census vintage, as the maps differ."""
    return f"{GEOCODER_PREFIX}{vintage}"


def geocoder_kinds(session: Session) -> list[str]:
    """Every geocoder namespace that holds rows (answers from earlier vintages included)."""
    kinds = session.scalars(select(LookupCache.kind).distinct())
    return [k for k in kinds if k.startswith(GEOCODER_PREFIX)]


def address_cache_key(
    kind: str,
    street: str | None,
    city: str | None,
    state: str | None,
    zip_code: str | None,
    line: str | None = None,
) -> str:
    """The one key a geocoder answer for an address is stored under.

    The lookup reads and writes by it, and erasing a supporter deletes by it, so the two can
    never drift apart.
    """
    if line:
        return cache_key(kind, normalise_query("line", line))
    return cache_key(kind, normalise_query(street, city, state, (zip_code or "")[:5]))


def cache_get(session: Session, key: str, now: datetime) -> dict[str, Any] | None:
    """The payload stored under `key` (from cache_key / address_cache_key) unless expired."""
    row = session.scalar(
        select(LookupCache.payload).where(LookupCache.key == key, LookupCache.expires_at > now)
    )
    return dict(row) if row is not None else None


def cache_put(
    session: Session,
    kind: str,
    key: str,
    payload: dict[str, Any],
    ttl_seconds: int,
    now: datetime,
) -> None:
    """Store an answer; a cache that cannot be written (database busy) is not an error."""
    values = {
        "key": key,
        "kind": kind,
        "payload": payload,
        "created_at": now,
        "expires_at": now + timedelta(seconds=ttl_seconds),
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(LookupCache).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[LookupCache.key],
        set_={k: statement.excluded[k] for k in ("payload", "created_at", "expires_at")},
    )
    try:
        with write_transaction(session):
            session.execute(statement)
    except OperationalError:
        pass


def purge_expired(session: Session, now: datetime) -> int:
    with write_transaction(session):
        result = session.execute(delete(LookupCache).where(LookupCache.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
