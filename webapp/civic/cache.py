"""Database cache of upstream answers (geocoded districts, state legislators) with a TTL."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.models import LookupCache


def normalise_query(*parts: str | None) -> str:
    """Case, spacing and punctuation folded, so '100 Main St.' and '100  main st' share a key."""
    cleaned = [re.sub(r"[\s.,#]+", " ", (p or "").casefold()).strip() for p in parts]
    return "|".join(cleaned)


def cache_key(kind: str, query: str) -> str:
    return hashlib.sha256(f"{kind}\n{query}".encode()).hexdigest()


def cache_get(session: Session, kind: str, query: str, now: datetime) -> dict[str, Any] | None:
    row = session.scalar(
        select(LookupCache.payload).where(
            LookupCache.key == cache_key(kind, query), LookupCache.expires_at > now
        )
    )
    return dict(row) if row is not None else None


def cache_put(
    session: Session,
    kind: str,
    query: str,
    payload: dict[str, Any],
    ttl_seconds: int,
    now: datetime,
) -> None:
    """Store an answer; a cache that cannot be written (database busy) is not an error."""
    values = {
        "key": cache_key(kind, query),
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
