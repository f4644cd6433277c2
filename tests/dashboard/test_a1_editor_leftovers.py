"""Leftovers of the Arabic organiser pages (review s63): a line's number isolated as other
figures are, a list of values said as the page's language lists it, the preview's composing
errors and the editable-letter problem in the page's words, labels quoted as the page quotes."""

from __future__ import annotations

import io
import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import csrf_token
from tests.dashboard.test_editor import NEW, WATER, admin, edit_form, edit_url, new_form
from tests.dashboard.test_editor_problems_arabic import _errors

__all__ = ["admin"]  # the fixture, used by the tests below

FSI, PDI = "\u2068", "\u2069"


def test_a_lines_number_is_isolated_on_the_arabic_editor(app: Flask, admin: FlaskClient) -> None:
    """The number of "Line %(number)d" stood bare in the sentence, where said() and the `number |
    bdi` filter isolate every other figure of a right-to-left page."""
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    signatories = "Parents for Water\nA Group | | not-a-web-address\nA | B | C | D"
    page = admin.post(NEW, data=new_form(admin, **{**WATER, "signatories": signatories}))
    assert page.status_code == 422
    shown = _errors(page.text)
    # Line 2: its web address is not one; line 3: four parts.
    assert any(f"السطر {FSI}2{PDI}: عنوان الموقع: " in s for s in shown), shown
    assert f"السطر {FSI}3{PDI}: اكتب الاسم | المنظمة الأم | عنوان الموقع." in shown, shown
    assert not [s for s in shown if re.search(r"السطر \d", s)], shown


def test_a_reading_lines_number_is_isolated_on_the_arabic_editor(
    app: Flask, admin: FlaskClient, default_campaign: str
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    form = edit_form(admin, default_campaign)
    form["reading_signatories"] = "The White Helmets = الخوذ البيضاء\nno separator here"
    page = admin.post(edit_url(default_campaign), data=form)
    assert page.status_code == 422
    assert f"السطر {FSI}2{PDI}: اكتب الاسم = الاسم بالعربية." in _errors(page.text)


def _import(admin: FlaskClient, text: str) -> list[str]:
    page = admin.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(text.encode()), "c.md"),
    }
    result = admin.post("/dashboard/campaigns/import", data=upload)
    assert result.status_code == 422
    listed = result.text.split('class="file-problems"')[1].split("</ul>")[0]
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", listed, re.S)]


CHAMBERS_FILE = (
    "---\nslug: chambers\ntitle: Chambers\nsubject: Hi\nsalutation: Dear friend,\n"
    "targets:\n  - kind: lookup\n  - kind: lookup\n    chambers: [house, moon]\n---\nThe letter.\n"
)


@pytest.mark.parametrize(
    ("language", "choices", "unknown"),
    [
        (
            "ar",
            f"{FSI}'state_lower'{PDI}، {FSI}'state_upper'{PDI}، {FSI}'us_house'{PDI}، "
            f"{FSI}'us_senate'{PDI}",
            f"مجالس غير معروفة: {FSI}'house'{PDI}، {FSI}'moon'{PDI}",
        ),
        (
            "en",
            "list one or more of 'state_lower', 'state_upper', 'us_house', 'us_senate'",
            "unknown chamber(s) 'house', 'moon'",
        ),
    ],
)
def test_the_chambers_a_file_may_list_are_said_as_a_list(
    app: Flask, admin: FlaskClient, language: str, choices: str, unknown: str
) -> None:
    """The check put a Python list in the sentence: "['state_lower', 'state_upper', …]"."""
    app.config["BABEL_DEFAULT_LOCALE"] = language
    items = _import(admin, CHAMBERS_FILE)
    assert any(choices in item for item in items), items
    assert any(unknown in item for item in items), items
    assert not [item for item in items if "[" in item.partition(": ")[2]], items


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", f"السطر {FSI}1{PDI}: لا يقبل المرشّح {FSI}'title'{PDI} هذه القيم"),
        ("en", "line 1: the filter 'title' cannot take these values"),
    ],
)
def test_the_preview_says_a_filter_given_values_it_cannot_take_in_the_pages_language(
    app: Flask, admin: FlaskClient, language: str, expected: str
) -> None:
    """Composing failed in Python's words, "do_title() takes 1 positional argument but 2 were
    given", on Arabic pages too; the text and the filter are named now."""
    app.config["BABEL_DEFAULT_LOCALE"] = language
    # Nested: the filter named is the one that fails, not "default" around it.
    body = "{{ supporter.city | upper | title(3) | default('x') }} in town"
    form = new_form(admin, **{**WATER, "body": body})
    page = admin.post(
        "/dashboard/campaigns/new/preview", data=form, headers={"X-Requested-With": "fetch"}
    )
    assert page.status_code == 200
    cannot_show = unescape(page.text.split("</ul>")[0])
    (problem,) = re.findall(r"<li>(.*?)</li>", cannot_show, re.S)
    assert problem.endswith(f": {expected}"), problem
    assert "do_title" not in page.text and "positional" not in page.text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", f"اقفل الرسالة ({FSI}«هل يمكن للمناصرين إعادة كتابة الرسالة؟»{PDI})"),
        ("en", "lock the letter (“Can supporters rewrite the letter?”) or move merge fields to"),
    ],
)
def test_the_editable_letter_problem_names_its_two_fields_by_their_labels(
    app: Flask, admin: FlaskClient, language: str, expected: str
) -> None:
    app.config["BABEL_DEFAULT_LOCALE"] = language
    typed = {**WATER, "body_editable": "editable", "body": "Dear {{ supporter.first_name }}"}
    page = admin.post(NEW, data=new_form(admin, **typed))
    assert page.status_code == 422
    (error,) = re.findall(r'<p class="error" id="body-error">(.*?)</p>', page.text, re.S)
    error = unescape(error)
    assert expected in error, error
    salutation = "«التحية»" if language == "ar" else "“Salutation”"
    assert error.endswith(salutation + (PDI if language == "ar" else "")), error


@pytest.mark.parametrize(
    ("language", "expected"), [("ar", "بعد \u2068«موعد الفتح»\u2069"), ("en", "after “Opens at”")]
)
def test_a_field_named_in_a_problem_is_quoted_as_the_page_quotes(
    app: Flask, admin: FlaskClient, language: str, expected: str
) -> None:
    """The Arabic editor put the English marks around an Arabic label: “موعد الفتح”; Arabic
    typography and the catalogue's sentences quote «…» (probe: notes/s63)."""
    app.config["BABEL_DEFAULT_LOCALE"] = language
    typed = {**WATER, "starts_at": "2027-03-01T10:00", "ends_at": "2027-02-01T10:00"}
    page = admin.post(NEW, data=new_form(admin, **typed))
    assert page.status_code == 422
    (error,) = re.findall(r'<p class="error" id="ends_at-error">(.*?)</p>', page.text, re.S)
    assert expected in unescape(error), unescape(error)
