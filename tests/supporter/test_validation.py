"""Bad input gets a message on its field, keeps everything typed, and records nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup, escape
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.conftest import csrf_token
from tests.supporter.campaign_files import NOTHING_RECORDED, record_counts, write_campaign
from tests.supporter.helpers import VALID_LETTER, post_letter
from webapp.database import db
from webapp.models import Submission

# Values with characters that must be escaped when the form is shown again.
TYPED: dict[str, str] = {
    **VALID_LETTER,
    "email": "rasha.haddad+letters@example.org",
    "last_name": "O'Haddad & Sons",
    "street": '100 "Main" St <rear>',
    "city": "Dearborn & Co",
    "personal_message": 'My family is from Aleppo & Idlib.\n\n"Please" act <now>.',
}
INPUTS = ("first_name", "last_name", "email", "street", "city", "zip_code")
SELECTS = ("prefix", "state")
EMAIL_EXAMPLE = Markup("Enter a valid email address, like <bdi>name@example.com</bdi>.")
ZIP_EXAMPLE = Markup(
    "Enter a 5-digit ZIP code, like <bdi>20500</bdi> (or ZIP+4, <bdi>20500\u20110003</bdi>)."
)


def too_long(start: str, length: str, limit: str) -> str:
    """A text over its limit: its length and the limit isolated, as the page shows them."""
    return (
        f"{start} \u2068{length}\u2069 characters and the limit is \u2068{limit}\u2069. "
        "Please shorten it: your text is kept here."
    )


def send(client: FlaskClient, slug: str, **overrides: Any) -> TestResponse:
    """Post TYPED with `overrides` as a send, the step that would record a letter."""
    return post_letter(client, slug, action="send", **{**TYPED, **overrides})


def assert_field_error(page: TestResponse, field: str, message: str) -> None:
    assert page.status_code == 422
    assert f'<p class="error" id="{field}-error">{escape(message)}</p>' in page.text
    assert f'href="#{field}"' in page.text  # the summary links to the field


def assert_kept(html: str, values: dict[str, str], *skip: str) -> None:
    """Every field other than `skip` is shown again holding the (escaped) value typed."""
    for name in INPUTS:
        if name in skip:
            continue
        tag = re.search(rf'<input [^>]*\bname="{name}"[^>]*>', html)
        assert tag, f"no input named {name}"
        assert f'value="{escape(values[name])}"' in tag.group(0), (name, tag.group(0))
    for name in SELECTS:
        if name not in skip:
            select_html = re.search(rf'<select [^>]*name="{name}".*?</select>', html, re.S)
            assert select_html and f'<option selected value="{escape(values[name])}">' in (
                select_html.group(0)
            ), name
    if "personal_message" not in skip:
        area = re.search(
            r'<textarea [^>]*name="personal_message"[^>]*>\r?\n(.*?)</textarea>', html, re.S
        )
        assert area and area.group(1) == escape(values["personal_message"])


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("first_name", "Enter your first name."),
        ("last_name", "Enter your last name."),
        ("email", "Enter your email address."),
        ("city", "Enter your city or town."),
        ("state", "Choose your state."),
        ("zip_code", "Enter your ZIP code."),
    ],
)
@pytest.mark.parametrize("blank", ["", "   "])
def test_missing_required_field_is_named_and_the_rest_is_kept(
    app: Flask, client: FlaskClient, default_campaign: str, field: str, message: str, blank: str
) -> None:
    page = send(client, default_campaign, **{field: blank})
    assert_field_error(page, field, message)
    assert_kept(page.text, TYPED, field)
    assert record_counts(app) == NOTHING_RECORDED


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        # Examples and limits are isolated values of their messages (test_examples_isolated).
        ("first_name", "R" * 101, Markup("Use at most <bdi>100</bdi> characters.")),
        ("last_name", "H" * 101, Markup("Use at most <bdi>100</bdi> characters.")),
        (
            "personal_message",
            "p" * 5001,
            too_long("Your paragraph has", "5,001", "5,000"),
        ),
        ("email", "not-an-email", EMAIL_EXAMPLE),
        ("email", "a@b", EMAIL_EXAMPLE),
        ("zip_code", "1234", ZIP_EXAMPLE),
        ("zip_code", "ABCDE", ZIP_EXAMPLE),
        ("zip_code", "123456", ZIP_EXAMPLE),
        ("state", "XX", "Choose your state from the list."),
    ],
)
def test_invalid_value_is_named_on_its_field_and_the_rest_is_kept(
    app: Flask, client: FlaskClient, default_campaign: str, field: str, value: str, message: str
) -> None:
    page = send(client, default_campaign, **{field: value})
    assert_field_error(page, field, message)
    assert_kept(page.text, TYPED, field)
    assert record_counts(app) == NOTHING_RECORDED


def test_zip_outside_the_chosen_state_names_the_state(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = send(client, default_campaign, zip_code="48126", state="CA")
    assert_field_error(
        page,
        "zip_code",
        # The ZIP and the state are isolated, as every value inside a sentence.
        "ZIP code \u206848126\u2069 is not in \u2068California\u2069. "
        "Check the ZIP code or the state.",
    )
    assert_kept(page.text, {**TYPED, "state": "CA"})
    assert record_counts(app) == NOTHING_RECORDED


def test_the_arabic_zip_error_keeps_its_zip_plus_four_example_whole(
    client: FlaskClient, default_campaign: str
) -> None:
    """In a right-to-left line the example broke at its hyphen, its halves swapped round."""
    page = send(client, f"{default_campaign}?lang=ar", zip_code="1234")
    assert_field_error(
        page,
        "zip_code",
        Markup(
            "أدخل رمزًا بريديًا من 5 أرقام، مثل <bdi>20500</bdi> (أو ZIP+4 مثل "
            "<bdi>20500\u20110003</bdi>)."
        ),
    )


def test_the_error_summary_lists_problems_in_the_order_of_the_fields_on_the_page(
    client: FlaskClient, default_campaign: str
) -> None:
    page = send(client, default_campaign, first_name="", email="nobody", zip_code="9")
    assert page.status_code == 422
    summary = page.text.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    listed = re.findall(r'<a href="#([a-z_]+)">', summary)
    assert set(listed) == {"first_name", "email", "zip_code"}
    form = page.text.split('id="letter-form"', 1)[1]
    on_page = sorted(listed, key=lambda name: form.index(f'id="{name}"'))
    assert listed == on_page == ["zip_code", "first_name", "email"]


@pytest.mark.parametrize("typed", ["48126-1234", "481261234", " 48126-1234 "])
def test_zip_plus_four_is_accepted_and_normalised(
    app: Flask, client: FlaskClient, default_campaign: str, typed: str
) -> None:
    preview = post_letter(client, default_campaign, action="preview", zip_code=typed)
    assert preview.status_code == 200
    assert 'name="zip_code" value="48126-1234"' in preview.text
    assert "Dearborn, MI 48126-1234" in preview.text
    assert post_letter(client, default_campaign, zip_code=typed).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Submission)).one().zip_code == "48126-1234"


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_name_of_exactly_100_characters_is_accepted(
    client: FlaskClient, default_campaign: str, field: str
) -> None:
    page = post_letter(client, default_campaign, action="preview", **{field: "N" * 100})
    assert page.status_code == 200 and "Check your letter" in page.text


def test_personal_paragraph_of_exactly_5000_characters_is_recorded_whole(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    words = ("word " * 1000)[:4999] + "."
    assert len(words) == 5000
    assert (
        post_letter(client, default_campaign, action="preview", personal_message=words).status_code
        == 200
    )
    assert post_letter(client, default_campaign, personal_message=words).status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Submission)).one().personal_message == words


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "The letter cannot be empty."),
        ("  \r\n\r\n  ", "The letter cannot be empty."),
        (
            "b" * 20001,
            too_long("The letter has", "20,001", "20,000"),
        ),
    ],
)
def test_editable_body_must_be_present_and_not_too_long(
    app: Flask, client: FlaskClient, tmp_path: Path, body: str, message: str
) -> None:
    slug = write_campaign(app, tmp_path, "clean-water")
    page = send(client, slug, body=body)
    assert_field_error(page, "body", message)
    assert_kept(page.text, TYPED, "body")
    assert record_counts(app) == NOTHING_RECORDED


def test_editable_body_of_exactly_20000_characters_is_accepted(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = write_campaign(app, tmp_path, "clean-water")
    page = post_letter(client, slug, action="preview", body="b" * 20000)
    assert page.status_code == 200 and "Check your letter" in page.text


def test_request_over_the_size_limit_gets_the_friendly_413_page(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    assert app.config["MAX_CONTENT_LENGTH"] == 256 * 1024
    page = send(client, default_campaign, personal_message="x" * (257 * 1024))
    assert page.status_code == 413
    assert "That was too much text" in page.text
    assert 'class="site-header"' in page.text and "/static/css/site.css" in page.text
    assert record_counts(app) == NOTHING_RECORDED


def test_request_just_under_the_size_limit_is_judged_on_its_fields(
    client: FlaskClient, default_campaign: str
) -> None:
    page = send(client, default_campaign, personal_message="x" * (250 * 1024))
    assert_field_error(
        page,
        "personal_message",
        too_long("Your paragraph has", "256,000", "5,000"),
    )


def test_a_long_arabic_paste_is_kept_whole_with_its_length_and_the_limit(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    """Browsers cut a paste at `maxlength` without a word: the limit is the server's to tell."""
    pasted = "سوريا حرة " * 2000  # 20,000 characters, 120 KB once percent-encoded
    page = send(client, default_campaign, personal_message=pasted)
    assert_field_error(
        page,
        "personal_message",
        too_long("Your paragraph has", "19,999", "5,000"),
    )
    textarea = re.search(r"<textarea[^>]*name=\"personal_message\"[^>]*>", page.text)
    assert textarea is not None and "maxlength" not in textarea.group(0)
    kept = rf'name="personal_message"[^>]*>\s*{re.escape(pasted.strip())}</textarea>'
    assert re.search(kept, page.text)
    assert record_counts(app) == NOTHING_RECORDED


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_missing_or_bad_csrf_token_shows_the_form_again_with_everything_typed(
    app: Flask, client: FlaskClient, default_campaign: str, token: str | None
) -> None:
    data = {**TYPED, "action": "send"}
    if token is not None:
        data["csrf_token"] = token
    page = client.post(f"/campaigns/{default_campaign}", data=data)
    assert page.status_code == 400
    assert "the form had expired" in page.text
    assert 'class="site-header"' in page.text and 'name="csrf_token"' in page.text
    assert_kept(page.text, TYPED)
    assert record_counts(app) == NOTHING_RECORDED
    # The fresh token in the re-rendered form works.
    retry = client.post(
        f"/campaigns/{default_campaign}", data={**data, "csrf_token": csrf_token(page.text)}
    )
    assert retry.status_code == 303


