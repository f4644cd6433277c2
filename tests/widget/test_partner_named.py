"""A partner's consent box says whose it is and what it gets, in the page's language, wherever
it shows: the widget, its sign-up step and the full page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.widget.helpers import PARTNERS, open_widget, widget_campaign

NAME = PARTNERS["riverside"][0]


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def _box(page: str) -> str:
    """The partner box's markup, from its input to the end of its hint."""
    match = re.search(r'<input[^>]*name="partner_consent".*?</p>', page, re.S)
    assert match, "no partner box"
    return match[0]


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "en",
            f"Asked by \u2068{NAME}\u2069. If you tick it, \u2068{NAME}\u2069 receives your "
            "name, email address, where you live and the language you wrote in.",
        ),
        (
            "ar",
            f"هذا المربع بطلبٍ من \u2068{NAME}\u2069. إن وضعت علامة فيه يصل إلى \u2068{NAME}\u2069 "
            "اسمك وعنوان بريدك الإلكتروني ومكان إقامتك واللغة التي كتبت بها.",
        ),
    ],
)
def test_the_partner_box_names_the_partner_and_what_it_receives(
    client: FlaskClient, slug: str, language: str, sentence: str
) -> None:
    for page in (
        open_widget(client, slug, partner="riverside", lang=language).text,
        open_widget(client, slug, partner="riverside", lang=language, mode="signup").text,
        client.get(f"/campaigns/{slug}?partner=riverside&lang={language}").text,
    ):
        box = _box(page)
        assert 'aria-describedby="partner_consent-hint"' in box
        assert f'<p class="hint" id="partner_consent-hint">{sentence}</p>' in box


def test_the_campaigns_own_box_and_a_page_without_partner_carry_no_such_line(
    client: FlaskClient, slug: str
) -> None:
    page = open_widget(client, slug, partner="riverside").text
    box = re.search(r'<input[^>]*name="consent_updates"[^>]*>', page)
    assert box and "aria-describedby" not in box[0]
    assert "Asked by" not in open_widget(client, slug).text
