"""SQLite's pooled connections: the one given back last is handed out next."""

from __future__ import annotations

import pytest
from flask import Flask

from webapp.database import db


@pytest.fixture
def sqlite_app(app: Flask, backend: str) -> Flask:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's pool keeps its default order; it has no page cache to keep")
    return app


def test_the_connection_given_back_last_is_handed_out_next(sqlite_app: Flask) -> None:
    """Another connection's write empties a connection's page cache: taken in turn, every
    request's first statements read their pages from the file again."""
    with sqlite_app.app_context():
        first, second = db.engine.connect(), db.engine.connect()
        first_raw = first.connection.dbapi_connection
        second_raw = second.connection.dbapi_connection
        assert first_raw is not second_raw
        first.close()
        second.close()  # given back last
        with db.engine.connect() as again:
            assert again.connection.dbapi_connection is second_raw
        with db.engine.connect() as again:
            assert again.connection.dbapi_connection is second_raw
