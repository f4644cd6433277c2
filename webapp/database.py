"""The database object, the typed model base and engine tuning for SQLite and PostgreSQL."""

from __future__ import annotations

import enum
import fcntl
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, Engine, Enum, Index, MetaData, event, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, registry
from sqlalchemy.types import TypeDecorator

from webapp.utc_text import SQLITE_TEXT, as_utc, sqlite_text
from webapp.wal_checkpoints import checkpointer, wal_checkpoint

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The largest value of an INTEGER column on PostgreSQL (SQLite's reach 2**63 - 1): ids and
# counts from outside are checked against it before a query could overflow.
DB_INT_MAX = 2**31 - 1


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def time_ordered_hex(digits: int = 32) -> str:
    """A unique random key that sorts by creation time: a UUID version 7 (RFC 9562: the time in
    milliseconds, then 74 random bits) as 32 hex digits, then random ones up to `digits`.

    For keys of rows every letter adds (its deliveries, its receipt email, its own text): in a
    unique index each new key lands beside the last letter's, on a page already changed,
    instead of on a random page of its own (SQLite writes every page a commit changed to its
    log; PostgreSQL's random B-tree inserts dirty as many pages).
    """
    if digits < 32 or digits % 2:
        raise ValueError(
            f"a time-ordered key is an even number of hex digits, 32 or more: {digits}"
        )
    milliseconds = time.time_ns() // 1_000_000 & ((1 << 48) - 1)
    random_bits = int.from_bytes(os.urandom(10)) >> 6  # secrets.token_bytes, without its call
    rand_a, rand_b = random_bits >> 62, random_bits & ((1 << 62) - 1)
    value = milliseconds << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b
    # What uuid.UUID(int=value).hex and secrets.token_hex give, without building a UUID.
    return f"{value:032x}{os.urandom((digits - 32) // 2).hex()}"


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always returns them aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = as_utc(value)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def bind_processor(self, dialect: Dialect) -> Callable[[datetime | None], Any] | None:
        # On SQLite, one call a value gives the text that process_bind_param and then the
        # dialect's DATETIME processor made in three (16 datetimes a letter), while that
        # processor still writes SQLITE_TEXT.
        impl = self.impl_instance.dialect_impl(dialect)
        if dialect.name == "sqlite" and getattr(impl, "_storage_format", None) == SQLITE_TEXT:
            return sqlite_text
        return super().bind_processor(dialect)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Typed declarative base for every model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()},
    )


db = SQLAlchemy(model_class=Base)


