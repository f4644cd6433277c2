"""The SQL statements an app's engine sends while a block runs, as the database receives them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event

from webapp.database import db


@contextmanager
def statements(app: Flask, kept: Callable[[str], bool] = lambda _s: True) -> Iterator[list[str]]:
    """Every statement `kept` accepts, in order; the listener is removed when the block ends."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if kept(statement):
            seen.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@contextmanager
def statements_with_parameters(
    app: Flask, kept: Callable[[str], bool] = lambda _s: True
) -> Iterator[list[tuple[str, Any]]]:
    """As `statements`, each with the parameters sent beside it (to EXPLAIN it again)."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if kept(statement):
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
