"""What an expired form's handler raises while drawing its page (a 404, a busy database) is
answered as a view's would be: Flask turns anything raised inside an error handler into a 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.test_editor import admin, edit_url
from tests.supporter.test_database_busy import letters_locked
from webapp.database import db

__all__ = ["admin"]  # the fixture, used below
STALE = {"csrf_token": "expired-long-ago"}


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 300, "POSTGRES_LOCK_TIMEOUT_MS": 300}


def test_an_expired_delete_form_for_a_receipt_that_is_gone_is_the_missing_receipt_page(
    app: Flask, default_campaign: str
) -> None:
    page = app.test_client().post("/receipts/no-such-receipt/delete", data=STALE)

    assert page.status_code == 404
    assert "We could not find this receipt" in page.text
    assert page.headers["Cache-Control"] == "no-store, private"


def test_an_expired_receipt_link_form_for_a_campaign_that_is_gone_is_a_404(
    app: Flask, default_campaign: str
) -> None:
    page = app.test_client().post("/campaigns/no-such-campaign/receipt-link", data=STALE)

    assert page.status_code == 404


def test_an_expired_editor_form_for_a_campaign_that_is_gone_is_a_404(
    admin: FlaskClient, default_campaign: str
) -> None:
    page = admin.post(edit_url("no-such-campaign"), data=STALE)

    assert page.status_code == 404


def test_an_expired_delete_form_while_the_database_is_busy_asks_to_wait(
    app: Flask, default_campaign: str, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("SQLite's readers never wait for a writer: the page only reads")
    with app.app_context():
        tables = ", ".join(db.metadata.tables)
    with letters_locked(app, tables):  # a long migration: even reads wait past lock_timeout
        page = app.test_client().post("/receipts/some-receipt/delete", data=STALE)

    assert page.status_code == 503
    assert page.headers["Retry-After"] == "60"
