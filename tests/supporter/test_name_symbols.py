"""Emoji and other pictographs are refused in the name and city a letter is signed with."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from tests.supporter.campaign_files import NOTHING_RECORDED, record_counts
from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget

NAME = {
    "en": "Use letters only: emoji and other symbols cannot go into the name your letters are "
    "signed with.",
    "ar": "استخدم الحروف فقط: لا يمكن أن يحمل الاسم الذي تُوقَّع به رسائلك رموزًا تعبيرية أو "
    "رموزًا أخرى.",
}
CITY = {
    "en": "Use letters only: emoji and other symbols cannot go into the city your letters are "
    "signed with.",
    "ar": "استخدم الحروف فقط: لا يمكن أن تحمل المدينة التي تُوقَّع بها رسائلك رموزًا تعبيرية أو "
    "رموزًا أخرى.",
}
# Each field with a pictograph in it, and the other fields it needs (a Latin spelling is asked
# only of a name in another script).
CASES: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "first_name": ({"first_name": "Rana \U0001f339"}, NAME),
    "last_name": ({"last_name": "Haddad \u2764\ufe0f"}, NAME),
    "latin_first_name": (
        {"first_name": "رنا", "latin_first_name": "Rana \U0001f44d\U0001f3fd"},
        NAME,
    ),
    "latin_last_name": ({"last_name": "حداد", "latin_last_name": "Haddad \u2b50"}, NAME),
    "city": ({"city": "Dearborn \U0001f3d9"}, CITY),
}


def on_page(client: FlaskClient, slug: str, lang: str, **values: Any) -> TestResponse:
    return post_letter(client, f"{slug}?lang={lang}", "preview", **values)


def in_widget(client: FlaskClient, slug: str, lang: str, **values: Any) -> TestResponse:
    token = form_token(open_widget(client, slug, lang=lang).text)
    return post_widget(client, slug, letter_data(token, "preview", lang=lang, **values))


POSTS = pytest.mark.parametrize("post", [on_page, in_widget], ids=["page", "widget"])


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("field", list(CASES))
@POSTS
def test_a_pictograph_in_a_name_or_city_is_refused_on_its_field(
    app: Flask, client: FlaskClient, default_campaign: str, field: str, lang: str, post: Any
) -> None:
    values, messages = CASES[field]
    page = post(client, default_campaign, lang, **values)
    assert page.status_code == 422
    assert f'<p class="error" id="{field}-error">{escape(messages[lang])}</p>' in page.text
    assert f'href="#{field}"' in page.text
    assert f'value="{escape(values[field])}"' in page.text  # kept as typed, to be corrected
    assert record_counts(app) == NOTHING_RECORDED


def test_a_pictograph_as_the_title_is_refused(client: FlaskClient, default_campaign: str) -> None:
    """The title is chosen from a list (the widget has none): anything else is refused."""
    page = on_page(client, default_campaign, "ar", prefix="\U0001f339")
    assert page.status_code == 422
    assert '<p class="error" id="prefix-error">اختر اللقب من القائمة.</p>' in page.text


@pytest.mark.parametrize(
    "names",
    [
        {"first_name": "رنا", "last_name": "الحدّاد", "latin_first_name": "Rana"},
        {"first_name": "Anne-Marie", "last_name": "O'Brien-Haddad"},
        {"first_name": "J. R.", "last_name": "O\u2019Neil"},
        {"first_name": "Zoë", "last_name": "Nguyễn"},
        {"first_name": "Ἀλέξανδρος", "last_name": "Παπαδόπουλος", "latin_last_name": "Papa"},
    ],
)
@POSTS
def test_letters_of_any_script_apostrophes_hyphens_and_periods_stay_accepted(
    client: FlaskClient, default_campaign: str, names: dict[str, str], post: Any
) -> None:
    latin = {"latin_first_name": "Rana", "latin_last_name": "Haddad"}
    page = post(client, default_campaign, "en", **{**latin, **names})
    assert page.status_code == 200, page.text


@POSTS
def test_emoji_in_the_personal_paragraph_stay_accepted(
    client: FlaskClient, default_campaign: str, post: Any
) -> None:
    paragraph = "My family is in Homs \U0001f339\u2764\ufe0f"
    page = post(client, default_campaign, "en", personal_message=paragraph)
    assert page.status_code == 200, page.text
