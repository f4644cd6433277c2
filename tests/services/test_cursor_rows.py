"""Prepared statements run on the transaction's DBAPI cursor: same rows, same errors, and
through Core whenever something listens to the engine."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError, MultipleResultsFound, NoResultFound

from webapp.database import db
from webapp.models import LetterText
from webapp.services import cursor_rows, driver_sql
from webapp.services.cursor_rows import CursorRows
from webapp.services.driver_sql import prepared_insert


def _text(n: int) -> dict[str, Any]:
    return {"sha256": f"{n:064x}", "body": f"text {n}".encode()}


def _insert(app: Flask, n: int) -> Any:
    session = db.session()
    table = LetterText.__table__
    prepared = prepared_insert(session.get_bind().dialect, table, ("sha256", "body"), 1, "id")
    return prepared.run(session, _text(n))


def _on_cursor(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ran: list[str] = []
    real = cursor_rows.run_on_cursor

    def spy(connection: Any, sql: str, params: Any, many: bool) -> CursorRows:
        ran.append(sql)
        return real(connection, sql, params, many)

    monkeypatch.setattr(driver_sql, "run_on_cursor", spy)
    return ran


def test_a_statement_goes_on_the_cursor_when_nothing_listens(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = _on_cursor(monkeypatch)
    with app.app_context():
        new_id = _insert(app, 1).scalar_one()
        db.session.commit()
        stored = db.session.execute(select(LetterText.sha256, LetterText.id)).all()
    assert [tuple(row) for row in stored] == [(_text(1)["sha256"], new_id)]
    assert len(ran) == 1 and ran[0].startswith("INSERT INTO letter_text")


def test_with_a_listener_it_goes_through_core_so_the_listener_sees_it(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = _on_cursor(monkeypatch)
    seen: list[str] = []

    def executed(*args: Any) -> None:
        seen.append(args[2])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", executed)
        try:
            new_id = _insert(app, 2).scalar_one()
        finally:
            event.remove(db.engine, "before_cursor_execute", executed)
        db.session.commit()
        assert db.session.get_one(LetterText, new_id).sha256 == _text(2)["sha256"]
    assert ran == []
    assert [sql for sql in seen if sql.startswith("INSERT")] == [seen[-1]]


def test_a_driver_error_is_wrapped_as_core_wraps_it_and_the_session_goes_on(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran = _on_cursor(monkeypatch)
    with app.app_context():
        _insert(app, 3)
        with pytest.raises(IntegrityError):  # the digest is unique: a retry looks again
            _insert(app, 3)
        db.session.rollback()
        new_id = _insert(app, 3).scalar_one()
        db.session.commit()
        assert db.session.get_one(LetterText, new_id).sha256 == _text(3)["sha256"]
    assert len(ran) == 3


def test_cursor_rows_answer_as_a_cursor_result_does() -> None:
    none, one, two = CursorRows([]), CursorRows([(7, "a")]), CursorRows([(1,), (2,)])
    assert one.one() == (7, "a") and one.scalar_one() == 7 and one.scalar_one_or_none() == 7
    assert one.all() == [(7, "a")] and list(two) == [(1,), (2,)]
    assert none.all() == [] and none.scalar_one_or_none() is None
    for call in (none.one, none.scalar_one):
        with pytest.raises(NoResultFound):
            call()
    for call in (two.one, two.scalar_one, two.scalar_one_or_none):
        with pytest.raises(MultipleResultsFound):
            call()
