"""Each widget frame that holds no letter form is named for what it says: a screen reader's list
of frames announced "Letter form: …" for the closed, expired and too-many-letters frames."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.supporter.test_database_busy import letters_locked
from tests.widget.helpers import OWN_ORIGIN, form_token, letter_data, open_widget, post_widget
from tests.widget.helpers import widget_campaign as make_widget_campaign

TITLE = "Safe water for every school"
FRAME_NAME = re.compile(r'<meta name="civic-letters-frame-title" content="([^"]*)">')


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # A locked database answers busy in 0.3 s, not the production wait.
    return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 300, "POSTGRES_LOCK_TIMEOUT_MS": 300}


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return make_widget_campaign(app, tmp_path)


def _name(page: TestResponse) -> str:
    found = FRAME_NAME.search(page.text)
    assert found, page.text[:500]
    return found.group(1)


def _token(client: FlaskClient, slug: str, lang: str) -> str:
    return form_token(open_widget(client, slug, lang=lang, parent=OWN_ORIGIN).text)


NAMES = {
    "en": {
        "form": f"Letter form: {TITLE}",
        "closed": f"Letters closed: {TITLE}",
        "expired": f"Letter not recorded: {TITLE}",
        "wait": f"Letter to send again shortly: {TITLE}",
    },
    "ar": {
        "form": f"نموذج الرسالة لحملة: {TITLE}",
        "closed": f"باب الرسائل مغلق لحملة: {TITLE}",
        "expired": f"رسالة لم تُسجَّل لحملة: {TITLE}",
        "wait": f"رسالة تُرسَل مجددًا بعد قليل لحملة: {TITLE}",
    },
}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_campaign_closed_mid_letter_names_its_frame_closed(
    app: Flask, client: FlaskClient, tmp_path: Path, slug: str, lang: str
) -> None:
    token = _token(client, slug, lang)
    make_widget_campaign(app, tmp_path, status="closed")  # the organisers close it meanwhile
    closed = post_widget(client, slug, letter_data(token, lang=lang))
    assert closed.status_code == 403
    assert _name(closed) == NAMES[lang]["closed"]


@pytest.mark.parametrize("mode", ["letter", "signup"])
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_closed_campaigns_frame_is_named_closed_not_a_form(
    app: Flask, client: FlaskClient, tmp_path: Path, lang: str, mode: str
) -> None:
    slug = make_widget_campaign(app, tmp_path, status="closed")
    page = open_widget(client, slug, lang=lang, mode=mode)
    assert "<form" not in page.text
    assert _name(page) == NAMES[lang]["closed"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_form_from_another_site_names_its_frame_not_recorded(
    client: FlaskClient, slug: str, lang: str
) -> None:
    expired = post_widget(client, slug, letter_data("not-a-token", lang=lang))
    assert expired.status_code == 400
    assert _name(expired) == NAMES[lang]["expired"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_rate_limited_letter_names_its_frame_to_send_again(
    app: Flask, client: FlaskClient, slug: str, lang: str
) -> None:
    app.config["LETTER_RATE_LIMIT"] = "1/minute"
    first = {"REMOTE_ADDR": "10.0.0.9"}
    post_widget(client, slug, letter_data(_token(client, slug, lang), lang=lang), **first)
    again = letter_data(_token(client, slug, lang), email="second@example.org", lang=lang)
    limited = post_widget(client, slug, again, **first)
    assert limited.status_code == 429
    assert _name(limited) == NAMES[lang]["wait"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_letter_kept_while_the_database_is_busy_names_its_frame_to_send_again(
    app: Flask, client: FlaskClient, slug: str, lang: str
) -> None:
    token = _token(client, slug, lang)
    with letters_locked(app):
        busy = post_widget(client, slug, letter_data(token, lang=lang))
    assert busy.status_code == 503
    assert _name(busy) == NAMES[lang]["wait"]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_letter_form_keeps_its_name(client: FlaskClient, slug: str, lang: str) -> None:
    assert _name(open_widget(client, slug, lang=lang)) == NAMES[lang]["form"]
