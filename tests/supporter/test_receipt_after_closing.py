"""A receipt opened after its campaign closed no longer asks the supporter to share the campaign:
it offered "Ask others to write too" and share links to a page that takes no more letters."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.supporter.campaign_files import EDITABLE_BODY, write_campaign
from tests.supporter.helpers import post_letter

SLUG = "safe-water"


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_share_panel_goes_when_the_campaign_closes_and_comes_back_when_it_reopens(
    client: FlaskClient, app: Flask, tmp_path: Path, lang: str
) -> None:
    write_campaign(app, tmp_path, SLUG)
    sent = post_letter(client, SLUG, body=EDITABLE_BODY)
    assert sent.status_code == 303, sent.text
    receipt = f"{sent.headers['Location']}?lang={lang}"
    assert 'id="share-heading"' in client.get(receipt).text

    write_campaign(app, tmp_path, SLUG, status="closed")
    closed = client.get(receipt)
    assert closed.status_code == 200
    assert 'id="share-heading"' not in closed.text
    assert 'id="share-url"' not in closed.text and "share-links" not in closed.text
    assert "Water Board" in closed.text, "the letter's own offices are still listed"

    write_campaign(app, tmp_path, SLUG, status="live")
    assert 'id="share-heading"' in client.get(receipt).text
