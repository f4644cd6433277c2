"""One letter's rows: looked up and sealed before the write, then written with few statements."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import (
    BindParameter,
    Column,
    ColumnElement,
    Table,
    and_,
    bindparam,
    case,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import InstrumentedAttribute, Mapper, Session

from webapp.models import LetterText, Submission, Supporter
from webapp.models.letter_text import owned_text_name
from webapp.sealing import new_cipher, open_cipher, sealed_values
from webapp.services.driver_sql import (
    Prepared,
    compile_prepared,
    compile_select,
    prepared_insert,
    rows_per_statement,
)


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
    params = {"campaign_id": campaign_id, **_listed("email_key", email_keys)}
    prepared = _writer_query(session.get_bind().dialect, len(email_keys))
    rows = prepared.run(session, params).all()
    if not rows:
        return None
    row = next((r for r in rows if r[3] is not None), rows[0])
    supporter_id, key, wrapped, submission_id, receipt_token = row
    letter = None if submission_id is None else (submission_id, receipt_token)
    return Writer(supporter_id, key, bytes(wrapped), letter)


# Both lookups run as driver SQL compiled once (compile_select): through Core, each execution
# rebuilt the statement's cache key and execution context. Their columns need no result
# conversion (ids, text, and the wrapped key, which find_writer makes bytes).
@lru_cache(maxsize=8)
def _writer_query(dialect: Dialect, keys: int) -> Prepared:
    joined = and_(
        Submission.supporter_id == Supporter.id,
        Submission.campaign_id == bindparam("campaign_id"),
    )
    statement = (
        select(
            Supporter.id,
            Supporter.email_key,
            Supporter.wrapped_key,
            Submission.id,
            Submission.receipt_token,
        )
        .outerjoin(Submission, joined)
        .where(_in_list(Supporter.email_key, "email_key", keys))
    )
    return compile_select(dialect, statement)


def supporter_row(
    found: Writer | None, new_key: str, fields: Mapping[str, Any]
) -> tuple[dict[str, Any], AESGCM]:
    """The supporter's columns, sealed, and the cipher their letter's rows are sealed with.

    A supporter found keeps its email key (a previous master key's, mid-rotation) and its data
    key; a new one gets a fresh data key.
    """
    if found is None:
        cipher, wrapped = new_cipher()
        key = new_key
    else:
        wrapped, key = found.wrapped_key, found.email_key
        cipher = open_cipher(wrapped)
    values = sealed_row(Supporter, cipher, fields)
    values.update(email_key=key, wrapped_key=wrapped)
    return values, cipher


def write_supporter(session: Session, found: Writer | None, values: Mapping[str, Any]) -> int:
    """Insert the supporter, or update the one found while it still has the data key `values`
    were sealed under; its id. One statement either way.

    A supporter another transaction created meanwhile, or erased meanwhile, raises WriterRace:
    the retry looks again, so a row is never sealed under another's key nor brought back with
    the key of a supporter who asked to be erased.
    """
    dialect = session.get_bind().dialect
    if found is None:
        prepared = _supporter_insert(dialect, tuple(values))
        row = values
    else:
        prepared = _supporter_update(dialect, tuple(k for k in values if k not in _KEPT))
        row = {**values, "id": found.supporter_id}
    supporter_id = prepared.run(session, row).scalar_one_or_none()
    if supporter_id is None:
        raise WriterRace()
    return int(supporter_id)


_KEPT = frozenset({"created_at", "email_key", "wrapped_key"})


@lru_cache(maxsize=64)
def _supporter_insert(dialect: Dialect, keys: tuple[str, ...]) -> Prepared:
    table = _table(Supporter)
    insert = postgresql.insert if dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=[table.c.email_key])
        .returning(table.c.id)
    )
    return compile_prepared(dialect, table, statement, keys)


@lru_cache(maxsize=64)
def _supporter_update(dialect: Dialect, keys: tuple[str, ...]) -> Prepared:
    table = _table(Supporter)
    statement = (
        update(table)
        .where(table.c.id == bindparam("w_id"), table.c.wrapped_key == bindparam("w_key"))
        .returning(table.c.id)
    )
    extra = (("w_id", "id"), ("w_key", "wrapped_key"))
    return compile_prepared(dialect, table, statement, keys, extra=extra, set_to=_unless_proven)


def _unless_proven(column: Column[Any], bound: BindParameter[Any]) -> ColumnElement[Any]:
    """A letter is never proven as it is recorded (its link is not clicked yet): it changes a
    supporter's details only while no link emailed to the address was ever clicked, decided in
    the statement itself, so a click committed after the lookup counts. Once proven, a letter
    changes them when its own link is clicked (`prove_address`)."""
    return case((column.table.c.proven_at.is_(None), bound), else_=column)


@dataclass(frozen=True)
class PlannedTexts:
    """A letter's texts by name, in order: the shared ones already stored and the rows still
    to insert (an owned row's owner is filled in when the supporter's id is known)."""

    names: list[str]
    stored: dict[str, int]
    rows: dict[str, dict[str, Any]]
    owned: frozenset[str]


def plan_texts(session: Session, texts: Sequence[tuple[str, bool]], cipher: AESGCM) -> PlannedTexts:
    """Look up the shared texts for `texts` (body, owned) and seal the rest, before the write.

    A shared text is found by its digest; an owned one (the supporter's name or ZIP merged into
    it) is a new row each time, sealed under their key, under a random name: a digest of a known
    letter with a name in it would confirm a guess. A shared text another letter stores between
    this lookup and the insert fails the insert on its unique digest, and the retry finds it.
    """
    names = [owned_text_name() if owned else _digest(body) for body, owned in texts]
    shared = {name for name, (_body, owned) in zip(names, texts, strict=True) if not owned}
    stored: dict[str, int] = {}
    if shared:
        query = _texts_query(session.get_bind().dialect, len(shared))
        found = query.run(session, _listed("name", sorted(shared)))
        stored.update((sha, text_id) for sha, text_id in found)
    rows: dict[str, dict[str, Any]] = {}
    owned_names = set()
    for name, (body, owned) in zip(names, texts, strict=True):
        if name in stored or name in rows:
            continue
        if owned:
            owned_names.add(name)
            sealed = sealed_values(LetterText, cipher, {"body": body})
        else:
            sealed = {"body_sealed": body.encode()}
        rows[name] = by_column(LetterText, {**sealed, "sha256": name, "owner_id": None})
    return PlannedTexts(names, stored, rows, frozenset(owned_names))


def write_texts(session: Session, texts: PlannedTexts, owner_id: int) -> list[int]:
    """Insert the texts still to store (one statement unless there are very many); every
    text's id, in order."""
    ids = dict(texts.stored)
    if texts.rows:
        rows = [
            {**row, "owner_id": owner_id} if name in texts.owned else row
            for name, row in texts.rows.items()
        ]
        dialect, table = session.get_bind().dialect, _table(LetterText)
        keys = tuple(rows[0])
        per = rows_per_statement(dialect, table, keys)
        for start in range(0, len(rows), per):
            part = rows[start : start + per]
            prepared = prepared_insert(dialect, table, keys, len(part), "sha256,id")
            written: Sequence[Any] = prepared.run(session, *part).all()
            ids.update((sha, text_id) for sha, text_id in written)
    return [ids[name] for name in texts.names]


@lru_cache(maxsize=32)
def _texts_query(dialect: Dialect, names: int) -> Prepared:
    table = _table(LetterText)
    statement = select(table.c.sha256, table.c.id)
    return compile_select(dialect, statement.where(_in_list(table.c.sha256, "name", names)))


def _in_list(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], name: str, count: int
) -> ColumnElement[bool]:
    """`column IN (:name_0, ...)` for a list of `count` values, compiled once like any statement.

    An expanding IN re-renders its SQL at every execution: over half the supporter lookup's CPU.
    """
    return column.in_([bindparam(f"{name}_{n}", type_=column.type) for n in range(count)])


