"""Choosing the interface language: Accept-Language, ?lang=, /ar/, the switch, the widget."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.supporter.helpers import VALID_LETTER, post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget, widget_campaign
from webapp.database import db
from webapp.models import Submission

ARABIC = re.compile(r"[\u0600-\u06ff]")
RTL_ROOT = '<html lang="ar" dir="rtl"'
LTR_ROOT = '<html lang="en" dir="ltr"'


def test_accept_language_arabic_serves_the_arabic_right_to_left_page(
    client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}", headers={"Accept-Language": "ar"})
    assert RTL_ROOT in page.text
    assert "أضف اسمك" in page.text and "Add your name" not in page.text
    english = client.get(f"/campaigns/{default_campaign}", headers={"Accept-Language": "en"})
    assert LTR_ROOT in english.text and "Add your name" in english.text


def test_lang_query_outranks_the_browser_and_is_carried_in_links(
    client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}?lang=ar", headers={"Accept-Language": "en"})
    assert RTL_ROOT in page.text
    # The form, the privacy link and the home link all keep the choice.
    assert f'action="/campaigns/{default_campaign}?lang=ar#write"' in page.text
    assert 'href="/privacy?lang=ar"' in page.text
    assert 'href="/?lang=ar"' in page.text
    # Static files do not (they are the same in every language).
    assert "css/site.css?lang" not in page.text
    back = client.get(f"/campaigns/{default_campaign}?lang=en", headers={"Accept-Language": "ar"})
    assert LTR_ROOT in back.text


def test_language_prefix_redirects_to_the_same_page_with_lang(
    client: FlaskClient, default_campaign: str
) -> None:
    response = client.get(f"/ar/campaigns/{default_campaign}?source=news")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/campaigns/{default_campaign}?source=news&lang=ar"
    assert client.get("/ar/").headers["Location"] == "/?lang=ar"
    followed = client.get("/ar/privacy", follow_redirects=True)
    assert RTL_ROOT in followed.text and "من يتلقّى ماذا" in followed.text


def test_switch_on_the_form_resends_it_and_keeps_everything_typed(
    client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}")
    assert 'form="letter-form" name="action" value="language"' in page.text
    assert f'formaction="/campaigns/{default_campaign}?lang=ar"' in page.text
    typed = {**VALID_LETTER, "personal_message": "عائلتي من حلب.", "email": ""}
    switched = client.post(
        f"/campaigns/{default_campaign}?lang=ar",
        data={**typed, "action": "language", "csrf_token": csrf_token(page.text)},
    )
    assert switched.status_code == 200
    assert RTL_ROOT in switched.text
    for value in ("Rasha", "Haddad", "100 Main St", "Dearborn", "48126", "عائلتي من حلب."):
        assert value in switched.text, value
    # Switching is not sending: nothing is checked yet, so no error for the empty email.
    assert "error-summary" not in switched.text
    # Links on a page without a form switch with a plain link to the same page.
    privacy = client.get("/privacy?lang=ar")
    assert 'href="/privacy?lang=en"' in privacy.text


def test_every_text_field_takes_its_direction_from_what_is_typed(
    client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}?lang=ar").text
    fields = re.findall(r"<(?:input|textarea)\b[^>]*>", page)
    typed = [f for f in fields if not re.search(r'type="(hidden|checkbox|radio)"', f)]
    assert len(typed) >= 8
    assert all('dir="auto"' in f for f in typed), [f for f in typed if 'dir="auto"' not in f]


def test_arabic_letter_is_recorded_in_arabic_and_its_receipt_reads_right_to_left(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = client.get(f"/campaigns/{default_campaign}?lang=ar")
    # An Arabic name comes with its Latin spelling, which offices receive (issue 14, part 5).
    data = {**VALID_LETTER, "first_name": "رانيا", "latin_first_name": "Rania", "action": "send"}
    response = client.post(
        f"/campaigns/{default_campaign}?lang=ar",
        data={**data, "csrf_token": csrf_token(page.text)},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("?lang=ar")
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        assert submission.language == "ar"  # so its emails are in Arabic too
    receipt = client.get(response.headers["Location"])
    assert RTL_ROOT in receipt.text
    assert "شكرًا لك يا <bdi>رانيا</bdi>" in receipt.text


def test_form_errors_are_in_arabic(client: FlaskClient, default_campaign: str) -> None:
    page = client.get(f"/campaigns/{default_campaign}?lang=ar")
    arabic = client.post(
        f"/campaigns/{default_campaign}?lang=ar",
        data={
            **VALID_LETTER,
            "first_name": "",
            "zip_code": "123",
            "action": "preview",
            "csrf_token": csrf_token(page.text),
        },
    )
    assert arabic.status_code == 422
    assert "أدخل اسمك الأول." in arabic.text
    assert "أدخل رمزًا بريديًا من 5 أرقام" in arabic.text


def test_error_pages_are_translated(client: FlaskClient) -> None:
    page = client.get("/campaigns/no-such-campaign", headers={"Accept-Language": "ar"})
    assert page.status_code == 404
    assert RTL_ROOT in page.text and "الصفحة غير موجودة" in page.text


def test_organiser_pages_stay_english_and_left_to_right(client: FlaskClient) -> None:
    page = client.get("/dashboard/login?lang=ar", headers={"Accept-Language": "ar"})
    assert LTR_ROOT in page.text


def test_widget_language_travels_in_its_address_and_each_post(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    page = open_widget(client, slug, lang="ar", wid="w1", partner="sama")
    assert page.status_code == 200 and "Set-Cookie" not in page.headers
    assert RTL_ROOT in page.text
    assert '<input type="hidden" name="lang" value="ar">' in page.text
    # The post carries the language in the form itself (no cookie, no query string).
    data = letter_data(form_token(page.text), action="preview", lang="ar")
    preview = post_widget(client, slug, data)
    assert preview.status_code == 200, preview.text
    assert RTL_ROOT in preview.text and "راجع رسالتك" in preview.text
    assert '<input type="hidden" name="lang" value="ar">' in preview.text
    done = post_widget(
        client, slug, {**data, "action": "send", "form_token": form_token(preview.text)}
    )
    # "Rasha", in Latin letters: marked English on the Arabic page (97ccebb).
    assert RTL_ROOT in done.text and 'شكرًا لك يا <bdi lang="en">Rasha</bdi>' in done.text
    english = open_widget(client, slug, wid="w1")
    assert LTR_ROOT in english.text


def test_embed_script_passes_data_lang_to_the_frame(client: FlaskClient) -> None:
    script = client.get("/embed.js").text
    assert '["lang", "lang"]' in script


@pytest.mark.parametrize(
    ("accept", "recorded"),
    [("en-US,en;q=0.9", "en"), ("ar-SY,en;q=0.5", "ar"), ("de-DE,de;q=0.9", "en")],
)
def test_a_letter_records_the_interface_language_it_was_written_in(
    app: Flask, default_campaign: str, accept: str, recorded: str
) -> None:
    """One of the interface's languages, the one its emails use, not the browser's tag:
    letters written in English on the full page and in the widget count as one language."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = accept
    assert post_letter(client, default_campaign).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Submission.language)).one() == recorded
