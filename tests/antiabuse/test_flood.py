"""A flood of 10,000 letters from one address is limited; other addresses are served as usual."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.supporter.helpers import VALID_LETTER
from webapp.database import db
from webapp.models import Submission

FLOODER, NEIGHBOUR = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return {
        **app_config,
        # Windows far longer than the flood takes: on a loaded machine 10,000 posts can outlast
        # a minute, and a fresh window would let a second 20 through.
        "LETTER_RATE_LIMIT": "20/hour;200/day",
        "EMAIL_RATE_LIMIT": "10/hour",
        "RISK_MIN_FORM_SECONDS": 0.0,
        # No test here edits the campaign: its pages read it as production does, the campaign's
        # version asked of the database at most once a second (the suite's 0, for tests that
        # edit a campaign and read the page straight after, asked on each of 10,000 posts).
        "CAMPAIGN_RECHECK_SECONDS": 1.0,
    }


def _sender(app: Flask, ip: str, slug: str) -> tuple[Any, str]:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    token = csrf_token(client.get(f"/campaigns/{slug}").text)
    return client, token


@pytest.mark.slow
def test_ten_thousand_letters_from_one_address_are_limited_without_touching_others(
    app: Flask, default_campaign: str
) -> None:
    flood, flood_token = _sender(app, FLOODER, default_campaign)
    neighbour, neighbour_token = _sender(app, NEIGHBOUR, default_campaign)
    statuses: dict[int, int] = {}
    neighbour_results = []
    for n in range(10_000):
        data = {
            **VALID_LETTER,
            "email": f"bot{n}@example.org",
            "action": "send",
            "csrf_token": flood_token,
        }
        status = flood.post(f"/campaigns/{default_campaign}", data=data).status_code
        statuses[status] = statuses.get(status, 0) + 1
        if n % 1000 == 500:  # a real person elsewhere writes in the middle of the flood
            data = {
                **VALID_LETTER,
                "email": f"person{n}@example.org",
                "action": "send",
                "csrf_token": neighbour_token,
            }
            response = neighbour.post(f"/campaigns/{default_campaign}", data=data)
            neighbour_results.append(response.status_code)
    assert statuses == {303: 20, 429: 9_980}
    assert neighbour_results == [303] * 10
    limited = flood.post(
        f"/campaigns/{default_campaign}",
        data={**VALID_LETTER, "action": "send", "csrf_token": flood_token},
    )
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert "Too many tries" in limited.text  # the site's own page, not a bare error
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 30


def test_one_address_cannot_send_more_than_its_limit_from_many_connections(
    app: Flask, default_campaign: str
) -> None:
    statuses = []
    for n in range(12):
        client, token = _sender(app, f"192.0.2.{n + 1}", default_campaign)
        data = {
            **VALID_LETTER,
            "email": "same.person@example.org",
            "action": "send",
            "csrf_token": token,
            "first_name": f"Name{n}",
        }
        statuses.append(client.post(f"/campaigns/{default_campaign}", data=data).status_code)
    # One letter is recorded, nine more sends are answered "already recorded", then 429.
    assert statuses[:10].count(429) == 0 and statuses[10:] == [429, 429]


def test_previews_do_not_count_against_the_send_limit(app: Flask, default_campaign: str) -> None:
    client, token = _sender(app, FLOODER, default_campaign)
    for _ in range(30):
        data = {**VALID_LETTER, "action": "preview", "csrf_token": token}
        assert client.post(f"/campaigns/{default_campaign}", data=data).status_code == 200


def test_a_limited_send_keeps_the_letter_to_send_again_later(
    app: Flask, default_campaign: str
) -> None:
    """On a shared network at an event the limit is reached by others: the page says nothing
    was recorded and when to try again, and holds the letter as posted; pressing Send once
    the window has passed records it."""
    app.config["LETTER_RATE_LIMIT"] = "1/minute"
    client, token = _sender(app, FLOODER, default_campaign)
    first = {**VALID_LETTER, "email": "first@example.org", "action": "send", "csrf_token": token}
    assert client.post(f"/campaigns/{default_campaign}", data=first).status_code == 303
    mine = {
        **VALID_LETTER,
        "email": "second@example.org",
        "personal_message": "Words I do not want to type twice.",
        "action": "send",
        "csrf_token": token,
    }
    limited = client.post(f"/campaigns/{default_campaign}", data=mine)
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    page = limited.text
    assert "Nothing was recorded, and nothing you wrote is lost" in page
    assert "again in <bdi>1</bdi> minute." in page
    held = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))
    assert held == {k: v for k, v in mine.items() if k != "action"}
    assert '<button type="submit" name="action" value="send"' in page
    assert '<button type="submit" name="action" value="edit"' in page
    app.config["LETTER_RATE_LIMIT"] = "100/minute"  # the window has passed
    again = client.post(f"/campaigns/{default_campaign}", data={**held, "action": "send"})
    assert again.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 2
