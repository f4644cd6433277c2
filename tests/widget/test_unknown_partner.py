"""A partner code that names no partner of the campaign (a mistyped snippet or link): the letter
keeps the code as written, and the frame tells the embedding page's script."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.dashboard.helpers import partner_ids
from tests.supporter.helpers import VALID_LETTER
from tests.widget.helpers import (
    LETTER,
    form_token,
    letter_data,
    open_widget,
    post_widget,
    widget_campaign,
)
from webapp.database import db
from webapp.models import Consent, Submission

TYPO = "riversde"


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def _hidden_partner(page: str) -> str:
    tag = re.search(r'<input[^>]*name="partner"[^>]*>', page)
    assert tag, "no partner field"
    value = re.search(r'value="([^"]*)"', tag[0])
    return html.unescape(value[1]) if value else ""


def _letters(app: Flask) -> list[tuple[int | None, str | None, int]]:
    """Each letter's (partner id, unknown partner code, consents recorded)."""
    with app.app_context():
        return [
            (
                s.partner_id,
                s.unknown_partner_code,
                len(db.session.scalars(select(Consent).where(Consent.submission_id == s.id)).all()),
            )
            for s in db.session.scalars(select(Submission).order_by(Submission.id))
        ]


def _send_from_widget(client: FlaskClient, slug: str, code: str, **extra: str) -> None:
    page = open_widget(client, slug, partner=code, wid="w1", parent="http://localhost").text
    data = letter_data(form_token(page), partner=_hidden_partner(page), **extra)
    assert "civic-letters-sent" in post_widget(client, slug, data).text


def test_a_widget_letter_keeps_a_code_that_names_no_partner(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    _send_from_widget(client, slug, TYPO, partner_consent="y")
    assert _letters(app) == [(None, TYPO, 0)]
    # Everything held about the letter's writer includes it (`flask supporters export`).
    result = app.test_cli_runner().invoke(args=["supporters", "export", LETTER["email"]])
    assert result.exit_code == 0, result.output
    (letter,) = json.loads(result.output)["letters"]
    assert (letter["partner"], letter["unknown_partner_code"]) == (None, TYPO)


def test_a_code_in_another_case_credits_its_partner_and_is_not_kept_as_unknown(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    _send_from_widget(client, slug, "RiverSide")
    assert _letters(app) == [(partner_ids(app, slug)["riverside"], None, 0)]


def test_the_campaign_page_keeps_the_code_from_its_link(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    page = client.get(f"/campaigns/{slug}?partner={TYPO}").text
    assert _hidden_partner(page) == TYPO
    assert 'name="partner_consent"' not in page
    data = {**VALID_LETTER, "partner": TYPO, "action": "send", "csrf_token": csrf_token(page)}
    assert client.post(f"/campaigns/{slug}", data=data).status_code == 303
    assert _letters(app) == [(None, TYPO, 0)]


@pytest.mark.parametrize("code", ["Syrian Forum <b>", "x" * 65, "café"])
def test_only_a_code_shaped_value_is_carried_and_kept(
    app: Flask, client: FlaskClient, slug: str, code: str
) -> None:
    """Free text of any length is never stored: the field carries nothing, as before."""
    page = open_widget(client, slug, partner=code).text
    assert _hidden_partner(page) == ""
    assert 'data-partner-unknown="yes"' in page  # still warned of on the host page
    assert (
        _hidden_partner(client.get(f"/campaigns/{slug}", query_string={"partner": code}).text) == ""
    )


def test_cached_pages_carry_each_visitors_own_code(client: FlaskClient, slug: str) -> None:
    """The form pages are cached per partner: codes naming none share one page, each filled
    with its own code, in the field and in the link out of the frame."""
    for code in ("first-typo", "second-typo"):
        frame = open_widget(client, slug, partner=code).text
        assert _hidden_partner(frame) == code
        assert f"?partner={code}" in frame
        assert ("second-typo" if code == "first-typo" else "first-typo") not in frame
        assert _hidden_partner(client.get(f"/campaigns/{slug}?partner={code}").text) == code


def test_the_frame_marks_only_a_code_that_names_no_partner(client: FlaskClient, slug: str) -> None:
    assert 'data-partner-unknown="yes"' in open_widget(client, slug, partner=TYPO).text
    for params in ({"partner": "riverside"}, {"partner": "RIVERSIDE"}, {}):
        assert 'data-partner-unknown=""' in open_widget(client, slug, **params).text


@pytest.mark.parametrize("source", ["june 2026", "a&b"])
def test_a_source_tag_that_is_not_code_shaped_never_stops_a_letter(
    app: Flask, client: FlaskClient, slug: str, source: str
) -> None:
    """`data-source` or the page's `?source=` is a tag, checked as a code when the letter is
    posted: one with a space (or too long) sat in a hidden field the supporter cannot change,
    and every letter came back with "Source: Invalid input". It is not carried, as a partner
    code that is not code-shaped (one too long is cut to 64 characters, as before)."""
    page = open_widget(client, slug, source=source).text
    tag = re.search(r'<input[^>]*name="source"[^>]*>', page)
    assert tag is not None and 'value=""' in tag[0]
    data = letter_data(form_token(page), source="")
    assert "civic-letters-sent" in post_widget(client, slug, data).text
    on_site = client.get(f"/campaigns/{slug}", query_string={"source": source}).text
    data = {
        **VALID_LETTER,
        "email": "other@example.org",  # not a repeat of the letter above
        "action": "send",
        "csrf_token": csrf_token(on_site),
    }
    tag = re.search(r'<input[^>]*name="source"[^>]*>', on_site)
    assert tag is not None and 'value=""' in tag[0]
    assert client.post(f"/campaigns/{slug}", data=data).status_code == 303
