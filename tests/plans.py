"""The plan a database would run a statement with, as text, for tests that pin an index."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session


def query_plan(connection: Connection | Session, statement: Any) -> str:
    """SQLite's EXPLAIN QUERY PLAN or PostgreSQL's EXPLAIN, one step a line (values inlined)."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    sql = str(statement.compile(bind, compile_kwargs={"literal_binds": True}))
    if bind.dialect.name == "sqlite":
        return "\n".join(
            str(row[-1]) for row in connection.execute(text("EXPLAIN QUERY PLAN " + sql))
        )
    return "\n".join(str(row[0]) for row in connection.execute(text("EXPLAIN " + sql)))
