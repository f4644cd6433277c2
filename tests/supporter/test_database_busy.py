"""The database busy as a letter is sent (another transaction holds the letters' table past the
busy or lock timeout): a 503 that keeps the letter as posted, nothing recorded, and the same
letter recorded when the supporter presses again. A bug in a statement stays a 500."""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import csrf_token
from tests.supporter.helpers import VALID_LETTER
from tests.widget.helpers import OWN_ORIGIN, form_token, letter_data, open_widget, post_widget
from tests.widget.helpers import widget_campaign as make_widget_campaign
from webapp.database import db
from webapp.db_faults import database_unavailable
from webapp.models import Submission

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
PARAGRAPH = "My family is in Idlib.\n\nPlease, act now."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 300, "POSTGRES_LOCK_TIMEOUT_MS": 300}


@contextmanager
def letters_locked(app: Flask, tables: str = "submission") -> Iterator[None]:
    """Another process's transaction holding the letters: SQLite's write lock, or PostgreSQL's
    strongest lock on `tables` (as a long migration would)."""
    url = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.startswith("sqlite"):
        other = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text(f"LOCK TABLE {tables} IN ACCESS EXCLUSIVE MODE"))
            yield
            connection.rollback()
    finally:
        engine.dispose()


def _letters(app: Flask) -> list[str | None]:
    with app.app_context():
        return [letter.personal_message for letter in db.session.scalars(select(Submission))]


def _letter_form(client: FlaskClient, slug: str, action: str = "send") -> dict[str, str]:
    """A whole letter as the campaign page posts it, its token read before the lock."""
    token = csrf_token(client.get(f"/campaigns/{slug}").text)
    fields = {**VALID_LETTER, "personal_message": PARAGRAPH}
    return {**fields, "action": action, "csrf_token": token}


def _kept(page: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in HIDDEN.findall(page)}


def test_a_letter_sent_while_the_database_is_busy_is_kept_to_send_again(
    app: Flask, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    client = app.test_client()
    letter = _letter_form(client, default_campaign)
    with caplog.at_level(logging.WARNING), letters_locked(app):
        busy = client.post(f"/campaigns/{default_campaign}", data=letter)
    assert busy.status_code == 503, busy.text[:500]
    assert busy.headers["Retry-After"] == "60"
    assert "may not have been recorded. Nothing you wrote is lost" in busy.text
    kept = _kept(busy.text)
    for field in ("first_name", "last_name", "email", "street", "zip_code"):
        assert kept[field] == VALID_LETTER[field]
    assert kept["personal_message"] == PARAGRAPH
    assert 'name="action" value="send"' in busy.text
    assert _letters(app) == []
    # Logged as the database's state, on the route's pattern: nothing the supporter typed.
    said = caplog.text
    assert "database busy or out of reach on POST /campaigns/<slug>" in said
    for value in ("Rasha", "Haddad", "Example.org", "100 Main", "48126", "Idlib"):
        assert value not in said

    again = client.post(f"/campaigns/{default_campaign}", data={**kept, "action": "send"})
    assert again.status_code == 303, again.text[:500]
    assert _letters(app) == [PARAGRAPH]


def test_a_preview_asked_for_while_the_database_is_busy_is_offered_again_as_a_preview(
    app: Flask, default_campaign: str, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite's readers never wait for a writer: a preview only reads")
    client = app.test_client()
    letter = _letter_form(client, default_campaign, action="preview")
    with app.app_context():
        tables = ", ".join(db.metadata.tables)
    with letters_locked(app, tables):
        busy = client.post(f"/campaigns/{default_campaign}", data=letter)
    assert busy.status_code == 503, busy.text[:300]
    assert 'name="action" value="preview"' in busy.text
    assert 'name="action" value="send"' not in busy.text


def test_a_widget_letter_sent_while_the_database_is_busy_is_kept_in_its_frame(
    app: Flask, tmp_path: Path
) -> None:
    slug = make_widget_campaign(app, tmp_path)
    client = app.test_client()
    token = form_token(open_widget(client, slug, parent=OWN_ORIGIN).text)
    with letters_locked(app):
        busy = post_widget(client, slug, letter_data(token, personal_message=PARAGRAPH))
    assert busy.status_code == 503, busy.text[:500]
    assert busy.headers["Retry-After"] == "60"
    assert "frame-ancestors 'none'" not in busy.headers["Content-Security-Policy"]
    kept = _kept(busy.text)
    assert kept["personal_message"] == PARAGRAPH and kept["form_token"] == token
    assert _letters(app) == []

    again = post_widget(client, slug, {**kept, "action": "send"})
    assert again.status_code == 200 and "civic-letters-sent" in again.text
    assert _letters(app) == [PARAGRAPH]


def test_a_wrong_statement_is_a_fault_of_ours_not_a_busy_database(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(DBAPIError) as wrong:
            db.session.execute(text("SELECT no_such_column FROM submission"))
        db.session.rollback()
        assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    # SQLite calls a missing column an OperationalError too; PostgreSQL a ProgrammingError.
    assert not database_unavailable(wrong.value)
