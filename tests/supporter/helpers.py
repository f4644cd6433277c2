"""Helpers for driving the supporter form through the test client with real CSRF tokens."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token

VALID_LETTER = {
    "prefix": "Ms.",
    "first_name": "Rasha",
    "last_name": "Haddad",
    "email": "Rasha.Haddad@Example.org",
    "street": "100 Main St",
    "city": "Dearborn",
    "state": "MI",
    "zip_code": "48126",
    "personal_message": "My family is from Aleppo.\n\nPlease act now.",
}


def post_letter(
    client: FlaskClient, slug: str, action: str = "send", **overrides: Any
) -> TestResponse:
    """Fetch the form (for its CSRF token) and post a letter with `overrides` applied."""
    page = client.get(f"/campaigns/{slug}")
    data = {**VALID_LETTER, **overrides, "action": action, "csrf_token": csrf_token(page.text)}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/campaigns/{slug}", data=data)
