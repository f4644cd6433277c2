"""Per-route limits: stacked rules, methods and exemptions, a 429 that says when to come back,
a store that is down letting letters through, and nothing personal in the log."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, request
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.supporter.helpers import VALID_LETTER
from webapp.antiabuse.limit_store import sqlite_uri
from webapp.antiabuse.rate_limits import RateLimits
from webapp.database import db
from webapp.models import Submission


def _app(tmp_path: Path, enabled: bool = True) -> Flask:
    app = Flask(__name__)
    app.config.update(
        RATELIMIT_ENABLED=enabled,
        RATELIMIT_STORAGE_URI=sqlite_uri(tmp_path / "counters.sqlite3"),
        ADDRESS_LIMIT="3/minute",
    )
    limits = RateLimits()
    limits.init_app(app)

    @app.route("/form", methods=["GET", "POST"])
    @limits.limit(lambda: str(app.config["ADDRESS_LIMIT"]), methods=["POST"])
    @limits.limit(
        "2/hour;5/day",
        key=lambda: "email:" + request.form.get("email", ""),
        methods=["POST"],
        exempt_when=lambda: request.form.get("action") == "preview",
    )
    def form() -> str:
        return "ok"

    @app.post("/other")
    @limits.limit("1/minute")
    def other() -> str:
        return "ok"

    return app


def _post(app: Flask, ip: str, email: str, action: str = "send") -> int:
    client = app.test_client()
    response = client.post(
        "/form", data={"email": email, "action": action}, environ_base={"REMOTE_ADDR": ip}
    )
    return response.status_code


def test_stacked_rules_each_count_and_the_first_spent_one_refuses(tmp_path: Path) -> None:
    app = _app(tmp_path)
    # The sender's 2/hour is spent first; a new sender on the same address then meets the
    # address's 3/minute, which counted every request that reached it.
    assert [_post(app, "10.0.0.1", "a@example.org") for _ in range(3)] == [200, 200, 429]
    assert _post(app, "10.0.0.1", "b@example.org") == 429
    assert _post(app, "10.0.0.2", "b@example.org") == 200, "another address has its own count"


def test_methods_and_exemptions_do_not_count(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    assert [client.get("/form").status_code for _ in range(10)] == [200] * 10
    previews = [_post(app, "10.0.0.3", "c@example.org", action="preview") for _ in range(3)]
    assert previews == [200] * 3, "a preview is exempt from the sender's limit"
    # The address's limit still counted the previews: it has no exemption.
    assert _post(app, "10.0.0.3", "c@example.org") == 429


def test_each_route_counts_on_its_own(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    assert client.post("/other").status_code == 200
    assert client.post("/other").status_code == 429
    assert _post(app, "127.0.0.1", "d@example.org") == 200


def test_a_refusal_says_when_to_try_again_and_logs_nothing_personal(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = _app(tmp_path)
    caplog.set_level(logging.INFO, logger="webapp.antiabuse.rate_limits")
    for _ in range(2):
        _post(app, "203.0.113.9", "jo@example.org")
    refused = app.test_client().post(
        "/form",
        data={"email": "jo@example.org", "action": "send"},
        environ_base={"REMOTE_ADDR": "203.0.113.9"},
    )
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "rate limit 2 per 1 hour reached on form" in caplog.text
    assert "203.0.113" not in caplog.text and "jo@" not in caplog.text


def test_switched_off_nothing_is_counted(tmp_path: Path) -> None:
    app = _app(tmp_path, enabled=False)
    assert {_post(app, "10.0.0.4", "e@example.org") for _ in range(6)} == {200}


def test_apps_keep_their_own_counters(tmp_path: Path) -> None:
    first, second = _app(tmp_path / "one"), _app(tmp_path / "two")
    assert first.test_client().post("/other").status_code == 200
    assert second.test_client().post("/other").status_code == 200


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # A Redis nobody listens on: every count fails to reach its store.
    return {**app_config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1", "RATELIMIT_ENABLED": True}


def test_a_store_that_is_down_lets_the_letter_through(
    app: Flask, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="webapp.antiabuse.rate_limits")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    token = csrf_token(client.get(f"/campaigns/{default_campaign}").text)
    data = {**VALID_LETTER, "action": "send", "csrf_token": token}
    response = client.post(f"/campaigns/{default_campaign}", data=data)
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(Submission.id))) == 1
    assert "rate-limit store unavailable on supporter.write: ConnectionError" in caplog.text
    assert "198.51.100" not in caplog.text and VALID_LETTER["email"] not in caplog.text


def test_a_refused_method_says_which_are_allowed(client: Any) -> None:
    response = client.delete("/privacy")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]
