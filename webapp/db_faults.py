"""Which database errors mean "busy or out of reach for a moment", not a fault in our code."""

from __future__ import annotations

import re

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# Caught by the error handlers, then told apart by `database_unavailable`.
DATABASE_ERRORS = (OperationalError, PoolTimeout)

# PostgreSQL's states of a server that is busy, starting, stopping or out of connections, or
# of a lock not granted within lock_timeout: the same request succeeds a little later.
_BUSY_STATES = frozenset({"55P03", "57014", "53300", "57P01", "57P02", "57P03", "40001", "40P01"})
# SQLite says so in words: a writer waited busy_timeout for another's lock, or the file could
# not be opened for a moment (no file descriptor left, a network volume away).
_SQLITE_BUSY = (
    "database is locked",
    "database table is locked",
    "database is busy",
    "unable to open database file",
)


_LOST = re.compile(
    r"connection|server closed|terminat|timeout expired|could not (?:connect|receive|send)"
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database is busy or unreachable (try again soon), rather than
    that a statement of ours is wrong (a bug, which stays a 500 with its trace)."""
    if isinstance(exc, PoolTimeout):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if isinstance(state, str):
        return state in _BUSY_STATES or state.startswith("08")  # 08: connection exceptions
    message = str(exc.orig).lower()
    if any(words in message for words in _SQLITE_BUSY):
        return True
    # psycopg gives no state when it cannot reach the server at all (refused, closed, gone);
    # a misuse of ours without a state ("another command is already in progress") stays a bug.
    from_psycopg = type(exc.orig).__module__.startswith("psycopg")
    return isinstance(exc, OperationalError) and from_psycopg and _LOST.search(message) is not None


def out_of_reach(exc: BaseException) -> bool:
    """Of the errors `database_unavailable` accepts, those where nothing answered (a stopped
    server, a wrong host, port or file): DATABASE_URL is worth checking. A busy one (a lock
    waited out, a server starting or out of connections) is not."""
    if not database_unavailable(exc) or not isinstance(exc, DBAPIError):
        return False
    state = getattr(exc.orig, "sqlstate", None)
    if isinstance(state, str):
        return state.startswith("08")  # connection exceptions
    message = str(exc.orig).lower()
    return "unable to open database file" in message or not any(
        words in message for words in _SQLITE_BUSY
    )


def unavailable_cause(exc: BaseException) -> str | None:
    """For a database busy or out of reach, one line that says what to mend (the driver's
    error and its first line: "connection failed: ... Connection refused", "the database
    system is starting up"), with no statement and no parameter; None for anything else."""
    if not database_unavailable(exc):
        return None
    cause = getattr(exc, "orig", None) or exc
    first = (str(cause).strip().splitlines() or [""])[0][:200]
    return f"the database is busy or out of reach ({type(cause).__name__}: {first})"


def missing_table(exc: BaseException) -> str | None:
    """The table a statement met missing (a database never migrated, or behind the code):
    PostgreSQL's undefined_table, SQLite's "no such table"; None for anything else."""
    if not isinstance(exc, DBAPIError):
        return None
    first = (str(exc.orig).strip().splitlines() or [""])[0]
    if getattr(exc.orig, "sqlstate", None) == "42P01" or first.startswith("no such table"):
        return first[:200]
    return None
