"""One configured requests.Session per upstream: timeouts, one retry with backoff, a clear UA."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from webapp.civic.types import UpstreamError

USER_AGENT = "civic-letters/0.1 (+https://github.com/civic-letters)"


@dataclass(frozen=True)
class Timeouts:
    connect: float = 3.0
    read: float = 10.0

    def as_tuple(self) -> tuple[float, float]:
        return (self.connect, self.read)


def make_session() -> requests.Session:
    """A session that retries once (connection errors, 5xx) after a short backoff.

    A read timeout is not retried: it has already cost the supporter the whole read timeout.
    """
    retry = Retry(
        total=1,
        connect=1,
        read=0,
        status=1,
        backoff_factor=0.5,
        status_forcelist=(500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        respect_retry_after_header=False,
        raise_on_status=False,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry, pool_maxsize=20)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    return session


def get_json(
    session: requests.Session,
    provider: str,
    url: str,
    timeouts: Timeouts,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """GET and decode JSON; every failure becomes an UpstreamError naming the provider."""
    try:
        response = session.get(url, params=params, headers=headers, timeout=timeouts.as_tuple())
    except requests.Timeout as exc:
        raise UpstreamError(provider, "timed out") from exc
    except requests.ConnectionError as exc:
        # urllib3 wraps a read timeout that exhausted its retries as a connection error.
        if "timed out" in str(exc).lower():
            raise UpstreamError(provider, "timed out") from exc
        raise UpstreamError(provider, f"unreachable ({type(exc).__name__})") from exc
    except requests.RequestException as exc:
        raise UpstreamError(provider, f"unreachable ({type(exc).__name__})") from exc
    if response.status_code == 429:
        raise UpstreamError(provider, "rate limited (429)")
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
