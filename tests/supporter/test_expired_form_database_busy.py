"""A form whose token expired, sent while the database is busy: the letter is kept (503), as a
busy database keeps any letter, not a server error that loses it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.supporter.helpers import VALID_LETTER
from tests.supporter.test_database_busy import PARAGRAPH, _kept, _letter_form, letters_locked
from webapp.database import db


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 300, "POSTGRES_LOCK_TIMEOUT_MS": 300}


def test_an_expired_form_sent_while_the_database_is_busy_is_kept(
    app: Flask, default_campaign: str, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite's readers never wait for a writer: the expired form only reads")
    client = app.test_client()
    letter = {**_letter_form(client, default_campaign), "csrf_token": "expired-long-ago"}
    with app.app_context():
        tables = ", ".join(db.metadata.tables)
    with letters_locked(app, tables):  # a long migration: even reads wait past lock_timeout
        busy = client.post(f"/campaigns/{default_campaign}", data=letter)
    assert busy.status_code == 503, busy.text[:300]
    kept = _kept(busy.text)
    for field in ("first_name", "last_name", "email", "street", "zip_code"):
        assert kept[field] == VALID_LETTER[field]
    assert kept["personal_message"] == PARAGRAPH

    # Pressed again once the database answers: the expired form, everything still in it.
    again = client.post(f"/campaigns/{default_campaign}", data={**kept, "action": "send"})
    assert again.status_code == 400, again.text[:300]
    assert "the form had expired" in again.text and "Idlib" in again.text
