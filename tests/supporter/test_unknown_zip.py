"""A ZIP code the ZIP table has never heard of is pointed out on the ZIP field, page and widget."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from werkzeug.test import TestResponse

from tests.civic.data import load_civic_data
from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget

MESSAGES = {
    "en": "We do not know the ZIP code \u206800000\u2069. Check it for typos; if it is right, "
    "enter your street address so we can find your representative.",
    "ar": "لا نعرف الرمز البريدي \u206800000\u2069. تحقّق من أنه مكتوب بلا خطأ، وإن كان صحيحًا "
    "فأدخل عنوان شارعك لنجد النائب الذي يمثّلك.",
}
NOTE_UNKNOWN = {
    "en": "We do not know which district this ZIP code is in.",
    "ar": "لا نعرف الدائرة التي يقع فيها هذا الرمز البريدي.",
}
TYPED = {"first_name": "Rana", "last_name": "Haddad", "email": "rana@example.org"}


def on_page(client: FlaskClient, slug: str, lang: str) -> TestResponse:
    url = f"{slug}?lang={lang}"
    return post_letter(client, url, "preview", street=None, zip_code="00000", **TYPED)


def in_widget(client: FlaskClient, slug: str, lang: str) -> TestResponse:
    token = form_token(open_widget(client, slug, lang=lang).text)
    data = letter_data(token, "preview", street=None, zip_code="00000", lang=lang, **TYPED)
    return post_widget(client, slug, data)


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("post", [on_page, in_widget], ids=["page", "widget"])
def test_an_unknown_zip_is_named_on_the_zip_field_and_the_rest_is_kept(
    app: Flask, client: FlaskClient, default_campaign: str, lang: str, post: object
) -> None:
    load_civic_data(app)
    page = post(client, default_campaign, lang)  # type: ignore[operator]
    assert page.status_code == 422
    assert f'<p class="error" id="zip_code-error">{escape(MESSAGES[lang])}</p>' in page.text
    zip_input = re.search(r'<input[^>]*name="zip_code"[^>]*>', page.text)
    assert zip_input is not None
    assert 'aria-invalid="true"' in zip_input.group(0)
    assert 'aria-describedby="zip_code-error"' in zip_input.group(0)
    assert 'value="00000"' in zip_input.group(0)
    assert 'href="#zip_code"' in page.text  # the error summary links to the ZIP field
    # The street is not blamed for the ZIP: no error on it, the street is only a way out.
    assert 'id="street-error"' not in page.text
    # Nor is the same news told again under the address, in a live region as it was.
    assert NOTE_UNKNOWN[lang] not in page.text and 'class="lookup-notes" role=' not in page.text
    for name, value in TYPED.items():
        assert re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"', page.text)


STATE_ONLY = {
    "en": "We do not know the ZIP code you entered, so your letter goes to your state&#39;s "
    "officials only. If it has a typo, correct it to reach your representative too.",
    "ar": "لا نعرف الرمز البريدي الذي أدخلته، لذلك تذهب رسالتك إلى مسؤولي ولايتك فقط. إن كان "
    "فيه خطأ مطبعي فصحّحه لتصل رسالتك إلى النائب الذي يمثّلك أيضًا.",
}


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_an_unknown_zip_with_a_street_the_address_service_cannot_check_is_named_on_the_preview(
    app: Flask, client: FlaskClient, default_campaign: str, lang: str
) -> None:
    """The geocoder is down (the suite's default): the street cannot place the supporter, the
    letter still reaches their senators, and the preview says the ZIP is the likely mistake."""
    load_civic_data(app)
    url = f"{default_campaign}?lang={lang}"
    page = post_letter(client, url, "preview", street="1 Main St", zip_code="00000", **TYPED)
    assert page.status_code == 200
    assert STATE_ONLY[lang] in page.text
