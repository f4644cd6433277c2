"""A likely typo in a common mail domain is asked about once, on the page and in the widget."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget

TYPO, MEANT = "rana.haddad@gmial.con", "rana.haddad@gmail.com"
QUESTION = {
    "en": f"Did you mean \u2068{MEANT}\u2069? We send your receipt to this address: check it.",
    "ar": f"هل تقصد \u2068{MEANT}\u2069؟ نرسل إيصالك إلى هذا العنوان، فتحقّق منه.",
}
BUTTON = {"en": f"Use <bdi>{MEANT}</bdi>", "ar": f"استخدم <bdi>{MEANT}</bdi>"}


def on_page(client: FlaskClient, slug: str, lang: str, **values: Any) -> TestResponse:
    # The suggestion's button posts no `action`: the page takes it as "preview".
    return post_letter(client, f"{slug}?lang={lang}", "preview", **values)


def in_widget(client: FlaskClient, slug: str, lang: str, **values: Any) -> TestResponse:
    token = form_token(open_widget(client, slug, lang=lang).text)
    return post_widget(client, slug, letter_data(token, None, lang=lang, **values))


POSTS = pytest.mark.parametrize("post", [on_page, in_widget], ids=["page", "widget"])


def email_input(html: str) -> str:
    tag = re.search(r'<input[^>]*name="email"[^>]*>', html)
    assert tag is not None
    return tag.group(0)


@pytest.mark.parametrize("lang", ["en", "ar"])
@POSTS
def test_a_likely_typo_is_asked_about_with_a_button_for_the_suggestion(
    client: FlaskClient, default_campaign: str, lang: str, post: Any
) -> None:
    page = post(client, default_campaign, lang, email=TYPO)
    assert page.status_code == 422
    assert f'<p class="error" id="email-error">{escape(QUESTION[lang])}</p>' in page.text
    assert 'aria-invalid="true"' in email_input(page.text)
    assert f'value="{TYPO}"' in email_input(page.text)  # kept as typed
    assert 'href="#email"' in page.text
    button = re.search(
        r'<button type="submit" name="email_suggested"[^>]*>(.*?)</button>', page.text
    )
    assert button is not None and f'value="{MEANT}"' in button.group(0)
    assert button.group(1) == BUTTON[lang]
    assert f'<input type="hidden" name="email_asked" value="{TYPO}">' in page.text


@POSTS
def test_the_suggestion_taken_is_the_address_previewed(
    client: FlaskClient, default_campaign: str, post: Any
) -> None:
    page = post(client, default_campaign, "en", email=TYPO, email_asked=TYPO, email_suggested=MEANT)
    assert page.status_code == 200, page.text
    assert f'<input type="hidden" name="email" value="{MEANT}">' in page.text


@POSTS
def test_the_address_posted_again_unchanged_is_kept_and_not_asked_about_again(
    client: FlaskClient, default_campaign: str, post: Any
) -> None:
    page = post(client, default_campaign, "en", email=TYPO, email_asked=TYPO)
    assert page.status_code == 200, page.text
    assert f'<input type="hidden" name="email" value="{TYPO}">' in page.text
    # The preview carries the answer, so Send does not ask again.
    assert f'<input type="hidden" name="email_asked" value="{TYPO}">' in page.text


def test_sending_the_address_kept_records_the_letter(
    client: FlaskClient, default_campaign: str
) -> None:
    assert post_letter(client, default_campaign, email=TYPO, email_asked=TYPO).status_code == 303


@POSTS
def test_another_typo_typed_after_the_question_is_asked_about_too(
    client: FlaskClient, default_campaign: str, post: Any
) -> None:
    page = post(client, default_campaign, "en", email="rana@hotmial.com", email_asked=TYPO)
    assert page.status_code == 422
    assert 'value="rana@hotmail.com"' in page.text


@POSTS
def test_a_suggestion_posted_for_an_address_since_retyped_is_not_applied(
    client: FlaskClient, default_campaign: str, post: Any
) -> None:
    """The suggestion's button is the form's first: Enter in a field presses it."""
    page = post(client, default_campaign, "en", email="rana@example.org", email_suggested=MEANT)
    assert page.status_code == 200, page.text
    assert '<input type="hidden" name="email" value="rana@example.org">' in page.text


@POSTS
def test_real_domains_near_a_common_one_are_not_questioned(
    client: FlaskClient, default_campaign: str, post: Any
) -> None:
    for address in ("rana@gmx.com", "rana@mail.com", "rana@ymail.com"):
        page = post(client, default_campaign, "en", email=address)
        assert page.status_code == 200, (address, page.text)
        assert 'name="email_suggested"' not in page.text


def test_the_receipt_link_form_takes_a_kept_near_miss_without_asking(
    client: FlaskClient, default_campaign: str
) -> None:
    """It shares the letter form's email field: a letter sent with gmial.con finds its link."""
    page = client.get(f"/campaigns/{default_campaign}/receipt-link")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
    assert token is not None
    data = {"email": TYPO, "csrf_token": token.group(1)}
    answer = client.post(f"/campaigns/{default_campaign}/receipt-link", data=data)
    assert answer.status_code < 400 and "Did you mean" not in answer.text
