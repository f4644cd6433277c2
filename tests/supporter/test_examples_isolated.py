"""The letter form's examples and limits in its messages ("e.g. Rania", "like 20500", "at most
100 characters") are set in per page: in its language, isolated, an English example marked English.
They were set into the message when the form class was built, bare in an Arabic sentence."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget
from webapp.i18n import number

EN_RANIA = '<bdi lang="en">Rania</bdi>'
EN_HADDAD = '<bdi lang="en">Haddad</bdi>'
# (what is posted, the field whose error it is, the error in English and in Arabic)
CASES: dict[str, tuple[dict[str, str], str, dict[str, str]]] = {
    "latin first name": (
        {"first_name": "رنا", "last_name": "Haddad"},
        "latin_first_name",
        {
            "en": "US offices accept names in Latin letters only: write your first name as it "
            f"is spelled in Latin letters, e.g. {EN_RANIA}.",
            "ar": "لا تقبل المكاتب الأمريكية إلا الأسماء المكتوبة بالأحرف اللاتينية: اكتب اسمك "
            f"الأول كما يُكتب بالأحرف اللاتينية، مثل {EN_RANIA}.",
        },
    ),
    "latin last name": (
        {"first_name": "Rana", "last_name": "حداد"},
        "latin_last_name",
        {
            "en": "US offices accept names in Latin letters only: write your last name as it is "
            f"spelled in Latin letters, e.g. {EN_HADDAD}.",
            "ar": "لا تقبل المكاتب الأمريكية إلا الأسماء المكتوبة بالأحرف اللاتينية: اكتب اسم "
            f"عائلتك كما يُكتب بالأحرف اللاتينية، مثل {EN_HADDAD}.",
        },
    ),
    "city": (
        {"city": "ديربورن"},
        "city",
        {
            "en": "Write your city in Latin letters (A to Z, accents allowed), e.g. "
            '<bdi lang="en">Dearborn</bdi>: the letter to offices is in English and signed '
            "with it.",
            "ar": "اكتب اسم مدينتك بالأحرف اللاتينية (من A إلى Z، مع السماح بعلامات مثل é)، مثل "
            '<bdi lang="en">Dearborn</bdi>: فالرسالة إلى المكاتب بالإنجليزية، ويُذكر اسم مدينتك '
            "في توقيعها.",
        },
    ),
    "city abroad": (
        {"country": "DE", "abroad_city": "برلين", "state": "", "zip_code": "", "street": ""},
        "abroad_city",
        {
            "en": "Write your city in Latin letters (A to Z, accents allowed), e.g. "
            '<bdi lang="en">Berlin</bdi>: the letter to offices is in English and signed '
            "with it.",
            "ar": "اكتب اسم مدينتك بالأحرف اللاتينية (من A إلى Z، مع السماح بعلامات مثل é)، مثل "
            '<bdi lang="en">Berlin</bdi>: فالرسالة إلى المكاتب بالإنجليزية، ويُذكر اسم مدينتك '
            "في توقيعها.",
        },
    ),
    "zip": (
        {"zip_code": "4812"},
        "zip_code",
        {
            "en": "Enter a 5-digit ZIP code, like <bdi>20500</bdi> (or ZIP+4, "
            "<bdi>20500\u20110003</bdi>).",
            "ar": "أدخل رمزًا بريديًا من 5 أرقام، مثل <bdi>20500</bdi> (أو ZIP+4 مثل "
            "<bdi>20500\u20110003</bdi>).",
        },
    ),
    "email": (
        {"email": "rana at example"},
        "email",
        {
            "en": "Enter a valid email address, like <bdi>name@example.com</bdi>.",
            "ar": "أدخل عنوان بريد إلكتروني صحيحًا، مثل <bdi>name@example.com</bdi>.",
        },
    ),
}


def on_page(client: FlaskClient, slug: str, lang: str, fields: dict[str, str]) -> TestResponse:
    return post_letter(client, f"{slug}?lang={lang}", "preview", **fields)


def in_widget(client: FlaskClient, slug: str, lang: str, fields: dict[str, str]) -> TestResponse:
    token = form_token(open_widget(client, slug, lang=lang).text)
    data = letter_data(token, "preview", lang=lang, **fields)
    return post_widget(client, slug, data)


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("post", [on_page, in_widget], ids=["page", "widget"])
def test_an_example_in_an_error_is_isolated_and_marked_in_the_pages_language(
    client: FlaskClient, default_campaign: str, case: str, lang: str, post: Any
) -> None:
    fields, name, messages = CASES[case]
    page = post(client, default_campaign, lang, fields)

    assert page.status_code == 422, page.text
    assert f'<p class="error" id="{name}-error">{messages[lang]}</p>' in page.text
    # The error summary's link says it the same way.
    assert f'href="#{name}">' in page.text
    assert f"{messages[lang]}</a>" in page.text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_a_length_limit_is_isolated_in_the_pages_language(
    app: Flask, client: FlaskClient, default_campaign: str, lang: str
) -> None:
    page = on_page(client, default_campaign, lang, {"first_name": "R" * 101})

    with app.test_request_context(f"/?lang={lang}"):
        limit = escape(number(100))
    said = {
        "en": f"Use at most <bdi>{limit}</bdi> characters.",
        "ar": f"أقصى عدد من الأحرف هنا <bdi>{limit}</bdi>.",
    }
    assert page.status_code == 422, page.text
    assert f'<p class="error" id="first_name-error">{said[lang]}</p>' in page.text
    assert 'maxlength="100"' in page.text  # the field still stops typing at the limit
