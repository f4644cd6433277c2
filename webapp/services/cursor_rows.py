"""Driver SQL run on the transaction's own DBAPI cursor, with SQLAlchemy's error handling."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from sqlalchemy import Connection
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.exc import MultipleResultsFound, NoResultFound

# `Connection.exec_driver_sql` builds an execution context, checks the transaction, looks for
# listeners and wraps the cursor in a result with metadata from its description: four times
# the cost of the insert itself on SQLite (a letter runs nine such statements). Here the same
# SQL and parameters go to the same cursor call; a DBAPI error goes through the connection's
# own handler, so it is wrapped (IntegrityError, OperationalError), a lost connection is
# invalidated and the error events run, as for any statement.


class Rows(Protocol):
    """What callers of a prepared statement read from it (CursorResult has all of these)."""

    def __iter__(self) -> Iterator[Any]: ...

    def all(self) -> Sequence[Any]: ...

    def one(self) -> Any: ...

    def scalar_one(self) -> Any: ...

    def scalar_one_or_none(self) -> Any: ...


class CursorRows:
    """A statement's rows, all read at once, answering as CursorResult answers those calls."""

    __slots__ = ("_rows",)

    def __init__(self, rows: Sequence[Any]) -> None:
        self._rows = rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return list(self._rows)

    def one(self) -> Any:
        if len(self._rows) == 1:
            return self._rows[0]
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        raise MultipleResultsFound("Multiple rows were found when exactly one was required")

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        if not self._rows:
            return None
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self._rows[0][0]


def on_the_cursor(connection: Connection) -> bool:
    """Whether a statement may skip `exec_driver_sql`: nothing listens to the connection, its
    engine or dialect (statement counts and timings in tests and benches, fault injection),
    nothing is echoed, and it is inside a plain transaction that is still good. Otherwise
    `exec_driver_sql` runs it, and raises as it does (a transaction rolled back, closed)."""
    if (
        connection._has_events
        or connection.engine._has_events
        or connection.dialect._has_events
        or connection._echo
    ):
        return False
    transaction = connection._transaction
    return not (
        connection._dbapi_connection is None
        or transaction is None
        or not transaction.is_active
        or connection._nested_transaction is not None
        or connection._trans_context_manager is not None
        or connection.dialect.bind_typing is BindTyping.SETINPUTSIZES
    )


def run_on_cursor(connection: Connection, sql: str, params: Any, many: bool) -> CursorRows:
    """`sql` with `params` (a list of them with `many`) on a new cursor of the connection's
    DBAPI connection; every row it returns (none for a statement without any)."""
    dbapi_connection = connection._dbapi_connection
    if dbapi_connection is None:  # on_the_cursor says it is there
        raise RuntimeError("run_on_cursor: the connection has no DBAPI connection")
    cursor = dbapi_connection.cursor()
    try:
        if many:
            cursor.executemany(sql, params)
        else:
            cursor.execute(sql, params)
        rows = cursor.fetchall() if cursor.description is not None else []
    except BaseException as exc:
        error = connection.dialect.loaded_dbapi.Error
        if isinstance(exc, error) or not isinstance(exc, Exception):
            # Wrapped, the cursor closed, a lost connection invalidated (an interrupt too).
            connection._handle_dbapi_exception(exc, sql, params, cursor, None)
        connection._safe_close_cursor(cursor)  # another error: raised as it is, as Core does
        raise
    cursor.close()
    return CursorRows(rows)
