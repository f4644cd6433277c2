"""A widget campaign with two partners, and posting widget forms the way the framed page does."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from tests.supporter.campaign_files import EDITABLE_BODY, write_campaign
from webapp.database import db
from webapp.models import Consent, Submission

# The test client's own origin (request.host_url is http://localhost/).
OWN_ORIGIN = "http://localhost"
PARTNERS = {
    "riverside": ("Riverside Parents", "Riverside Parents may email me about safe water."),
    "eastside": ("Eastside Tenants", "Eastside Tenants may send me news of this campaign."),
}
CAMPAIGN_CONSENT = "Email me about this campaign."
GOAL = 50
TOKEN_RE = re.compile(r'name="form_token" value="([^"]+)"')
LETTER = {
    "first_name": "Rasha",
    "last_name": "Haddad",
    "email": "rasha.haddad@example.org",
    "street": "100 Main St",
    "city": "Dearborn",
    "state": "MI",
    "zip_code": "48126",
    "personal_message": "My daughter drinks from those fountains.",
    "body": EDITABLE_BODY,  # the letter box, as the form submits it
}


def partners_yaml(origins: tuple[str, ...] = ()) -> str:
    """Front matter for the two partners, a goal, a consent box and any allowed origins."""
    lines = [f"goal: {GOAL}", f'consent_text: "{CAMPAIGN_CONSENT}"', "partners:"]
    for code, (name, consent) in PARTNERS.items():
        lines.append(f'  - {{code: {code}, name: "{name}", consent_text: "{consent}"}}')
    if origins:
        lines.append("allowed_origins: [" + ", ".join(f'"{o}"' for o in origins) + "]")
    return "\n".join(lines) + "\n"


def widget_campaign(app: Flask, folder: Path, slug: str = "safe-water", **kwargs: Any) -> str:
    """Import a campaign with the two partners (one office unless `targets` says); its slug."""
    origins: tuple[str, ...] = kwargs.pop("origins", ())
    return write_campaign(app, folder, slug, extra=partners_yaml(origins), **kwargs)


def form_token(html: str) -> str:
    match = TOKEN_RE.search(html)
    assert match, "no widget form token in the page"
    return match.group(1)


def open_widget(client: FlaskClient, slug: str, **params: str) -> TestResponse:
    """GET the framed page as an embedding page would request it."""
    return client.get(f"/widget/{slug}", query_string=params)


def post_widget(
    client: FlaskClient,
    slug: str,
    data: dict[str, Any],
    origin: str | None = OWN_ORIGIN,
    **environ: Any,
) -> TestResponse:
    """POST a widget form with the Origin header a browser would send (None: no header)."""
    headers = {"Origin": origin} if origin else {}
    return client.post(f"/widget/{slug}", data=data, headers=headers, environ_base=environ)


def letter_data(token: str, action: str = "send", **overrides: Any) -> dict[str, Any]:
    """A complete widget letter form, as the framed page submits it."""
    data = {**LETTER, "form_token": token, "mode": "letter", "wid": "w1", "action": action}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def send_letter(client: FlaskClient, slug: str, **overrides: Any) -> TestResponse:
    """Open the widget, then post a whole letter from it."""
    token = form_token(open_widget(client, slug).text)
    return post_widget(client, slug, letter_data(token, **overrides))


def recorded(app: Flask) -> list[tuple[int | None, str | None, list[tuple[int | None, str]]]]:
    """Each submission's (partner id, source, [(consent partner id, wording)])."""
    with app.app_context():
        rows = []
        for submission in db.session.scalars(select(Submission).order_by(Submission.id)):
            consents = db.session.scalars(
                select(Consent).where(Consent.submission_id == submission.id).order_by(Consent.id)
            )
            rows.append(
                (
                    submission.partner_id,
                    submission.source,
                    [(c.partner_id, c.wording) for c in consents],
                )
            )
        return rows
