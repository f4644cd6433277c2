"""The shipped ZIP table, stored once per test process and copied into each SQLite test database."""

from __future__ import annotations

import atexit
import shutil
import tempfile
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.pool import ConnectionPoolEntry, Pool

from webapp.civic import zips

Rows = Sequence[tuple[str, str, int]]
SCHEMA = "zip_copy"  # the name the stored table is attached under, for one insert


class _Stored:
    """The table as the shipped insert wrote it into a file of its own, with the rows given."""

    def __init__(self, ddl: tuple[str, ...], rows: Rows, insert: Callable[..., None]) -> None:
        folder = tempfile.mkdtemp(prefix="civic-zips-")
        atexit.register(shutil.rmtree, folder, True)
        self.path = Path(folder) / "zips.db"
        self.ddl, self.rows = ddl, list(rows)
        engine = create_engine(f"sqlite:///{self.path}")
        with engine.begin() as connection:
            for statement in ddl:
                connection.exec_driver_sql(statement)
            insert(connection, self.rows)
        engine.dispose()


_stored: list[_Stored] = []
_detaching: weakref.WeakSet[Pool] = weakref.WeakSet()


def _ddl(connection: Connection) -> tuple[str, ...]:
    """The table's and its indexes' CREATE statements in this database (autoindexes have none)."""
    found = connection.exec_driver_sql(
        "SELECT sql FROM main.sqlite_master WHERE tbl_name = 'zip_district' AND sql IS NOT NULL "
        "ORDER BY type DESC, name"
    )
    return tuple(str(sql) for (sql,) in found)


def _detach(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    # On its way back to the pool, the transaction over: the connection is as it was before.
    if record.info.pop(SCHEMA, False):
        dbapi_connection.execute(f"DETACH DATABASE {SCHEMA}")


@contextmanager
def copied_zip_rows() -> Iterator[None]:
    """While open, an SQLite load of the rows stored before copies them from the stored table.

    Loading the 42,033 rows of the shipped zccd.csv through the shipped insert took about
    0.15 s of CPU in each of some 225 SQLite tests. Here the first load in the process (per
    schema) stores them through that same insert in a file of its own; a later load of the same
    rows into a table of the same schema attaches that file for the one statement
    `INSERT INTO zip_district SELECT * FROM` it, which SQLite runs by copying the table's records
    and index entries as they are (about 15 ms): the same rows, rowids and index, in the same
    transaction after the same DELETE. Everything else the sync does runs as before. Other rows,
    another schema and PostgreSQL go through the shipped insert; tests/civic/test_zip_sync.py,
    which does not use this, keeps the shipped insert for the shipped table.
    """
    shipped = zips._insert_rows

    def insert(connection: Connection, rows: Rows) -> None:
        if connection.dialect.name != "sqlite":
            shipped(connection, rows)
            return
        ddl = _ddl(connection)
        stored = next((s for s in _stored if s.ddl == ddl and s.rows == rows), None)
        if stored is None:
            _stored.append(_Stored(ddl, rows, shipped))
            shipped(connection, rows)
            return
        pool = connection.engine.pool
        if pool not in _detaching:
            event.listen(pool, "checkin", _detach)
            _detaching.add(pool)
        connection.exec_driver_sql(f"ATTACH DATABASE ? AS {SCHEMA}", (str(stored.path),))
        connection.connection.info[SCHEMA] = True
        connection.exec_driver_sql(
            f"INSERT INTO main.zip_district SELECT * FROM {SCHEMA}.zip_district"
        )

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(zips, "_insert_rows", insert)
        yield