def str_enum(cls: type[enum.Enum], name: str) -> Enum:
    """Column type for a StrEnum, stored as plain strings so new values need no type migration."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def index_where_set(name: str, *columns: str, set_column: str) -> Index:
    """An index of only the rows whose `set_column` is not NULL, on both backends.

    For a column that is empty when a letter is written and filled later (a mailing, a
    partner): each letter's insert then leaves the index's B-tree alone. Queries with
    `set_column = value` (or IS NOT NULL) still use it; `IS NULL` ones cannot, so no query
    should need it to find the empty rows (the outbox's claim reads its due index instead).
    """
    where = text(f"{set_column} IS NOT NULL")
    return Index(name, *columns, sqlite_where=where, postgresql_where=where)


# Whether the transaction this thread or task begins next takes SQLite's write lock up front
# (write_transaction sets it around its BEGIN), so two writers queue on busy_timeout instead of
# failing with "database is locked" on lock upgrade.
_begin_immediate: ContextVar[bool] = ContextVar("begin_immediate", default=False)


def _sqlite_begin(dbapi_connection: Any) -> None:
    """The dialect's do_begin: BEGIN, which pysqlite leaves to us (isolation_level None).

    SQLAlchemy's recipe emits it from a "begin" event, but any engine-level connection event
    makes every connection join the engine's event dispatch and every statement dispatch its
    before and after events: 3.8% of a letter's instructions. Connection.begin calls this
    hook at the same point, for drivers that need help to begin, with no event machinery.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("BEGIN IMMEDIATE" if _begin_immediate.get() else "BEGIN")
    finally:
        cursor.close()


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """Install per-dialect connection settings; call once per engine."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is disabled so that BEGIN is ours to issue.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Checkpoints are asked for after a writer's turn (see below); this only catches a WAL
        # that grew past it anyway, as SQLite's automatic checkpoint (1,000 pages) would.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_SAFETY_PAGES}")
        # Deleted and overwritten content is zeroed in the page, not left in free space.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    engine.dialect.do_begin = _sqlite_begin  # type: ignore[method-assign]


_turn = threading.local()
# SQLite's automatic checkpoint runs inside the commit that fills the WAL past 1,000 pages, with
# the write lock held: every few dozen letters one writer held it about 10 ms instead of 2, and
# every queued writer waited. Checkpoints are asked for instead after a writer's turn, every this
# many turns per process, and run on a thread of their own without the lock (PASSIVE: writers
# and readers carry on meanwhile), so no letter's reply waits for one (wal_checkpoints.py).
CHECKPOINT_EVERY_TURNS = 32
WAL_SAFETY_PAGES = 8000
_turns = itertools.count(1)


def in_writer_turn() -> bool:
    """Whether this thread holds the SQLite writers' file lock now."""
    return bool(getattr(_turn, "held", False))


@contextmanager
def _sqlite_writer_turn(engine: Engine) -> Iterator[None]:
    """Queue SQLite writers on an OS file lock beside the database file.

    SQLite's busy handler polls with growing sleeps (1, 2, 5 ... 100 ms), so under contention
    the write lock often sits free while every writer sleeps; a blocking flock hands the turn
    to the next writer the moment the last one commits. A holder keeps it for one short
    transaction, and the kernel releases it if that process dies.
    """
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    if in_writer_turn():  # already this thread's turn
        yield
        return
    fd = os.open(f"{database}-writers", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _turn.held = True
        yield
    finally:
        _turn.held = False
        os.close(fd)
    if next(_turns) % CHECKPOINT_EVERY_TURNS == 0:
        checkpointer.ask(engine)


# A TRUNCATE checkpoint refused this fast met another checkpoint, not a reader: it is tried
# again every pause for as long as another process's checkpoint may take (pages copied, synced).
REFUSED_AT_ONCE_SECONDS = 0.5
TRUNCATE_RETRY_SECONDS = 10.0
TRUNCATE_RETRY_PAUSE_SECONDS = 0.05


def checkpoint_wal(session: Session) -> bool:
    """SQLite: copy the WAL into the database file and truncate it, so old page images (with
    what was just erased) leave the disk now rather than at the next automatic checkpoint.

    False if a reader in another process kept it from finishing (it waits busy_timeout). On
    PostgreSQL there is nothing to do: its dead rows hold only sealed values (sealing.py).
    """
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    if engine.dialect.name != "sqlite":
        return True
    session.commit()
    from webapp.request_slots import waiting  # it reads the writer's turn from here

    deadline = time.monotonic() + TRUNCATE_RETRY_SECONDS
    while True:
        # SQLite refuses a checkpoint at once, without its busy handler, while another one runs:
        # this process's own (wal_checkpoints.py) is waited for, another's is tried again.
        checkpointer.wait_idle()
        started = time.monotonic()
        # Outside any transaction (a connection of ours reading would hold the WAL back). It may
        # wait busy_timeout for another process's reader: this request's slot is not needed then.
        with waiting():
            row = wal_checkpoint(engine, "TRUNCATE")
        if row is not None and not row[0]:
            return True
        now = time.monotonic()
        if now - started >= REFUSED_AT_ONCE_SECONDS or now >= deadline:
            return False  # a reader held the log through busy_timeout: another try waits as long
        time.sleep(TRUNCATE_RETRY_PAUSE_SECONDS)


@contextmanager
def write_transaction(
    session: Session, *, keep_loaded: bool = False, after_reads: bool = False
) -> Iterator[Session]:
    """Run a block as one write transaction: committed on success, rolled back on error.

    On SQLite the write lock is taken at BEGIN so concurrent writers wait rather than fail.
    `keep_loaded` is for a block that writes only through Core statements, changing no loaded
    object: the objects stay loaded across its commits instead of being read again.
    `after_reads` is the caller's word that the session's open transaction has only read: on
    PostgreSQL the block then runs in it, one BEGIN and COMMIT (and pool checkout) fewer. SQLite
    ends it first all the same, since its write lock is taken at BEGIN. Objects waiting to be
    written end it first too (their own commit, as without the flag); statements already run
    cannot be seen from here, so the flag is only for callers that know.
    """
    expire = session.expire_on_commit
    session.expire_on_commit = expire and not keep_loaded
    try:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        joined = (
            after_reads
            and engine.dialect.name != "sqlite"
            and session.in_transaction()
            and not (session.new or session.dirty or session.deleted)
        )
        if session.in_transaction() and not joined:
            session.commit()
        with _sqlite_writer_turn(engine):
            if not joined:  # begun here, with SQLite's write lock taken at BEGIN
                immediate = _begin_immediate.set(True)
                try:
                    session.connection()
                finally:
                    _begin_immediate.reset(immediate)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        session.expire_on_commit = expire
