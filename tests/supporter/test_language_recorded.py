"""A letter records the language of the page it was written on, which its emails then use, also
when the browser puts a language we do not offer first (third review's probe)."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import select

from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Submission


@pytest.mark.parametrize(
    "accept",
    ["ar-SY,en;q=0.5", "fr-FR,ar;q=0.9", "ku,ar;q=0.8,en;q=0.5", "tr-TR,tr;q=0.9,ar;q=0.8"],
)
def test_recorded_language_is_the_page_s(app: Flask, default_campaign: str, accept: str) -> None:
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept
    page = client.get(f"/campaigns/{default_campaign}")
    page_lang = page.text.split('<html lang="', 1)[1][:2]
    assert post_letter(client, default_campaign).status_code == 303
    with app.app_context():
        recorded = db.session.scalars(select(Submission.language)).one()
    assert recorded == page_lang


def test_a_regional_arabic_tag_first_gets_arabic_pages(app: Flask, default_campaign: str) -> None:
    """Werkzeug's best_match tried exact tags first: "ar-SY,en;q=0.5" got English pages."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar-SY,en;q=0.5"
    assert '<html lang="ar" dir="rtl">' in client.get(f"/campaigns/{default_campaign}").text
