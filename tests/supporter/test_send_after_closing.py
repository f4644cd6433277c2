"""The campaign page closed while its form was open: a Send whose letter is recorded is told so."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.supporter.campaign_files import EDITABLE_BODY, record_counts, write_campaign
from tests.supporter.helpers import VALID_LETTER

SLUG = "safe-water"


def _send(client: FlaskClient, token: str, **overrides: str) -> TestResponse:
    data = {**VALID_LETTER, "body": EDITABLE_BODY, "action": "send", "csrf_token": token}
    return client.post(f"/campaigns/{SLUG}", data={**data, **overrides})


def test_a_send_repeated_after_closing_gets_its_receipt_not_a_closed_notice(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    """A second press of Send as the campaign closed, or Back and Send again: the first press
    recorded the letter, and "not accepting letters" alone read as if it had not. It is
    answered as while open; another address, or a preview, still learns it is closed."""
    write_campaign(app, tmp_path, SLUG)
    token = csrf_token(client.get(f"/campaigns/{SLUG}").text)
    first = _send(client, token)
    assert first.status_code == 303 and "/receipts/" in first.headers["Location"]
    recorded = record_counts(app)
    write_campaign(app, tmp_path, SLUG, status="closed")

    again = _send(client, token)

    assert again.status_code == 303 and again.headers["Location"] == first.headers["Location"]
    receipt = client.get(again.headers["Location"]).text
    assert "You already sent this letter, so nothing new was recorded." in receipt
    assert "not accepting letters" not in receipt
    assert record_counts(app) == recorded
    for other in (
        _send(client, token, email="other@example.org"),
        _send(client, token, action="preview"),
    ):
        assert other.status_code == 302 and other.headers["Location"].endswith(f"/campaigns/{SLUG}")
        assert (
            "This campaign is not accepting letters." in client.get(other.headers["Location"]).text
        )
    assert record_counts(app) == recorded


def test_from_another_browser_the_repeat_is_told_it_was_recorded_and_shown_nothing(
    app: Flask, tmp_path: Path
) -> None:
    write_campaign(app, tmp_path, SLUG)
    writer, other = app.test_client(), app.test_client()
    _send(writer, csrf_token(writer.get(f"/campaigns/{SLUG}").text))
    token = csrf_token(other.get(f"/campaigns/{SLUG}").text)
    write_campaign(app, tmp_path, SLUG, status="closed")

    page = _send(other, token)

    assert page.status_code == 200
    assert "Your letter was already recorded" in page.text
    assert "/receipts/" not in page.text
