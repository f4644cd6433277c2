"""Helpers for the campaign editor tests: an admin session and a browser-like form reader."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token
from webapp.database import db, utcnow
from webapp.models import Organiser, Role
from webapp.services.organisers import create_organiser

PASSWORD = "correct horse battery"
ANY_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def create_account(
    app: Flask, email: str, role: Role = Role.ADMIN, partner_code: str | None = None
) -> int:
    with app.app_context():
        organiser: Organiser = create_organiser(
            db.session(), email, PASSWORD, role, partner_code, utcnow()
        )
        return organiser.id


def log_in(client: FlaskClient, email: str) -> None:
    page = client.get("/dashboard/login")
    response = client.post(
        "/dashboard/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)},
    )
    assert response.status_code == 302, response.text


def any_csrf_token(html: str) -> str:
    match = ANY_CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class _FormReader(HTMLParser):
    """What a browser would submit from the form with id `form_id` (submit buttons aside)."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.values: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside or "disabled" in a:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self.values.append((name, a.get("value") or "on"))
            elif kind not in {"submit", "button", "file"}:
                self.values.append((name, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = name, []
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            # HTML drops the one newline right after <textarea>; so does a browser.
            text = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.values.append((self._textarea, text))
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)


def read_form(html: str, form_id: str = "campaign-form") -> MultiDict[str, str]:
    reader = _FormReader(form_id)
    reader.feed(html)
    assert reader.values, f"no form #{form_id} in the page"
    return MultiDict(reader.values)
