"""Which database errors are "busy or out of reach, try again" (a 503 that keeps the letter) and
which are faults of ours (a 500 with its trace): as the drivers raise them, no database needed."""

from __future__ import annotations

import sqlite3

import psycopg
import psycopg.errors as pg
import pytest
from sqlalchemy.exc import DBAPIError

from webapp.db_faults import DATABASE_ERRORS, database_unavailable, missing_table, out_of_reach

BUSY = {
    "sqlite locked": sqlite3.OperationalError("database is locked"),
    "sqlite cannot open": sqlite3.OperationalError("unable to open database file"),
    "pg refused": psycopg.OperationalError("connection failed: Connection refused"),
    "pg closed": psycopg.OperationalError("server closed the connection unexpectedly"),
    "pg lock timeout": pg.LockNotAvailable("canceling statement due to lock timeout"),
    "pg statement timeout": pg.QueryCanceled("canceling statement due to statement timeout"),
    "pg connection failure": pg.ConnectionFailure("x"),
    "pg deadlock": pg.DeadlockDetected("x"),
    "pg too many connections": pg.TooManyConnections("x"),
}
OURS = {
    "sqlite no column": sqlite3.OperationalError("no such column: x"),
    "sqlite disk I/O": sqlite3.OperationalError("disk I/O error"),
    "sqlite read-only": sqlite3.OperationalError("attempt to write a readonly database"),
    "pg misuse": psycopg.OperationalError("sending query failed: another command is in progress"),
    "pg disk full": pg.DiskFull("x"),
    "pg undefined column": pg.UndefinedColumn("x"),
    "pg unique": pg.UniqueViolation("x"),
}


def _raised(orig: Exception) -> DBAPIError:
    return DBAPIError.instance(
        "SELECT 1", {}, orig, (sqlite3.Error, psycopg.Error), hide_parameters=True
    )


@pytest.mark.parametrize("name", sorted(BUSY))
def test_busy_or_out_of_reach(name: str) -> None:
    error = _raised(BUSY[name])
    assert isinstance(error, DATABASE_ERRORS) and database_unavailable(error)


@pytest.mark.parametrize("name", sorted(OURS))
def test_a_fault_of_ours_stays_one(name: str) -> None:
    assert not database_unavailable(_raised(OURS[name]))


# Nothing answered at the address DATABASE_URL gives: the worker's log line says to check it.
OUT_OF_REACH = {"sqlite cannot open", "pg refused", "pg closed", "pg connection failure"}


@pytest.mark.parametrize("name", sorted(BUSY))
def test_out_of_reach_is_told_from_busy(name: str) -> None:
    assert out_of_reach(_raised(BUSY[name])) is (name in OUT_OF_REACH)


@pytest.mark.parametrize("name", sorted(OURS))
def test_a_fault_of_ours_is_not_out_of_reach(name: str) -> None:
    assert not out_of_reach(_raised(OURS[name]))


@pytest.mark.parametrize(
    ("orig", "table"),
    [
        (sqlite3.OperationalError("no such table: delivery"), "no such table: delivery"),
        (pg.UndefinedTable('relation "x" does not exist'), 'relation "x" does not exist'),
        (sqlite3.OperationalError("no such column: x"), None),
        (pg.UndefinedColumn("x"), None),
        (psycopg.OperationalError("connection failed: Connection refused"), None),
    ],
)
def test_a_missing_table_is_told_from_other_faults(orig: Exception, table: str | None) -> None:
    assert missing_table(_raised(orig)) == table