def test_unknown_campaign_is_a_404_page_in_site_style(client: FlaskClient) -> None:
    page = client.get("/campaigns/no-such-campaign")
    assert page.status_code == 404
    assert "Page not found" in page.text
    assert 'class="site-header"' in page.text and "/static/css/site.css" in page.text


def test_posting_to_an_unknown_campaign_is_a_404_with_or_without_a_token(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: errors become pages
    token = csrf_token(client.get(f"/campaigns/{default_campaign}").text)
    with_token = client.post("/campaigns/no-such-campaign", data={**TYPED, "csrf_token": token})
    assert with_token.status_code == 404 and "Page not found" in with_token.text
    without_token = client.post("/campaigns/no-such-campaign", data=TYPED)
    assert without_token.status_code == 404 and "Page not found" in without_token.text


def test_draft_campaign_is_hidden_and_refuses_letters(
    app: Flask, client: FlaskClient, tmp_path: Path, default_campaign: str
) -> None:
    slug = write_campaign(app, tmp_path, "draft-water", status="draft")
    page = client.get(f"/campaigns/{slug}")
    assert page.status_code == 404 and "Page not found" in page.text
    assert f"/campaigns/{slug}" not in client.get("/").text
    token = csrf_token(client.get(f"/campaigns/{default_campaign}").text)
    posted = client.post(
        f"/campaigns/{slug}", data={**TYPED, "action": "send", "csrf_token": token}
    )
    assert posted.status_code == 404
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: errors become pages
    tokenless = client.post(f"/campaigns/{slug}", data={**TYPED, "action": "send"})
    assert tokenless.status_code == 404 and "Page not found" in tokenless.text
    assert record_counts(app) == NOTHING_RECORDED


def test_closed_campaign_shows_the_letter_without_a_form_and_records_nothing(
    app: Flask, client: FlaskClient, tmp_path: Path, default_campaign: str
) -> None:
    slug = write_campaign(app, tmp_path, "closed-water", status="closed")
    page = client.get(f"/campaigns/{slug}")
    assert page.status_code == 200
    assert "Our children need safe water at school." in page.text
    assert "This campaign is not accepting letters." in page.text
    assert "<form" not in page.text and 'name="first_name"' not in page.text
    assert f"/campaigns/{slug}" not in client.get("/").text
    token = csrf_token(client.get(f"/campaigns/{default_campaign}").text)
    posted = client.post(
        f"/campaigns/{slug}", data={**TYPED, "action": "send", "csrf_token": token}
    )
    # The closed page itself (with what was written, to copy), not a redirect to it.
    assert posted.status_code == 403
    assert "not accepting letters" in posted.text and "<form" not in posted.text
    assert record_counts(app) == NOTHING_RECORDED


def test_tokenless_post_to_a_closed_campaign_does_not_promise_a_form(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = write_campaign(app, tmp_path, "closed-water", status="closed")
    tokenless = client.post(f"/campaigns/{slug}", data={**TYPED, "action": "send"})
    assert tokenless.status_code in (302, 303, 400)
    shown = client.get(tokenless.headers["Location"]) if tokenless.status_code != 400 else tokenless
    assert "not accepting letters" in shown.text and "<form" not in shown.text
    assert "Your letter is still here" not in shown.text
    assert record_counts(app) == NOTHING_RECORDED
