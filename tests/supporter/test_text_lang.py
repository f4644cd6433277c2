"""Text is marked with the language it is in (QA4 item 9): office names in Latin letters on
Arabic pages are English, a box holding the supporter's Arabic words is not."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.supporter.helpers import post_letter
from tests.supporter.test_office_names import _in_michigan, _writer

MIXED = "عائلتي من حمص. I support these five steps."
TEXTAREA_RE = re.compile(r"<textarea\b([^>]*)>", re.S)


def _receipt(app: Flask, lang: str, message: str = MIXED) -> str:
    """A receipt with four offices in Michigan (the President and three members of Congress,
    each reached through its web form), in `lang`."""
    client = _writer(app.test_client(), lang)
    response = post_letter(
        client,
        "syria-five-steps",
        personal_message=message,
        include_original="y",
        **_in_michigan(app),
    )
    assert response.status_code == 303, response.text
    return client.get(response.headers["Location"]).text


def _attrs(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([\w-]+)="([^"]*)"', tag))


def test_a_box_holding_arabic_words_is_not_marked_english(
    app: Flask, default_campaign: str
) -> None:
    page = _receipt(app, "ar")
    boxes = [_attrs(t) for t in TEXTAREA_RE.findall(page) if "letter-text" in t]
    assert len(boxes) == 8  # four hand-off boxes and four copies of the letter
    # An English voice cannot read Arabic: the box takes the page's language instead.
    assert all("lang" not in box for box in boxes), boxes


def test_a_box_all_in_english_keeps_lang_en_on_an_arabic_page(
    app: Flask, default_campaign: str
) -> None:
    page = _receipt(app, "ar", message="My family is from Homs.")
    boxes = [_attrs(t) for t in TEXTAREA_RE.findall(page) if "letter-text" in t]
    assert boxes and all(box.get("lang") == "en" for box in boxes), boxes


def test_latin_office_names_on_arabic_pages_are_marked_english(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    preview = post_letter(_writer(client, "ar"), default_campaign, "preview", **_in_michigan(app))
    assert preview.status_code == 200, preview.text
    html = preview.text
    assert (
        '<strong><bdi lang="en">Elissa Slotkin</bdi></strong>، <bdi>عضو مجلس الشيوخ</bdi>' in html
    )
    assert 'اقرأ الرسالة الموجّهة إلى <bdi lang="en">Elissa Slotkin</bdi>' in html
    # An office named in Arabic is not.
    assert "<strong><bdi>رئيس الولايات المتحدة</bdi></strong>" in html
    receipt = _receipt(app, "ar")
    assert '<span class="delivery-name"><bdi lang="en">Rashida Tlaib</bdi>، ' in receipt
    assert 'رسالة إلى <bdi lang="en">Rashida Tlaib</bdi>' in receipt


def test_english_pages_mark_no_office_name(app: Flask, default_campaign: str) -> None:
    receipt = _receipt(app, "en", message="My family is from Homs.")
    assert '<span class="delivery-name"><bdi>Rashida Tlaib</bdi>, ' in receipt
    assert '<bdi lang="en">' not in receipt


def test_the_receipt_marks_the_latin_name_and_the_forms_topic_english_on_an_arabic_page(
    app: Flask, default_campaign: str
) -> None:
    """u1's walk (Arabic receipt, /work/notes/s65/u1/a-berlin-ar-360-4-receipt.png): the name
    offices receive and the topic to pick in their forms were isolated but not marked, so an
    Arabic voice read "Rasha Haddad" and "International Affairs" as Arabic."""
    client = _writer(app.test_client(), "ar")
    names = {"first_name": "رشا", "last_name": "حداد"}
    latin = {"latin_first_name": "Rasha", "latin_last_name": "Haddad"}
    response = post_letter(client, default_campaign, **names, **latin, **_in_michigan(app))
    assert response.status_code == 303, response.text
    receipt = client.get(response.headers["Location"]).text
    assert 'بالأحرف اللاتينية: <bdi lang="en">Rasha Haddad</bdi>.' in receipt
    assert 'كما وُقّعت الرسالة: <bdi lang="en">Rasha Haddad</bdi>.' in receipt  # each hand-off
    assert '(<bdi lang="en">International Affairs</bdi>)' in receipt
    assert "<h1>شكرًا لك يا <bdi>رشا</bdi></h1>" in receipt  # the page's own script: unmarked


def test_a_first_name_in_latin_letters_is_marked_english_in_the_arabic_thanks(
    app: Flask, default_campaign: str
) -> None:
    client = _writer(app.test_client(), "ar")
    response = post_letter(client, default_campaign, first_name="Omar", **_in_michigan(app))
    assert response.status_code == 303, response.text
    receipt = client.get(response.headers["Location"]).text
    assert '<h1>شكرًا لك يا <bdi lang="en">Omar</bdi></h1>' in receipt
