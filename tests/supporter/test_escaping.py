"""Script and Markdown typed into any field come back as inert, escaped text on every page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select

from tests.html_safety import assert_inert
from tests.supporter.campaign_files import MERGED_BODY, write_campaign
from tests.supporter.helpers import VALID_LETTER, post_letter
from webapp.database import db
from webapp.models import Submission

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "[x](javascript:alert(1))",
    "**bold**",
    "{{ 7*7 }}",
)
EMAIL_PAYLOADS = ("x'onfocus=alert`1`'@example.org", "{{7*7}}&x@example.org")
# The pages each field is shown on; the receipt shows neither street nor email.
REACHES = {
    "first_name": {"form", "preview", "receipt"},
    "last_name": {"form", "preview", "receipt"},
    "street": {"form", "preview"},
    "city": {"form", "preview", "receipt"},
    "personal_message": {"form", "preview", "receipt"},
    "email": {"form", "preview"},
    "body": {"form", "preview", "receipt"},
}
CASES = [(field, p) for field in REACHES if field not in {"email", "body"} for p in PAYLOADS]
CASES += [("email", p) for p in EMAIL_PAYLOADS] + [("body", p) for p in PAYLOADS]


class _HiddenInputs(HTMLParser):
    """The name/value pairs of a page's hidden inputs, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "input" and found.get("type") == "hidden":
            self.values[found["name"]] = found.get("value", "")


def hidden_inputs(html: str) -> dict[str, str]:
    parser = _HiddenInputs()
    parser.feed(html)
    return parser.values


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def letter_body_text(html: str) -> str:
    """The text a reader sees in the first letter body of a page."""
    fragment = re.split(r'<div class="letter-body"[^>]*>', html, maxsplit=1)[1].split("</div>", 1)[
        0
    ]
    parser = _Text()
    parser.feed(fragment)
    return "".join(parser.parts)


def assert_escaped(html: str, payload: str, shown: bool) -> None:
    """`payload` never appears raw; where the page shows the field it appears escaped."""
    assert_inert(html)
    if str(escape(payload)) != payload:
        assert payload not in html
    if shown:
        assert str(escape(payload)) in html
    assert "<strong>bold</strong>" not in html


@pytest.fixture
def merged_campaign(app: Flask, tmp_path: Path) -> str:
    """A locked letter merging supporter values into subject, salutation, body and closing."""
    return write_campaign(
        app,
        tmp_path,
        "merged-water",
        body=MERGED_BODY,
        body_editable=False,
        subject="From {{ supporter.full_name }} of {{ supporter.city }}",
        salutation="Dear {{ target.name }}, from {{ supporter.first_name }}",
        closing="Yours, {{ supporter.last_name | default('friend') }}",
    )


@pytest.fixture
def editable_campaign(app: Flask, tmp_path: Path) -> str:
    return write_campaign(app, tmp_path, "editable-water")


@pytest.mark.parametrize(("field", "payload"), CASES)
def test_payload_is_escaped_on_every_page_it_reaches(
    app: Flask,
    client: FlaskClient,
    merged_campaign: str,
    editable_campaign: str,
    field: str,
    payload: str,
) -> None:
    slug = editable_campaign if field == "body" else merged_campaign
    pages = REACHES[field]
    letter = {**VALID_LETTER, field: payload}

    again = post_letter(client, slug, action="preview", **{**letter, "zip_code": "1234"})
    assert again.status_code == 422 and 'id="zip_code-error"' in again.text
    assert_escaped(again.text, payload, "form" in pages)

    preview = post_letter(client, slug, action="preview", **letter)
    assert preview.status_code == 200, preview.text
    assert_escaped(preview.text, payload, "preview" in pages)

    # Send what the preview carried in its hidden fields, as the browser would.
    carried = hidden_inputs(preview.text)
    assert carried[field] == payload
    sent = client.post(f"/campaigns/{slug}", data={**carried, "action": "send"})
    assert sent.status_code == 303
    receipt = client.get(sent.headers["Location"])
    assert receipt.status_code == 200
    assert_escaped(receipt.text, payload, "receipt" in pages)

    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        stored = {
            "body": submission.edited_body,
            "email": submission.supporter.email,
        }.get(field, getattr(submission, field, None))
        assert stored == payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_recipient_choices_are_escaped_when_the_form_is_shown_again(
    client: FlaskClient, default_campaign: str, payload: str
) -> None:
    page = post_letter(
        client,
        default_campaign,
        action="preview",
        zip_code="1234",
        recipients_chosen="1",
        recipients=payload,
    )
    assert page.status_code == 422
    assert_escaped(page.text, payload, shown=True)


@pytest.mark.parametrize("payload", [*PAYLOADS, "A &lt;b&gt; &amp; C", "\\*not\\* `code`"])
def test_merged_value_reads_exactly_as_typed_in_the_rendered_letter_body(
    client: FlaskClient, merged_campaign: str, payload: str
) -> None:
    # The office receives the characters typed, so the preview must show those characters.
    preview = post_letter(client, merged_campaign, action="preview", city=payload)
    assert preview.status_code == 200
    assert_inert(preview.text)
    assert f"Neighbours in {payload} ask" in letter_body_text(preview.text)


ORGANISER_BODY = """Intro **ok** and [site](https://example.org) and [mail](mailto:a@example.org).

<script>alert('body')</script>

<iframe src="https://evil.example/"></iframe>

<img src=x onerror=alert(1)>

<a href="javascript:alert(2)">raw link</a> <span onclick="alert(3)">span</span>

[one](javascript:alert(4)) [two](JaVaScRiPt:alert(5)) [three](&#106;avascript:alert(6))
[four](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(7)> [five](vbscript:msgbox)

1. first
2. second
"""


@pytest.mark.parametrize("page", ["campaign", "preview"])
def test_organiser_markdown_with_raw_html_and_script_links_is_inert(
    app: Flask, client: FlaskClient, tmp_path: Path, page: str
) -> None:
    slug = write_campaign(
        app,
        tmp_path,
        "organiser-html",
        title="Water <script>alert(8)</script>",
        body=ORGANISER_BODY,
        body_editable=False,
    )
    if page == "campaign":
        html = client.get(f"/campaigns/{slug}").text
    else:
        html = post_letter(client, slug, action="preview").text
    assert_inert(html)
    assert "<script>alert" not in html and "<iframe" not in html and "<img" not in html
    assert "&lt;script&gt;alert(" in html and "&lt;iframe" in html
    assert "Water &lt;script&gt;alert(8)&lt;/script&gt;" in html
    assert "<strong>ok</strong>" in html
    assert '<a href="https://example.org"' in html and '<a href="mailto:a@example.org"' in html
    assert "<ol>\n<li>first</li>\n<li>second</li>\n</ol>" in html
