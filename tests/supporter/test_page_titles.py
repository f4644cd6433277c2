"""A campaign's title in a page's <title> is isolated on an Arabic page: an English title that
starts with a digit read "steps… 5" there, before and after "خطأ: ", with no mark around it."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from sqlalchemy import select

from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Campaign

TITLE = "5 steps for Syria"
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


def _retitled(app: Flask, slug: str) -> None:
    """An English title and no Arabic reading copy: Arabic pages show the English title."""
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        campaign.title = TITLE
        campaign.translations = {}
        db.session.commit()


def _title(page: str) -> str:
    found = TITLE_RE.search(page)
    assert found, page[:500]
    return html.unescape(found.group(1))


def test_an_english_title_is_isolated_in_an_arabic_page_s_title(
    app: Flask, default_campaign: str
) -> None:
    _retitled(app, default_campaign)
    client = app.test_client()
    isolated = f"\u2068{TITLE}\u2069"
    form = client.get(f"/campaigns/{default_campaign}?lang=ar").text
    assert _title(form).startswith(isolated + " · "), _title(form)
    errors = post_letter(client, f"{default_campaign}?lang=ar", "preview", first_name="")
    assert errors.status_code == 422
    assert _title(errors.text).startswith(f"خطأ: {isolated} · "), _title(errors.text)
    preview = post_letter(client, f"{default_campaign}?lang=ar", "preview")
    assert _title(preview.text).endswith(f" · {isolated}"), _title(preview.text)
    widget = client.get(f"/widget/{default_campaign}?lang=ar").text
    assert _title(widget).endswith(f" · {isolated}"), _title(widget)


@pytest.mark.parametrize("path", ["/campaigns/{slug}", "/widget/{slug}"])
def test_an_english_page_s_title_carries_no_marks(
    app: Flask, default_campaign: str, path: str
) -> None:
    """Some browsers and screen readers show the marks as boxes: only where they change order."""
    _retitled(app, default_campaign)
    page = app.test_client().get(path.format(slug=default_campaign) + "?lang=en").text
    assert TITLE in _title(page)
    assert "\u2068" not in _title(page) and "\u2069" not in _title(page)


def test_an_arabic_title_on_an_arabic_page_carries_no_marks(
    app: Flask, default_campaign: str
) -> None:
    """The coalition's Arabic title reads in order on its own: no marks to show as boxes."""
    page = app.test_client().get(f"/campaigns/{default_campaign}?lang=ar").text
    assert _title(page).startswith("خمس خطوات"), _title(page)
    assert "\u2068" not in _title(page) and "\u2069" not in _title(page)
