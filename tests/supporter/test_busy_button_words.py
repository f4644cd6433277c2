"""The page that keeps a letter to send again (the database busy, too many letters) names its
button as the preview's Send did: "Record my letter, then send it to 1 office myself" on the
preview is not "Send my letter" one page later, in the same act."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.supporter.helpers import post_letter
from tests.supporter.test_database_busy import app_config, letters_locked  # noqa: F401
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget
from tests.widget.helpers import widget_campaign as make_widget_campaign

SEND_RE = re.compile(r'<button type="submit" name="action" value="send"[^>]*>(.*?)</button>', re.S)
BY_HAND = "https://board.example.org/contact"
RECORD_THEN_MINE = "Record my letter, then send it to 1 office myself"


class _Fields(HTMLParser):
    """What the preview's form posts: its inputs (hidden ones and ticked boxes)."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag != "input" or "name" not in a:
            return
        if a.get("type") in ("checkbox", "radio") and "checked" not in a:
            return
        self.fields.append((a["name"], a.get("value", "")))


def _posted(page: str, form_id: str = "letter-form") -> dict[str, list[str]]:
    parser = _Fields()
    parser.feed(page.split(f'id="{form_id}"', 1)[1].split("</form>", 1)[0])
    posted: dict[str, list[str]] = {}
    for name, value in parser.fields:
        posted.setdefault(name, []).append(value)
    return posted


def _send_words(page: str) -> str:
    (words,) = SEND_RE.findall(page)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", words)).split())


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(
    ("targets", "words"),
    [
        ([office("Water Board", contact_url=BY_HAND)], RECORD_THEN_MINE),
        ([office("Water Board", email="board@example.org")], "Send my letter to 1 office"),
    ],
)
def test_the_busy_page_names_its_button_as_the_preview_did(
    app: Flask,
    client: FlaskClient,
    tmp_path: Path,
    lang: str,
    targets: list[dict[str, str]],
    words: str,
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "water", targets)
    preview = post_letter(client, f"{slug}?lang={lang}", "preview")
    assert preview.status_code == 200, preview.text[:300]
    said = _send_words(preview.text)
    if lang == "en":
        assert said == words
    sent = {**_posted(preview.text), "action": "send"}
    with letters_locked(app):
        busy = client.post(f"/campaigns/{slug}?lang={lang}", data=sent)
    assert busy.status_code == 503, busy.text[:300]
    assert _send_words(busy.text) == said


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_too_many_letters_page_names_its_button_as_the_preview_did(
    app: Flask, client: FlaskClient, tmp_path: Path, lang: str
) -> None:
    slug = write_delivery_campaign(app, tmp_path, "water", [office("Board", contact_url=BY_HAND)])
    preview = post_letter(client, f"{slug}?lang={lang}", "preview")
    said = _send_words(preview.text)
    app.config["LETTER_RATE_LIMIT"] = "1/minute"
    # Someone else on the same network sent a letter a moment ago.
    assert post_letter(client, slug, email="neighbour@example.org").status_code == 303
    limited = client.post(
        f"/campaigns/{slug}?lang={lang}", data={**_posted(preview.text), "action": "send"}
    )
    assert limited.status_code == 429, limited.text[:300]
    assert _send_words(limited.text) == said
    # Its sentence points at that button, not at words the button no longer has.
    assert "Send my letter" not in limited.text and "أرسل رسالتي" not in limited.text


def test_the_widgets_busy_page_names_its_button_as_its_preview_did(
    app: Flask, tmp_path: Path
) -> None:
    slug = make_widget_campaign(app, tmp_path)
    client = app.test_client()
    token = form_token(open_widget(client, slug).text)
    preview = post_widget(client, slug, {**letter_data(token), "action": "preview"})
    assert preview.status_code == 200, preview.text[:300]
    said = _send_words(preview.text)
    with letters_locked(app):
        busy = post_widget(client, slug, {**_posted(preview.text, "widget-form"), "action": "send"})
    assert busy.status_code == 503, busy.text[:300]
    assert _send_words(busy.text) == said
