"""Per-route limits: stacked rules, methods and exemptions, a 429 that says when to come back,
a store that is down letting letters through, and nothing personal in the log."""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import redis
from flask import Flask, request
from sqlalchemy import func, select

from bench.load_report import redis_server
from tests.app_commands import FLASK, run_command
from tests.conftest import csrf_token
from tests.dashboard.helpers import log_in
from tests.supporter.helpers import VALID_LETTER
from webapp import create_app
from webapp.antiabuse.limit_store import sqlite_uri
from webapp.antiabuse.rate_limits import RateLimits
from webapp.config_values import ConfigError
from webapp.database import db
from webapp.models import Submission


def _app(tmp_path: Path, enabled: bool = True) -> Flask:
    app = Flask(__name__)
    app.config.update(
        RATELIMIT_ENABLED=enabled,
        RATELIMIT_STORAGE_URI=sqlite_uri(tmp_path / "counters.sqlite3"),
        RATELIMIT_STORE_RETRY_SECONDS=10.0,
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

    @app.post("/another")
    @limits.limit("1/minute")
    def another() -> str:
        return "ok"

    @app.post("/misread")
    @limits.limit(lambda: str(app.config["MISREAD_LIMIT"]))
    def misread() -> str:
        return "ok"

    return app


def _post(app: Flask, ip: str, email: str, action: str = "send") -> int:
    client = app.test_client()
    response = client.post(
        "/form", data={"email": email, "action": action}, environ_base={"REMOTE_ADDR": ip}
    )
    return response.status_code


def _sign_in(app: Flask) -> int:
    """One wrong sign-in attempt, with the form's token, as a browser sends it."""
    return log_in(app.test_client(), "nobody@example.org", "wrong").status_code


def test_stacked_rules_count_shortest_window_first_and_stop_at_the_first_spent(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)
    app.config["ADDRESS_LIMIT"] = "20/minute;4/hour"
    # Each send counts the address's minute, then the hours: the sender's 2/hour (the lower
    # decorator first) and the address's 4/hour. The third from a@ is refused by the sender's
    # hour before the address's hour counts it, so b@'s and c@'s sends still fit in 4/hour.
    sends = [_post(app, "10.0.0.1", email) for email in ("a@x.org",) * 3 + ("b@x.org", "c@x.org")]
    assert sends == [200, 200, 429, 200, 200]
    assert _post(app, "10.0.0.1", "d@x.org") == 429, "the address's 4/hour is spent now"
    assert _post(app, "10.0.0.2", "d@x.org") == 200, "another address has its own count"


def test_a_send_refused_by_the_address_minute_does_not_spend_the_senders_hour(
    tmp_path: Path,
) -> None:
    app = _app(tmp_path)
    app.config["ADDRESS_LIMIT"] = "1/minute"
    assert _post(app, "10.0.0.5", "f@x.org") == 200
    assert _post(app, "10.0.0.5", "f@x.org") == 429  # the address's minute, checked first
    assert _post(app, "10.0.0.6", "f@x.org") == 200, "the sender's 2/hour had one left"


def test_methods_and_exemptions_do_not_count(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    assert [client.get("/form").status_code for _ in range(10)] == [200] * 10
    previews = [_post(app, "10.0.0.3", "c@example.org", action="preview") for _ in range(3)]
    assert previews == [200] * 3, "a preview is exempt from the sender's limit"
    # The address's limit still counted the previews: it has no exemption.
    assert _post(app, "10.0.0.3", "c@example.org") == 429


@pytest.mark.parametrize("store", ["sqlite", "memory"])
def test_reset_when_clears_the_count_on_the_responses_it_accepts(
    tmp_path: Path, store: str
) -> None:
    app = _app(tmp_path)
    if store == "memory":
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    limits = RateLimits()
    limits.init_app(app)

    @app.post("/guess")
    @limits.limit("2/hour", reset_when=lambda response: response.status_code == 204)
    def guess() -> tuple[str, int]:
        return "", 204 if request.form.get("word") == "open" else 401

    def statuses(word: str, times: int) -> list[int]:
        client = app.test_client()
        return [client.post("/guess", data={"word": word}).status_code for _ in range(times)]

    assert statuses("open", 5) == [204] * 5, "each accepted answer clears its own count"
    assert statuses("shut", 1) == [401]
    assert statuses("open", 1) == [204], "and the failures before it"
    assert statuses("shut", 2) == [401, 401]
    assert statuses("open", 1) == [429], "two counted: spent, whatever comes next"


def test_each_route_counts_on_its_own(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    assert client.post("/other").status_code == 200
    assert client.post("/other").status_code == 429
    assert client.post("/another").status_code == 200, "the same limit on another route"


def test_requests_without_an_address_share_one_counter(tmp_path: Path) -> None:
    app = _app(tmp_path)
    client = app.test_client()
    statuses = [client.post("/other", environ_base={"REMOTE_ADDR": ""}).status_code for _ in "ab"]
    assert statuses == [200, 429]


def test_a_limit_setting_that_cannot_be_read_stops_the_start(app_config: dict[str, Any]) -> None:
    with pytest.raises(ConfigError, match="LETTER_RATE_LIMIT: '20/minute;' is not a rate limit"):
        create_app({**app_config, "LETTER_RATE_LIMIT": "20/minute;"})


def test_a_mistyped_limit_stops_a_flask_command_with_the_message_not_a_traceback(
    tmp_path: Path,
) -> None:
    settings = {"SECRET_KEY": "s", "DATA_ENCRYPTION_KEY": "k", "INSTANCE_PATH": str(tmp_path)}
    settings["LETTER_RATE_LIMIT"] = "20/minit"
    done = run_command((*FLASK, "campaigns", "list"), settings, drop=("FLASK_", "DATABASE_"))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: LETTER_RATE_LIMIT: '20/minit' is not a rate limit")
    assert "Traceback" not in done.stderr


def test_a_limit_changed_to_nonsense_while_running_is_skipped_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = _app(tmp_path)
    app.config["MISREAD_LIMIT"] = "1/fortnight"
    client = app.test_client()
    assert [client.post("/misread").status_code for _ in "ab"] == [200, 200]
    assert "rate limit '1/fortnight' cannot be read: not applied" in caplog.text


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


def test_counters_in_a_real_redis_limit_as_the_file_does(tmp_path: Path) -> None:
    """The store for several machines: a redis-server on loopback (the Makefile installs it)."""
    with redis_server(tmp_path) as url:
        if url is None:
            pytest.fail("redis-server is missing: make test installs it")
        app = _app(tmp_path)
        limits = RateLimits()
        app.config["RATELIMIT_STORAGE_URI"] = url
        limits.init_app(app)  # the same routes, their counters now in Redis
        sends = [_post(app, "10.0.0.9", f"{n}@x.org") for n in range(4)]
        assert sends == [200, 200, 200, 429]
        stored = sorted(key.decode() for key in redis.Redis.from_url(url).keys("LIMITS:LIMITER/*"))
        assert "LIMITS:LIMITER/10.0.0.9/form/3/1/minute" in stored, stored
        assert "LIMITS:LIMITER/email:0@x.org/form/2/1/hour" in stored


def test_switched_off_nothing_is_counted(tmp_path: Path) -> None:
    app = _app(tmp_path, enabled=False)
    assert {_post(app, "10.0.0.4", "e@example.org") for _ in range(6)} == {200}


def test_apps_keep_their_own_counters(app_config: dict[str, Any], tmp_path: Path) -> None:
    """The app's one `limiter`, bound to two apps with their own stores, counts them apart."""

    def login_attempts(folder: str) -> list[int]:
        store = sqlite_uri(tmp_path / folder / "counters.sqlite3")
        app = create_app(
            {**app_config, "RATELIMIT_STORAGE_URI": store, "LOGIN_RATE_LIMIT": "2/minute"}
        )
        return [_sign_in(app) for _ in range(3)]

    assert login_attempts("one")[-1] == 429
    assert login_attempts("two")[-1] == 429, "the second app started from nothing too"
    assert login_attempts("two")[0] == 429, "and kept its own count"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # A Redis nobody listens on: every count fails to reach its store.
    return {**app_config, "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1", "RATELIMIT_ENABLED": True}


def test_a_store_that_is_down_lets_the_letter_through(
    app: Flask, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="webapp.antiabuse.store_breaker")
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


def test_with_the_store_down_sign_in_is_refused_not_left_unlimited(app: Flask) -> None:
    response = log_in(app.test_client(), "nobody@example.org", "wrong")
    assert response.status_code == 503
    assert 1 <= int(response.headers["Retry-After"]) <= 10
    assert "Not available for a moment" in response.text


def test_with_the_store_down_the_api_answers_503_in_json(client: Any) -> None:
    response = client.get("/api/representatives", query_string={"zip": "05401"})
    assert response.status_code == 503
    assert 1 <= int(response.headers["Retry-After"]) <= 10
    assert response.json == {
        "error": "Part of the site is not answering. Please try again in a moment.",
        "status": 503,
    }


def test_a_refused_method_says_which_are_allowed(client: Any) -> None:
    response = client.delete("/privacy")
    assert response.status_code == 405
    assert "GET" in response.headers["Allow"]


def test_guesses_at_the_same_moment_cannot_overrun_a_limit_that_resets(tmp_path: Path) -> None:
    """Each guess is counted before the (slow) password check: eight at once, two get through."""
    app = _app(tmp_path)
    limits = RateLimits()
    limits.init_app(app)
    checked: list[str] = []

    @app.post("/guess")
    @limits.limit("2/hour", reset_when=lambda response: response.status_code == 204)
    def guess() -> tuple[str, int]:
        checked.append(request.form["word"])
        time.sleep(0.2)  # a password hash takes a while
        return "", 401

    def one(n: int) -> int:
        return app.test_client().post("/guess", data={"word": str(n)}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(one, range(8)))
    assert statuses == [401, 401] + [429] * 6
    assert len(checked) == 2