def _listed(name: str, values: Iterable[Any]) -> dict[str, Any]:
    """The parameters of an `_in_list(..., name, ...)` for `values`."""
    return {f"{name}_{n}": value for n, value in enumerate(values)}


def _digest(body: str) -> str:
    return hashlib.sha256(body.encode()).hexdigest()


def insert_one(session: Session, model: type, row: Mapping[str, Any]) -> int:
    """Insert one row of `model` (columns as `sealed_row` gives them); its id."""
    dialect = session.get_bind().dialect
    prepared = prepared_insert(dialect, _table(model), tuple(row), 1, "id")
    return int(prepared.run(session, row).scalar_one())


def insert_many(session: Session, model: type, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows of `model` with few statements and round trips; nothing is read back. Every
    row must name the same columns.

    Multi-row VALUES of as many rows as `rows_per_statement` allows, the full ones in one
    executemany (psycopg sends them in one round trip) and the rest in one more statement. An
    executemany of one-row inserts runs the statement once per row: on PostgreSQL each run is an
    executor start in the server, and psycopg's pipeline costs more Python than the rows.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    table = _table(model)
    keys = tuple(rows[0])
    per = rows_per_statement(dialect, table, keys)
    whole, rest = divmod(len(rows), per)
    if whole:
        groups = [rows[n * per : (n + 1) * per] for n in range(whole)]
        prepared_insert(dialect, table, keys, per).run_many(session, groups)
    if rest:
        prepared_insert(dialect, table, keys, rest).run(session, *rows[whole * per :])


def sealed_row(model: type, cipher: AESGCM, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` (by attribute) as `model`'s columns, its sealed fields sealed under `cipher`."""
    return by_column(model, sealed_values(model, cipher, dict(values)))


def _table(model: type) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def by_column(model: type, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values keyed by attribute (as sealed_values gives them) re-keyed by column, for Core."""
    names = _column_names(model)
    return {names[key]: value for key, value in values.items()}


@cache
def _column_names(model: type) -> dict[str, str]:
    mapper: Mapper[Any] = inspect(model)
    return {key: column.key for key, column in mapper.columns.items()}
