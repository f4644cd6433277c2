"""A supporter on a Dearborn street the geocoder stub places in ZIP 48126, posting the letter
form on the campaign page or in the widget with the ZIP code (and any field) they choose."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from tests.supporter.helpers import post_letter
from tests.widget.helpers import form_token, letter_data, open_widget, post_widget
from webapp.database import db
from webapp.models import Submission

TYPED = {
    "first_name": "Rana",
    "last_name": "Haddad",
    "email": "rana@example.org",
    "street": "16901 Michigan Ave",
    "city": "Dearborn",
}


def on_page(client: FlaskClient, slug: str, lang: str, action: str, **fields: str) -> TestResponse:
    return post_letter(client, f"{slug}?lang={lang}", action, **TYPED, **fields)


def in_widget(
    client: FlaskClient, slug: str, lang: str, action: str, **fields: str
) -> TestResponse:
    token = form_token(open_widget(client, slug, lang=lang).text)
    data = letter_data(token, action, state="MI", lang=lang, **TYPED, **fields)
    return post_widget(client, slug, data)


def letter_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(Submission)) or 0)


def assert_zip_field_error(page: TestResponse, message: str, typed: str) -> None:
    """Sent back with `message` on the ZIP field, the ZIP typed kept in it, the field marked
    invalid and the error summary linking to it."""
    assert page.status_code == 422, page.text
    assert f'<p class="error" id="zip_code-error">{escape(message)}</p>' in page.text
    zip_input = re.search(r'<input[^>]*name="zip_code"[^>]*>', page.text)
    assert zip_input is not None and f'value="{typed}"' in zip_input.group(0)
    assert 'aria-invalid="true"' in zip_input.group(0)
    assert 'href="#zip_code"' in page.text
