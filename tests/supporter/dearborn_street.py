"""A supporter on a Dearborn street the geocoder stub places in ZIP 48126, posting the letter
form on the campaign page or in the widget with the ZIP code (and any field) they choose."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
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
