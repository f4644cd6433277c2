"""Letters sent at the same instant over real HTTP are each recorded exactly once, or refused."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import LiveServer, csrf_token
from tests.supporter.helpers import VALID_LETTER
from webapp.database import db
from webapp.models import Delivery, Submission, Supporter
from webapp.services.submissions import email_key

pytestmark = pytest.mark.slow


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # With request slots one process runs one request at a time, and nothing here would race.
    # gunicorn's worker processes race as these threads do with no slots.
    return {**app_config, "REQUEST_SLOTS": 0}


LOCKED = "database is locked"
BARRIER_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 120


@dataclass(frozen=True)
class Sent:
    status: int
    location: str
    body: str


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _send_together(server: LiveServer, slug: str, emails: list[str]) -> list[Sent]:
    """One browser-like session per email: fetch the form, wait for all, then press Send."""
    barrier = threading.Barrier(len(emails), timeout=BARRIER_TIMEOUT_S)
    url = f"{server.url}/campaigns/{slug}"

    def one(number: int, email: str) -> Sent:
        with requests.Session() as http:
            http.trust_env = False  # never a proxy from the environment, even for loopback
            try:
                page = http.get(url, timeout=REQUEST_TIMEOUT_S)
                assert page.status_code == 200, page.text
                form = {
                    **VALID_LETTER,
                    "first_name": f"Writer{number}",
                    "email": email,
                    "action": "send",
                    "csrf_token": csrf_token(page.text),
                }
            except BaseException:
                barrier.abort()  # release the others at once rather than after the timeout
                raise
            barrier.wait()
            sent = http.post(url, data=form, allow_redirects=False, timeout=REQUEST_TIMEOUT_S)
            return Sent(sent.status_code, sent.headers.get("Location", ""), sent.text)

    with ThreadPoolExecutor(max_workers=len(emails)) as pool:
        futures = [pool.submit(one, n, email) for n, email in enumerate(emails)]
        return [future.result() for future in futures]


def _assert_no_server_errors(results: list[Sent], caplog: pytest.LogCaptureFixture) -> None:
    failures = [f"{r.status}: {r.body[:300]}" for r in results if r.status >= 500]
    assert failures == [], f"{len(failures)} server errors"
    assert not any(LOCKED in r.body for r in results)
    assert LOCKED not in caplog.text
    logged = [rec.getMessage() for rec in caplog.records if rec.levelno >= logging.ERROR]
    assert logged == [], "errors logged while serving"


def test_fifty_simultaneous_letters_are_all_recorded_once(
    app: Flask, live_server: LiveServer, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    emails = [f"writer{n}@example.org" for n in range(50)]

    results = _send_together(live_server, default_campaign, emails)

    _assert_no_server_errors(results, caplog)
    assert [r.status for r in results] == [303] * 50
    assert all(r.location.startswith("/receipts/") for r in results), results[0].location
    receipts = {r.location.removeprefix("/receipts/") for r in results}
    assert len(receipts) == 50
    assert (_count(app, Supporter), _count(app, Submission), _count(app, Delivery)) == (50, 50, 50)
    with app.app_context():
        tokens = db.session.scalars(select(Submission.receipt_token)).all()
        keys = db.session.scalars(select(Supporter.email_key)).all()
        expected = [email_key(e) for e in emails]
    assert len(set(tokens)) == 50 and set(tokens) == receipts
    assert sorted(keys) == sorted(expected)


def test_twenty_simultaneous_letters_from_one_email_are_recorded_once(
    app: Flask, live_server: LiveServer, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    # Twenty browsers, one address written twenty ways: the same supporter every time.
    emails = [
        "Rasha.Haddad@Example.org" if n % 2 else f"  RASHA.haddad@example.ORG{' ' * (n % 3)}"
        for n in range(20)
    ]

    results = _send_together(live_server, default_campaign, emails)

    _assert_no_server_errors(results, caplog)
    assert {r.status for r in results} <= {200, 303}, [r.status for r in results]
    winners = [r for r in results if r.status == 303]
    # Only the session that recorded the letter holds its receipt; the others are told it exists.
    assert len(winners) == 1 and winners[0].location.startswith("/receipts/")
    refused = [r for r in results if r.status == 200]
    assert all("already recorded" in r.body for r in refused)
    assert not any(winners[0].location in r.body for r in refused)
    assert (_count(app, Supporter), _count(app, Submission), _count(app, Delivery)) == (1, 1, 1)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
    assert winners[0].location == f"/receipts/{submission.receipt_token}"
