"""GET /api/campaigns/<slug>/stats: public totals, CORS, caching of at most 30 seconds."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.dashboard.helpers import (
    set_goal,
)
from tests.dashboard.letters import (
    Letter,
    add_letters,
)
from tests.supporter.campaign_files import write_campaign
from tests.supporter.helpers import post_letter
from webapp.models import SubmissionStatus
from webapp.services.counts import PublicStatsCache

KEYS = {
    "campaign",
    "title",
    "letters",
    "goal",
    "goal_percent",
    "by_state",
    "by_country",
    "deliveries",
}
MAX_AGE_RE = re.compile(r"(?:^|,)\s*max-age=(\d+)\s*(?:,|$)")


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _stats(client: FlaskClient, slug: str) -> TestResponse:
    return client.get(f"/api/campaigns/{slug}/stats")


def _letters(app: Flask, slug: str) -> None:
    add_letters(
        app,
        slug,
        [
            Letter("a@example.org", personal_message="Secret words"),
            Letter("b@example.org", state="CA", first_name="Bashar"),
            Letter("c@example.org", state="TX", status=SubmissionStatus.UNCONFIRMED),
            Letter("d@example.org", state="WA", status=SubmissionStatus.EXPIRED),
        ],
    )


def test_public_stats_have_totals_goal_and_letters_by_state(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    _letters(app, default_campaign)
    assert post_letter(client, default_campaign, email="real@example.org").status_code == 303
    set_goal(app, default_campaign, 10)
    response = _stats(app.test_client(), default_campaign)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == KEYS
    assert body["campaign"] == default_campaign
    assert body["title"].startswith("5 steps that Biden must take")
    assert (body["letters"], body["goal"], body["goal_percent"]) == (3, 10, 30)
    assert body["by_state"] == {"CA": 1, "MI": 2}
    assert body["by_country"] == {"US": 3}
    # The posted letter's offices are web-form hand-offs: waiting, never counted delivered.
    deliveries = body["deliveries"]
    assert deliveries["delivered"] == 0 and deliveries["waiting_for_supporter"] >= 1
    text = response.get_data(as_text=True)
    for private in ("a@example.org", "Rasha", "Bashar", "Secret words", "Dearborn", "48126"):
        assert private not in text, private


def test_goal_percent_is_capped_and_absent_without_a_goal(
    app: Flask, default_campaign: str
) -> None:
    _letters(app, default_campaign)
    set_goal(app, default_campaign, 1)
    body = _stats(app.test_client(), default_campaign).get_json()
    assert (body["letters"], body["goal"], body["goal_percent"]) == (2, 1, 100)
    app.extensions["public_stats"] = PublicStatsCache(30)
    set_goal(app, default_campaign, None)
    body = _stats(app.test_client(), default_campaign).get_json()
    assert (body["goal"], body["goal_percent"]) == (None, None)


def test_any_site_may_read_it_and_caches_keep_it_at_most_30_seconds(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    response = _stats(client, default_campaign)
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control and "no-store" not in cache_control
    found = MAX_AGE_RE.search(cache_control)
    assert found is not None, cache_control
    assert 0 < int(found.group(1)) <= 30
    assert "Set-Cookie" not in response.headers
    assert response.get_json()["letters"] == 0


def test_unknown_and_draft_campaigns_are_not_found(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    draft = write_campaign(app, tmp_path, "secret-draft", status="draft")
    closed = write_campaign(app, tmp_path, "finished", status="closed")
    for slug in ("no-such-campaign", draft):
        response = _stats(client, slug)
        assert response.status_code == 404, slug
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "error" in response.get_json()
    assert _stats(client, closed).get_json()["letters"] == 0


def test_counts_catch_up_within_the_cache_time(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    assert app.extensions["public_stats"].ttl <= 30
    clock = FakeClock()
    app.extensions["public_stats"] = PublicStatsCache(30, clock=clock)
    assert _stats(client, default_campaign).get_json()["letters"] == 0
    add_letters(app, default_campaign, [Letter("late@example.org", state="OH")])
    clock.now += 29.0
    cached = _stats(client, default_campaign).get_json()
    assert cached["letters"] == 0  # still inside the 30 seconds a cache may keep it
    clock.now += 1.0
    fresh = _stats(client, default_campaign).get_json()
    assert (fresh["letters"], fresh["by_state"]) == (1, {"OH": 1})


def test_a_fresh_app_counts_letters_straight_away(
    app: Flask, app_config: dict[str, object], default_campaign: str
) -> None:
    from webapp import create_app

    _letters(app, default_campaign)
    other = create_app(app_config)
    body = _stats(other.test_client(), default_campaign).get_json()
    assert (body["letters"], body["by_state"]) == (2, {"CA": 1, "MI": 1})
    with other.app_context():
        from webapp.database import db

        db.session.remove()
        db.engine.dispose()
