"""The campaign page closed while its form was open: a Send whose letter is recorded is told so."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.supporter.campaign_files import (
    EDITABLE_BODY,
    NOTHING_RECORDED,
    record_counts,
    write_campaign,
)
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
        # The closed page itself, not a redirect to it: the redirect dropped what they wrote.
        assert other.status_code == 403
        assert "This campaign is not accepting letters." in other.text
        assert "nothing you wrote was sent or recorded" in other.text
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


OWN_AR = "عائلتي في إدلب منذ ٢٠١١.\n\nأرجو أن تتحركوا."


def _kept(page: str) -> dict[str, str]:
    """The closed page's copies of what was written, by their labels."""
    found = re.findall(
        r'<label class="label" for="(unsent-\d+)">([^<]*)</label>\s*'
        r'<textarea id="\1"[^>]*>([^<]*)</textarea>',
        page,
    )
    return {label: html.unescape(text) for _id, label, text in found}


@pytest.mark.parametrize("action", ["send", "preview"])
def test_what_a_supporter_wrote_comes_back_to_copy_when_the_campaign_closed_meanwhile(
    client: FlaskClient, app: Flask, tmp_path: Path, action: str
) -> None:
    """Minutes of writing, in Arabic, and a rewritten letter: they went with the redirect."""
    write_campaign(app, tmp_path, SLUG)
    token = csrf_token(client.get(f"/campaigns/{SLUG}").text)
    write_campaign(app, tmp_path, SLUG, status="closed")
    rewritten = "Our school has had no clean water since May. <Please> fix it & fund pipes."
    page = _send(client, token, action=action, personal_message=OWN_AR, body=rewritten)
    assert page.status_code == 403
    assert "nothing you wrote was sent or recorded" in page.text
    assert _kept(page.text) == {"Your own words": OWN_AR, "Your letter": rewritten}
    assert "<Please>" not in page.text  # escaped, as any text of theirs
    assert record_counts(app) == NOTHING_RECORDED
    arabic = _send(client, token, action=action, personal_message=OWN_AR, lang="ar")
    assert _kept(arabic.text) == {"كلماتك أنت": OWN_AR}  # the campaign's own letter is not theirs


def test_nothing_of_their_own_written_shows_no_copy(
    client: FlaskClient, app: Flask, tmp_path: Path
) -> None:
    write_campaign(app, tmp_path, SLUG)
    token = csrf_token(client.get(f"/campaigns/{SLUG}").text)
    write_campaign(app, tmp_path, SLUG, status="closed")
    # The campaign's letter as a browser posts it untouched (lines ended by CR LF) is not theirs.
    page = _send(client, token, personal_message="  ", body=EDITABLE_BODY.replace("\n", "\r\n"))
    assert page.status_code == 403 and _kept(page.text) == {}
    assert "What you wrote" not in page.text
