"""The database out of reach (every connection refused) or a letter's commit whose answer is
lost: 503s that keep the letter, JSON on the API, and no second copy when it is sent again.
Adopted from the second review's probes; each failed before its fix."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

import webapp.services.submissions as submissions
from tests.conftest import csrf_token
from tests.dashboard.helpers import signed_in
from tests.supporter.helpers import VALID_LETTER
from tests.supporter.test_database_busy import letters_locked
from webapp.database import db
from webapp.models import Submission


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 300, "POSTGRES_LOCK_TIMEOUT_MS": 300}


def _count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Submission)) or 0)


@contextmanager
def unreachable(app: Flask, backend: str) -> Iterator[None]:
    """Every new connection refused, the pool emptied: the server (or the file) is away."""
    with app.app_context():
        engine = db.engine

    def refuse(*_args: Any, **_kwargs: Any) -> Any:
        if backend == "sqlite":
            raise sqlite3.OperationalError("unable to open database file")
        raise psycopg.OperationalError("connection failed: Connection refused")

    engine.dispose()
    event.listen(engine, "do_connect", refuse)
    try:
        yield
    finally:
        event.remove(engine, "do_connect", refuse)
        engine.dispose()


def _letter(app: Flask, slug: str, client: Any = None) -> tuple[Any, dict[str, str]]:
    client = client or app.test_client()
    token = csrf_token(client.get(f"/campaigns/{slug}").text)
    return client, {**VALID_LETTER, "action": "send", "csrf_token": token}


def test_a_letter_sent_while_the_database_is_out_of_reach_is_kept(
    app: Flask, default_campaign: str, backend: str
) -> None:
    client, letter = _letter(app, default_campaign)
    with unreachable(app, backend):
        busy = client.post(f"/campaigns/{default_campaign}", data=letter)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "60"
    assert 'name="personal_message"' in busy.text


def test_the_api_answers_json_while_the_database_is_out_of_reach(
    app: Flask, default_campaign: str, backend: str
) -> None:
    with unreachable(app, backend):
        response = app.test_client().get(f"/api/campaigns/{default_campaign}/stats")
    assert response.status_code == 503 and response.is_json


def test_a_signed_in_organiser_gets_pages_not_errors_while_the_database_is_away(
    app: Flask, default_campaign: str, backend: str
) -> None:
    """The error page read the organiser's row through the failed transaction (PostgreSQL
    refuses it) or a connection that could not open: the handler itself raised."""
    client = signed_in(app, "admin@example.org")
    with unreachable(app, backend):
        assert client.get("/dashboard/").status_code == 503
    client, letter = _letter(app, default_campaign, client)
    with letters_locked(app):
        assert client.post(f"/campaigns/{default_campaign}", data=letter).status_code == 503


def test_a_letter_whose_commit_answer_was_lost_is_not_said_unrecorded_nor_recorded_twice(
    app: Flask, default_campaign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client, letter = _letter(app, default_campaign)
    real_commit, armed = Session.commit, {"letter": False, "fired": False}

    def commit_then_drop(self: Session) -> None:
        real_commit(self)
        if armed["letter"] and not armed["fired"]:
            armed["fired"] = True
            cause = ConnectionError("server closed the connection unexpectedly")
            raise OperationalError("COMMIT", {}, cause, connection_invalidated=True)

    real_insert = submissions.insert_one

    def arm(*args: Any, **kwargs: Any) -> Any:
        armed["letter"] = True
        return real_insert(*args, **kwargs)

    monkeypatch.setattr(submissions, "insert_one", arm)
    monkeypatch.setattr(Session, "commit", commit_then_drop)
    first = client.post(f"/campaigns/{default_campaign}", data=letter)
    monkeypatch.setattr(Session, "commit", real_commit)
    assert armed["fired"] and first.status_code == 503
    assert _count(app) == 1
    assert "nothing was recorded" not in first.text
    assert "may not have been recorded" in first.text
    again = client.post(f"/campaigns/{default_campaign}", data=letter)
    assert again.status_code in (200, 303)
    assert _count(app) == 1
