"""The own-words nudge: meter and "common" hint on the preview, the JSON check, the sketches."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import logging
import re
from datetime import timedelta
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget
from webapp.database import db, utcnow, write_transaction
from webapp.letters.own_words import own_words_share, share_percent
from webapp.letters.sketch import BANDS, BANDS_TO_MATCH, paragraph_bands
from webapp.models import Campaign, Delivery, DeliveryStatus, ParagraphBand, Submission
from webapp.sealing import Keyring
from webapp.services.privacy import derive_key
from webapp.services.supporters import erase_supporter, purge_personal_text

MANY = 3
# Long enough that one changed word leaves most three-word runs shared: the near copy below is
# caught under about 98 keys in 100, so the app-level tests do not rest on a lucky test key.
COPIED = (
    "My cousin was detained in Homs in 2013 and we have heard nothing since. "
    "Please push for the release of every detainee. Our whole street in Homs signed this "
    "letter together, and we will keep writing until they are free."
)
# The same words with case, punctuation and one word changed.
NEAR_COPY = (
    "my cousin was detained in Homs in 2012 and we have heard nothing since "
    "please push for the release of every detainee! our whole street in Homs signed this "
    "letter together and we will keep writing until they are free"
)
OTHER = (
    "I taught school in Daraa before the war. My former pupils are scattered across "
    "four countries and none of them can go home safely."
)
COMMON_HINT = "Many people have sent nearly these same words."


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {**app_config, "OWN_WORDS_COMMON_AT": MANY, "API_OWN_WORDS_RATE_LIMIT": "1000/minute"}


def _check(client: FlaskClient, slug: str, text: str) -> Any:
    response = client.post(f"/api/campaigns/{slug}/own-words", json={"text": text})
    assert response.status_code == 200, response.text
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


_senders = itertools.count()


def _send_copies(client_factory: Any, slug: str, count: int, text: str = COPIED) -> None:
    for _ in range(count):
        number = next(_senders)
        response = post_letter(
            client_factory(), slug, email=f"copy{number}@example.org", personal_message=text
        )
        assert response.status_code == 303, response.text


def test_sketches_match_near_copies_and_not_other_paragraphs() -> None:
    # A match is a draw under each key: it and the letter share 35 of their 41 shingles (Jaccard
    # 0.85), so two bands of 4 agree under about 98 keys in 100; the other paragraph shares none.
    caught = unrelated = 0
    for n in range(100):
        key = Keyring(f"master key {n}").sketch_key
        copied, near, other = (paragraph_bands(t, key) for t in (COPIED, NEAR_COPY, OTHER))
        assert len(copied) == BANDS
        caught += len(set(copied) & set(near)) >= BANDS_TO_MATCH
        unrelated += len(set(copied) & set(other)) >= BANDS_TO_MATCH
    assert caught >= 90 and unrelated == 0, (caught, unrelated)
    assert paragraph_bands("Please act now", key) == ()  # too short to compare


def test_sketches_are_keyed_and_hold_none_of_the_words() -> None:
    one = paragraph_bands(COPIED, Keyring("one master key").sketch_key)
    two = paragraph_bands(COPIED, Keyring("another master key").sketch_key)
    assert set(one).isdisjoint(two)  # without the key a guessed paragraph cannot be checked
    words = {w.casefold() for w in re.findall(r"\w{4,}", COPIED)}
    assert not any(word in band for band in one for word in words)


def test_text_hashes_stay_the_keyed_hmac_that_stored_fingerprints_were_made_with() -> None:
    ring = Keyring("one master key")
    key = derive_key("one master key", "text-hash")
    expected = hmac.new(key, b"a shingle", hashlib.sha256).hexdigest()
    assert ring.hash_text("a shingle") == expected
    ring.hash_text("another shingle")  # each text starts from the keyed state, not the last text
    assert ring.hash_text("a shingle") == expected


def test_the_check_says_common_only_once_many_sent_nearly_the_same(
    app: Flask, client: FlaskClient, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert _check(client, default_campaign, COPIED) == {"result": "unusual"}
    _send_copies(app.test_client, default_campaign, MANY - 1)
    assert _check(client, default_campaign, NEAR_COPY) == {"result": "unusual"}
    _send_copies(app.test_client, default_campaign, 1, text=COPIED.upper())
    assert _check(client, default_campaign, NEAR_COPY) == {"result": "common"}
    assert _check(client, default_campaign, COPIED) == {"result": "common"}
    assert _check(client, default_campaign, OTHER) == {"result": "unusual"}
    assert _check(client, default_campaign, "") == {"result": "unusual"}
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "detained" not in logged and "Daraa" not in logged


def test_the_check_refuses_what_is_not_a_paragraph(
    client: FlaskClient, default_campaign: str
) -> None:
    url = f"/api/campaigns/{default_campaign}/own-words"
    assert client.post(url, json={"text": "x" * 6001}).status_code == 400
    assert client.post(url, json={"text": ["a list"]}).status_code == 400
    assert client.post("/api/campaigns/no-such/own-words", json={"text": "a"}).status_code == 404
    # A form post answers too (no CSRF token needed: it changes nothing).
    response = client.post(url, data={"text": OTHER})
    assert response.status_code == 200 and response.get_json() == {"result": "unusual"}


def test_the_check_is_rate_limited_per_address(app: Flask, default_campaign: str) -> None:
    app.config["API_OWN_WORDS_RATE_LIMIT"] = "2/minute"
    client = app.test_client()
    url = f"/api/campaigns/{default_campaign}/own-words"
    assert [client.post(url, json={"text": OTHER}).status_code for _ in range(3)] == [200, 200, 429]


def _meter(html: str) -> tuple[int, str, str]:
    value = re.search(r'<meter id="own-words-meter"[^>]* value="(\d+)"', html)
    text = re.search(r'<p class="own-words-text" id="own-words-text">(.*?)</p>', html, re.S)
    hint = re.search(
        r'<p class="own-words-hint" id="own-words-hint" aria-live="polite">(.*?)</p>', html, re.S
    )
    assert value and text and hint, "no meter on the page"
    return int(value.group(1)), unescape(text.group(1)), unescape(hint.group(1))


def test_the_preview_shows_the_meter_and_the_hint_without_javascript(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    with app.app_context():
        body = db.session.scalar(select(Campaign.body).where(Campaign.slug == default_campaign))
    letter_chars = len((body or "").strip())
    own = len(COPIED)
    percent = round(100 * own / (own + letter_chars))
    assert percent == share_percent(own_words_share(own, letter_chars)) and percent > 0

    page = post_letter(client, default_campaign, action="preview", personal_message=COPIED)
    assert page.status_code == 200
    assert _meter(page.text) == (
        percent,
        f"Your own words: {percent}% of your letter (<bdi>{own:,}</bdi> characters).",
        "",
    )
    _send_copies(app.test_client, default_campaign, MANY)
    page = post_letter(
        app.test_client(), default_campaign, action="preview", personal_message=NEAR_COPY
    )
    value, _text, hint = _meter(page.text)
    assert value == round(100 * len(NEAR_COPY) / (len(NEAR_COPY) + letter_chars))
    assert hint.startswith(COMMON_HINT)


def test_the_form_shows_the_meter_before_any_typing(
    client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}")
    value, text, hint = _meter(page.text)
    assert (value, hint) == (0, "")
    assert text.startswith("No words of your own yet.")
    assert 'data-check-url="/api/campaigns/syria-five-steps/own-words"' in page.text


def test_a_letter_keeps_its_sketch_and_length_until_retention_removes_the_sketch(
    app: Flask, default_campaign: str
) -> None:
    _send_copies(app.test_client, default_campaign, 2)
    with app.app_context():
        session = db.session()
        rows = session.execute(select(Submission.id, Submission.own_words_chars)).all()
        assert [chars for _id, chars in rows] == [len(COPIED), len(COPIED)]
        assert session.scalar(select(func.count()).select_from(ParagraphBand)) == 2 * BANDS
        with write_transaction(session):
            session.execute(update(Delivery).values(status=DeliveryStatus.SENT))
        assert purge_personal_text(session, utcnow() + timedelta(days=100), 90) == 2
        assert session.scalar(select(func.count()).select_from(ParagraphBand)) == 0
        # The length is a count, kept like the others.
        assert session.scalars(select(Submission.own_words_chars)).all() == [len(COPIED)] * 2


def test_erasing_a_supporter_removes_their_sketch(app: Flask, default_campaign: str) -> None:
    _send_copies(app.test_client, default_campaign, 2)
    with app.app_context():
        session = db.session()
        first = session.scalar(select(Submission).order_by(Submission.id).limit(1))
        assert first is not None
        erase_supporter(session, first.supporter.email)
        assert session.scalar(select(func.count()).select_from(ParagraphBand)) == BANDS


def test_the_widget_preview_shows_the_meter_and_the_hint_too(
    app: Flask, default_campaign: str
) -> None:
    _send_copies(app.test_client, default_campaign, MANY)
    client = app.test_client(use_cookies=False)
    page = open_widget(client, default_campaign, mode="letter")
    data = letter_data(form_token(page.text), action="preview", personal_message=NEAR_COPY)
    preview = post_widget(client, default_campaign, data)
    assert preview.status_code == 200 and "Check your letter" in preview.text
    value, text, hint = _meter(preview.text)
    assert value > 0 and f"(<bdi>{len(NEAR_COPY)}</bdi> characters)" in text
    assert hint.startswith(COMMON_HINT)
