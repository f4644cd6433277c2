"""Hot statements compiled once per dialect and run as driver SQL, with the same conversions."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import BindParameter, Column, ColumnElement, Table, bindparam
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ValuesBase
from sqlalchemy.sql.selectable import Select

from webapp.services.cursor_rows import Rows, on_the_cursor, run_on_cursor

Convert = Callable[[Any], Any] | None
SetTo = Callable[[Column[Any], BindParameter[Any]], ColumnElement[Any]]


def _as_bound(_column: Column[Any], bound: BindParameter[Any]) -> ColumnElement[Any]:
    return bound


@dataclass(frozen=True)
class _Bind:
    name: str  # the bind parameter's name in the compiled SQL
    row: int  # which row of a multi-row VALUES it belongs to
    key: str  # the column it fills
    convert: Convert  # the dialect's conversion of the column type (None: passed as it is)
    default: Callable[[], Any] | None  # the column's Python default, for a key not given


@dataclass(frozen=True)
class Prepared:
    """One statement as the driver runs it: its SQL text and how to lay out its parameters.

    Compiling a Core statement costs more than the insert itself; a letter runs the same few
    statements every time, most of them inside SQLite's single write turn. Executed on the
    transaction's own DBAPI cursor (cursor_rows.py), or through `Connection.exec_driver_sql`
    whenever something listens, so engine events (statement counts, timing) still see them.
    """

    sql: str
    binds: tuple[_Bind, ...]
    positional: bool

    def parameters(self, rows: Sequence[Mapping[str, Any]]) -> tuple[Any, ...] | dict[str, Any]:
        values = []
        for bind in self.binds:
            row = rows[bind.row]
            value = row[bind.key] if bind.default is None or bind.key in row else bind.default()
            values.append(value if value is None or bind.convert is None else bind.convert(value))
        if self.positional:
            return tuple(values)
        return {bind.name: value for bind, value in zip(self.binds, values, strict=True)}

    def run(self, session: Session, *rows: Mapping[str, Any]) -> Rows:
        """Execute once with `rows` (one per VALUES row the statement was prepared for)."""
        connection = session.connection()
        params = self.parameters(rows)
        if not on_the_cursor(connection):
            return connection.exec_driver_sql(self.sql, params)
        return run_on_cursor(connection, self.sql, params, many=False)

    def run_many(self, session: Session, groups: Sequence[Sequence[Mapping[str, Any]]]) -> None:
        """Execute once per group of rows, as one executemany (psycopg pipelines it: one round
        trip); nothing is read back."""
        connection = session.connection()
        params = [self.parameters(rows) for rows in groups]
        if not on_the_cursor(connection):
            connection.exec_driver_sql(self.sql, params)
            return
        run_on_cursor(connection, self.sql, params, many=True)


def _default(table: Table, key: str) -> Callable[[], Any] | None:
    default = table.c[key].default
    if default is None:
        return None
    if default.is_scalar:
        value = default.arg  # type: ignore[attr-defined]
        return lambda: value
    if default.is_callable:
        # SQLAlchemy wraps a callable default to take an execution context; ours use none.
        function = default.arg  # type: ignore[attr-defined]
        return lambda: function(None)
    raise ValueError(f"{table.name}.{key}: only Python defaults can be prepared")


def compile_prepared(
    dialect: Dialect,
    table: Table,
    statement: ValuesBase,
    keys: Sequence[str],
    rows: int = 1,
    extra: Sequence[tuple[str, str]] = (),
    set_to: SetTo | None = None,
) -> Prepared:
    """`statement` (an insert or update of `table`) with its values bound for `rows` rows of
    `keys`; columns with a Python default not among `keys` are filled from it, as Core would.
    `extra`: (bind name, key) pairs the statement binds elsewhere (a WHERE clause), row 0.
    `set_to`: what each column is set to, from its column and bound value (default: the value)."""
    filled = list(keys)
    if statement.is_insert:
        filled += [c.key for c in table.c if c.key not in keys and c.default is not None]
    values = [
        {
            key: (set_to or _as_bound)(
                table.c[key], bindparam(f"p{row}_{key}", type_=table.c[key].type)
            )
            for key in filled
        }
        for row in range(rows)
    ]
    stmt = statement.values(values if rows > 1 else values[0])
    compiled = stmt.compile(dialect=dialect)
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    binds = []
    extras = dict(extra)
    for name in names:
        bound = compiled.binds[name]
        convert = bound.type.dialect_impl(dialect).bind_processor(dialect)
        if name in extras:
            binds.append(_Bind(name, 0, extras[name], convert, None))
            continue
        prefix, _, key = name.partition("_")
        binds.append(_Bind(name, int(prefix[1:]), key, convert, _default(table, key)))
    return Prepared(compiled.string, tuple(binds), compiled.positional)


def compile_select(dialect: Dialect, statement: Select[*tuple[Any, ...]]) -> Prepared:
    """A query whose caller's values are named binds (`bindparam("name")`, no value): run it
    with one mapping of those names. Binds compiled with a value (a HAVING count, the OFFSET 0
    SQLite adds to a LIMIT) keep it."""
    compiled = statement.compile(dialect=dialect)
    if compiled.post_compile_params or compiled.escaped_bind_names:
        # An expanding IN is rendered only at execution, and an escaped name would not match
        # the caller's key: neither fits SQL compiled once.
        raise ValueError("compile_select: no expanding or escaped binds")
    if compiled.positional:
        names = list(compiled.positiontup or [])
    else:
        # `binds` also holds each anonymous bind under its own key: only rendered names count.
        names = list(dict.fromkeys(compiled.bind_names.values()))
    binds = []
    for name in names:
        bound = compiled.binds[name]
        if bound.callable is not None:
            raise ValueError(f"compile_select: {name} has a callable value")
        convert = bound.type.dialect_impl(dialect).bind_processor(dialect)
        default = None if bound.value is None else (lambda value=bound.value: value)
        binds.append(_Bind(name, 0, name, convert, default))
    return Prepared(compiled.string, tuple(binds), compiled.positional)


@lru_cache(maxsize=256)
def prepared_insert(
    dialect: Dialect, table: Table, keys: tuple[str, ...], rows: int = 1, returning: str = ""
) -> Prepared:
    """INSERT of `rows` rows of `keys` into `table`, returning the comma-separated columns."""
    statement = table.insert()
    if returning:
        statement = statement.returning(*(table.c[name] for name in returning.split(",")))
    else:
        # Without it, a one-row insert on PostgreSQL asks for its new id (implicit RETURNING).
        statement = statement.inline()
    return compile_prepared(dialect, table, statement, keys, rows)


# Values a statement is given at most. psycopg rewrites a statement's placeholders in Python at
# every execution once it has more than 50 (it caches the rewrite up to there: _queries.py);
# SQLite before 3.32 refuses more than 999, and so may other drivers' servers.
_MOST_PARAMETERS = {"psycopg": 50, "psycopg_async": 50}
_MOST_PARAMETERS_ELSEWHERE = 999


def rows_per_statement(dialect: Dialect, table: Table, keys: tuple[str, ...]) -> int:
    """How many rows of `keys` (Python defaults filled in too) one INSERT of `table` takes."""
    most = _MOST_PARAMETERS.get(dialect.driver, _MOST_PARAMETERS_ELSEWHERE)
    return max(1, most // len(prepared_insert(dialect, table, keys).binds))
