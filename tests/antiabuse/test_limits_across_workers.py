"""The per-address letter limit holds across gunicorn workers: 20 a minute in all, not 20 each."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
from flask import Flask

from tests.conftest import csrf_token
from tests.gunicorn import app_env, gunicorn
from tests.supporter.helpers import VALID_LETTER

pytestmark = pytest.mark.slow
SENDS = 40


@pytest.fixture(params=["sqlite"])
def backend(request: pytest.FixtureRequest) -> str:
    """The counters live in their own file whatever the database; letters are incidental here."""
    return str(request.param)


def send_many(url: str, slug: str) -> Counter[int]:
    def send(n: int) -> int:
        # A new session per letter: a new connection, which the kernel hands to either worker.
        with requests.Session() as session:
            page = session.get(f"{url}/campaigns/{slug}", timeout=30)
            data = {
                **VALID_LETTER,
                "email": f"writer{n}@example.org",
                "action": "send",
                "csrf_token": csrf_token(page.text),
            }
            response = session.post(
                f"{url}/campaigns/{slug}", data=data, allow_redirects=False, timeout=30
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        return Counter(pool.map(send, range(SENDS)))


def test_letter_limit_is_shared_by_two_workers(
    app: Flask, app_config: dict[str, Any], default_campaign: str
) -> None:
    # Default limits (20/minute;200/hour); only the form timing check is off, as in every test.
    env = app_env(app_config, RISK_MIN_FORM_SECONDS="0")
    env.pop("LETTER_RATE_LIMIT", None)
    env.pop("RATELIMIT_STORAGE_URI", None)
    with gunicorn(env, workers=2) as url:
        statuses = send_many(url, default_campaign)
    assert statuses == Counter({303: 20, 429: 20})


def test_with_one_store_per_worker_the_limit_would_double(
    app: Flask, app_config: dict[str, Any], default_campaign: str
) -> None:
    """The control: the same sends against per-process memory counters get past 20, so the
    test above would see it if the workers stopped sharing their counters."""
    env = app_env(app_config, RISK_MIN_FORM_SECONDS="0", RATELIMIT_STORAGE_URI="memory://")
    env.pop("LETTER_RATE_LIMIT", None)
    with gunicorn(env, workers=2) as url:
        statuses = send_many(url, default_campaign)
    assert statuses[303] > 20 and statuses[303] + statuses[429] == SENDS
