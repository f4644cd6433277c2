"""A merge field typed with one brace each side ({first_nam}) is refused on its field, naming the
field it likely meant: it was saved, and every senator's letter opened "Dear {first_nam},"."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.editor_helpers import read_form
from tests.dashboard.test_editor import NEW, WATER, admin, campaign_count, field_error, new_form
from webapp.letters.merge import check_template

__all__ = ["admin"]  # the fixture, used by the tests below

BODY = "Our children need safe water at school.\n\nThank you, {first_nam}."


def test_a_field_in_single_braces_is_refused_on_its_field_with_everything_kept(
    app: Flask, admin: FlaskClient
) -> None:
    before = campaign_count(app)
    typed = {**WATER, "body": BODY, "subject": "Water for { supporter.city }"}
    page = admin.post(NEW, data=new_form(admin, **typed))
    assert page.status_code == 422
    assert field_error(page, "body") == (
        "Line 3: {first_nam} would be sent as typed: a merge field has two braces on each side, "
        "as in {{ supporter.first_name }}"
    )
    assert "{{ supporter.city }}" in field_error(page, "subject")
    kept = read_form(page.text)
    assert (kept["body"], kept["subject"]) == (BODY, typed["subject"])
    assert campaign_count(app) == before, "nothing saved"


def test_the_arabic_editor_says_it_in_arabic(app: Flask, admin: FlaskClient) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = admin.post(NEW, data=new_form(admin, **{**WATER, "body": BODY}))
    assert page.status_code == 422
    assert field_error(page, "body") == (
        "السطر \u20683\u2069: سيُرسَل \u2068{first_nam}\u2069 كما كُتب؛ حقل الدمج يُكتب بقوسين "
        "معقوصين على كل جانب، مثل \u2068{{ supporter.first_name }}\u2069"
    )


@pytest.mark.parametrize(
    "text", ["100% {plain} text", "{braces}", "Dear {{ target.name }},", "{{ '{x}' }}", "{ }"]
)
def test_braces_around_other_words_stay_plain_text(text: str) -> None:
    check_template(text)  # raises for a refused text
