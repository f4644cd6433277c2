"""One configured requests.Session per upstream: timeouts, one retry with backoff, a clear UA."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Timeout
from urllib3.util.retry import Retry

from webapp.civic.budget import Budget
from webapp.civic.types import UpstreamError
from webapp.request_slots import waiting

USER_AGENT = "civic-letters/0.1 (+https://github.com/civic-letters)"
RETRY_STATUSES = frozenset({500, 502, 503, 504})
# A short pause before the one retry of a 5xx or refused connection (urllib3 retried at once).
RETRY_BACKOFF_SECONDS = 0.2
# Below this an attempt cannot even connect: the caller falls back at once instead.
MIN_ATTEMPT_SECONDS = 0.05
# A retry is worth its pause only with at least this much of the budget left after it.
MIN_RETRY_SECONDS = 0.25


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.0
    read: float = 10.0

    def as_tuple(self) -> tuple[float, float]:
        return (self.connect, self.read)


def make_session(retry: bool = True) -> requests.Session:
    """A session that retries once (connection errors, 5xx) after a short backoff.

    A read timeout is not retried: it has already cost the supporter the whole read timeout.
    `retry=False` leaves retrying to the caller: get_json retries within the lookup's budget.
    """
    retries: Retry | int = 0
    if retry:
        retries = Retry(
            total=1,
            connect=1,
            read=0,
            status=1,
            backoff_factor=0.5,
            status_forcelist=tuple(RETRY_STATUSES),
            allowed_methods=frozenset({"GET"}),
            respect_retry_after_header=False,
            raise_on_status=False,
        )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retries, pool_maxsize=20)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def _timeout(provider: str, timeouts: Timeouts, budget: Budget | None) -> Any:
    """This attempt's timeouts: connect and read together never outlast what the budget has."""
    if budget is None:
        return timeouts.as_tuple()
    left = budget.remaining()
    if left < MIN_ATTEMPT_SECONDS:
        raise UpstreamError(provider, "out of time")
    return Timeout(connect=min(timeouts.connect, left), read=min(timeouts.read, left), total=left)


def _request_error(provider: str, exc: requests.RequestException) -> tuple[UpstreamError, bool]:
    """The UpstreamError for a failed request, and whether one retry may help."""
    if isinstance(exc, requests.ConnectTimeout):
        return UpstreamError(provider, "timed out", outage=True), True
    if isinstance(exc, requests.Timeout):
        return UpstreamError(provider, "timed out", outage=True), False
    if isinstance(exc, requests.ConnectionError):
        # urllib3 may wrap a read timeout as a connection error.
        if "timed out" in str(exc).lower():
            return UpstreamError(provider, "timed out", outage=True), False
        return UpstreamError(provider, f"unreachable ({type(exc).__name__})", outage=True), True
    return UpstreamError(provider, f"unreachable ({type(exc).__name__})", outage=True), False


def get_json(
    session: requests.Session,
    provider: str,
    url: str,
    timeouts: Timeouts,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    budget: Budget | None = None,
) -> Any:
    """GET and decode JSON; every failure becomes an UpstreamError naming the provider.

    A refused connection or a 5xx answer is tried once more after a short pause, when the
    budget leaves time for it; both attempts share the budget.
    """
    # The slot is given up once, for both attempts and the pause between them.
    with waiting():
        response = _answer(session, provider, url, timeouts, params, headers, budget)
    return _decode(provider, response)


def _answer(
    session: requests.Session,
    provider: str,
    url: str,
    timeouts: Timeouts,
    params: dict[str, Any] | None,
    headers: dict[str, str] | None,
    budget: Budget | None,
) -> requests.Response:
    error = UpstreamError(provider, "out of time")
    for attempt in range(2):
        if attempt:
            if (
                budget is not None
                and budget.remaining() < RETRY_BACKOFF_SECONDS + MIN_RETRY_SECONDS
            ):
                break
            time.sleep(RETRY_BACKOFF_SECONDS)
        try:
            response = session.get(
                url, params=params, headers=headers, timeout=_timeout(provider, timeouts, budget)
            )
        except requests.RequestException as exc:
            error, retry = _request_error(provider, exc)
            error.__cause__ = exc
            if retry:
                continue
            raise error from exc
        if response.status_code in RETRY_STATUSES:
            error = UpstreamError(provider, f"HTTP {response.status_code}", outage=True)
            continue
        return response
    raise error


def _decode(provider: str, response: requests.Response) -> Any:
    if response.status_code == 429:
        raise UpstreamError(provider, "rate limited (429)", outage=True)
    if response.status_code >= 500:
        raise UpstreamError(provider, f"HTTP {response.status_code}", outage=True)
    if response.status_code >= 400:
        raise UpstreamError(provider, f"HTTP {response.status_code}")
    try:
        return response.json()
    except ValueError as exc:
        raise UpstreamError(provider, "answered with malformed JSON") from exc


def fetch_bytes(
    session: requests.Session, provider: str, url: str, timeouts: Timeouts
) -> tuple[bytes, Mapping[str, str]]:
    """GET a whole file (datasets) with its response headers; failures become UpstreamError."""
    try:
        with waiting():
            response = session.get(url, timeout=timeouts.as_tuple())
    except requests.RequestException as exc:
        raise UpstreamError(provider, f"download failed ({type(exc).__name__})") from exc
    if response.status_code >= 400:
        raise UpstreamError(provider, f"download failed: HTTP {response.status_code}")
    return response.content, response.headers


def timeouts_from_config(config: Mapping[str, Any]) -> Timeouts:
    return Timeouts(
        float(config["CIVIC_CONNECT_TIMEOUT_SECONDS"]), float(config["CIVIC_READ_TIMEOUT_SECONDS"])
    )
