"""Organiser accounts, signing in through the real login form, partners, goals and audit rows."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, close_all_sessions
from werkzeug.test import TestResponse

from webapp.database import db, utcnow, write_transaction
from webapp.models import (
    AuditEntry,
    Campaign,
    Partner,
    Role,
)
from webapp.services.organisers import create_organiser

PASSWORD = "Tulips-in-Damascus-2026"
ADMIN = "admin@civic.example.org"
TOKEN_INPUT_RE = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


@pytest.fixture
def release_leaked_sessions() -> Iterator[None]:
    """Close sessions a streamed export left open, so the next test's TRUNCATE cannot hang."""
    # The CSV export reads through a session captured before streaming; Flask 3.1 tears the
    # request down before the stream runs, so that transaction stays open until the session is
    # garbage-collected (test_export_returns_its_database_connection shows the bug). A failed
    # test's traceback can keep it alive, so every session still in memory is closed too.
    yield
    gc.collect()
    close_all_sessions()


def create_account(
    app: Flask, email: str, role: Role = Role.ADMIN, partner: str | None = None
) -> int:
    """An active organiser account with PASSWORD; returns its id."""
    with app.app_context():
        organiser = create_organiser(db.session(), email, PASSWORD, role, partner, utcnow())
        return organiser.id


class OrganiserClient(FlaskClient):
    """A test client signed in as an organiser, with a CSRF token valid for its session."""

    token = ""

    # Buffered unless asked otherwise, so a streamed export is always read to its end and closed.

    def open(self, *args: Any, buffered: bool = True, **kwargs: Any) -> TestResponse:
        return super().open(*args, buffered=buffered, **kwargs)


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Sign in through the login form, with the CSRF token the page gave."""
    token = page_token(client)
    if isinstance(client, OrganiserClient):
        client.token = token
    data = {"email": email, "password": password, "csrf_token": token}
    return client.post("/dashboard/login", data=data)


def signed_in(
    app: Flask, email: str, role: Role = Role.ADMIN, partner: str | None = None
) -> OrganiserClient:
    """A fresh client signed in as a new account (its token read from the login form)."""
    create_account(app, email, role, partner)
    client = OrganiserClient(app, app.response_class, use_cookies=True)
    response = log_in(client, email)
    assert response.status_code == 302, response.text
    assert response.headers["Location"] == "/dashboard/"
    return client


def page_token(client: FlaskClient, path: str = "/dashboard/login") -> str:
    """A CSRF token valid for this client's session, read from any form on a page."""
    page = client.get(path)
    assert page.status_code == 200, page.text
    tag = TOKEN_INPUT_RE.search(page.text)
    assert tag is not None, f"no CSRF token on {path}"
    value = re.search(r'value="([^"]+)"', tag.group(0))
    assert value is not None
    return value.group(1)


def campaign_in(session: Session, slug: str) -> int:
    found = session.scalar(select(Campaign.id).where(Campaign.slug == slug))
    assert found is not None, slug
    return found


def partners_in(session: Session, campaign: int) -> dict[str, int]:
    rows = session.execute(select(Partner.code, Partner.id).where(Partner.campaign_id == campaign))
    return {code: pid for code, pid in rows}


def campaign_id(app: Flask, slug: str) -> int:
    with app.app_context():
        return campaign_in(db.session(), slug)


def add_partner(
    app: Flask, slug: str, code: str, name: str, consent_text: str | None = None
) -> int:
    """Append a Partner row to a campaign; returns its id."""
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            partner = Partner(
                campaign_id=campaign_in(session, slug),
                code=code,
                name=name,
                consent_text=consent_text,
            )
            session.add(partner)
        return partner.id


def partner_ids(app: Flask, slug: str) -> dict[str, int]:
    with app.app_context():
        session = db.session()
        return partners_in(session, campaign_in(session, slug))


def set_goal(app: Flask, slug: str, goal: int | None) -> None:
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            found = session.get(Campaign, campaign_in(session, slug))
            assert found is not None
            found.goal = goal


def audit_actions(app: Flask) -> list[tuple[str, dict[str, object]]]:
    """(action, details) of every audit entry, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.action, AuditEntry.details).order_by(AuditEntry.id)
        )
        return [(action, dict(details)) for action, details in rows]


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0
