"""One letter's rows written with few statements: Core inserts, sealed as a flush would seal."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Executable, Select, Table, and_, bindparam, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapper, Session

from webapp.models import LetterText, Submission, Supporter
from webapp.sealing import new_cipher, open_cipher, sealed_values


class WriterRace(Exception):
    """Another transaction wrote this address's supporter first: retry, and find theirs."""


@dataclass(frozen=True)
class Writer:
    """The supporter row an address matches, and its letter to the campaign if it wrote one."""

    supporter_id: int
    email_key: str
    wrapped_key: bytes
    letter: tuple[int, str] | None  # its letter's submission id and receipt token


def find_writer(session: Session, campaign_id: int, email_keys: Sequence[str]) -> Writer | None:
    """The repeat check and the supporter lookup in one query (`email_keys`: the address under
    every master key of a rotation)."""
    params = {"campaign_id": campaign_id, "email_keys": list(email_keys)}
    rows = session.connection().execute(_writer_query(), params).all()
    if not rows:
        return None
    row = next((r for r in rows if r[3] is not None), rows[0])
    supporter_id, key, wrapped, submission_id, receipt_token = row
    letter = None if submission_id is None else (submission_id, receipt_token)
    return Writer(supporter_id, key, bytes(wrapped), letter)


@cache
def _writer_query() -> Select[int, str, bytes, int, str]:
    joined = and_(
        Submission.supporter_id == Supporter.id,
        Submission.campaign_id == bindparam("campaign_id"),
    )
    return (
        select(
            Supporter.id,
            Supporter.email_key,
            Supporter.wrapped_key,
            Submission.id,
            Submission.receipt_token,
        )
        .outerjoin(Submission, joined)
        .where(Supporter.email_key.in_(bindparam("email_keys", expanding=True)))
    )


def upsert_supporter(
    session: Session, found: Writer | None, new_key: str, fields: Mapping[str, Any]
) -> tuple[int, AESGCM]:
    """Write the supporter's fields in one INSERT ... ON CONFLICT statement; its id and cipher.

    A supporter found keeps its email key (a previous master key's, mid-rotation) and its data
    key. The update applies only while the row still has the data key the fields were sealed
    under: a supporter another transaction created meanwhile raises WriterRace instead.
    """
    if found is None:
        cipher, wrapped = new_cipher()
        key = new_key
    else:
        wrapped, key = found.wrapped_key, found.email_key
        cipher = open_cipher(wrapped)
    values = by_column(Supporter, sealed_values(Supporter, cipher, dict(fields)))
    values.update(email_key=key, wrapped_key=wrapped)
    stmt = _supporter_upsert(session.get_bind().dialect.name, tuple(values))
    supporter_id = session.connection().execute(stmt, values).scalar_one_or_none()
    if supporter_id is None:
        raise WriterRace()
    return supporter_id, cipher


@cache
def _supporter_upsert(dialect: str, names: tuple[str, ...]) -> Executable:
    table = _table(Supporter)
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    kept = {"created_at", "email_key", "wrapped_key"}
    return stmt.on_conflict_do_update(
        index_elements=[table.c.email_key],
        set_={table.c[name]: stmt.excluded[name] for name in names if name not in kept},
        where=table.c.wrapped_key == stmt.excluded.wrapped_key,
    ).returning(table.c.id)


def store_texts(
    session: Session, texts: Sequence[tuple[str, bool]], owner_id: int, cipher: AESGCM
) -> list[int]:
    """Ids of the LetterText rows for `texts` (body, owned), in order: one query for the shared
    texts that exist, one insert for the rest.

    A shared text is found by its digest; an owned one (the supporter's name or ZIP merged into
    it) is a new row each time, sealed under their key, under a random name: a digest of a known
    letter with a name in it would confirm a guess.
    """
    names = [secrets.token_hex(32) if owned else _digest(body) for body, owned in texts]
    shared = {name for name, (_body, owned) in zip(names, texts, strict=True) if not owned}
    ids: dict[str, int] = {}
    if shared:
        found = session.connection().execute(_texts_query(), {"names": list(shared)})
        ids.update((sha, text_id) for sha, text_id in found)
    rows: dict[str, dict[str, Any]] = {}
    for name, (body, owned) in zip(names, texts, strict=True):
        if name in ids or name in rows:
            continue
        sealed = (
            sealed_values(LetterText, cipher, {"body": body})
            if owned
            else {"body_sealed": body.encode()}
        )
        rows[name] = by_column(
            LetterText, {**sealed, "sha256": name, "owner_id": owner_id if owned else None}
        )
    if rows:
        table = _table(LetterText)
        insert_ = table.insert().returning(table.c.sha256, table.c.id)
        written = session.connection().execute(insert_, list(rows.values()))
        ids.update((sha, text_id) for sha, text_id in written)
    return [ids[name] for name in names]


@cache
def _texts_query() -> Executable:
    table = _table(LetterText)
    return select(table.c.sha256, table.c.id).where(
        table.c.sha256.in_(bindparam("names", expanding=True))
    )


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def insert_one(session: Session, model: type, cipher: AESGCM, values: Mapping[str, Any]) -> int:
    """Insert one row of `model` (its sealed fields sealed under `cipher`); its id."""
    table = _table(model)
    row = by_column(model, sealed_values(model, cipher, dict(values)))
    return int(session.connection().execute(_insert_returning_id(table), row).scalar_one())


def insert_many(
    session: Session, model: type, cipher: AESGCM, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Insert rows of `model` in one statement (an executemany); nothing is read back.

    Every row must name the same columns.
    """
    if rows:
        values = [by_column(model, sealed_values(model, cipher, dict(r))) for r in rows]
        session.connection().execute(_table(model).insert(), values)


def _table(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


@cache
def _insert_returning_id(table: Table) -> Executable:
    return table.insert().returning(table.c.id)


def by_column(model: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values keyed by attribute (as sealed_values gives them) re-keyed by column, for Core."""
    names = _column_names(model)
    return {names[key]: value for key, value in values.items()}


@cache
def _column_names(model: type) -> dict[str, str]:
    mapper: Mapper[Any] = inspect(model)
    return {key: column.key for key, column in mapper.columns.items()}
