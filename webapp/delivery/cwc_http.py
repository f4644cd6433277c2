"""HTTP for CWC posts: each on a fresh connection whose sockets are under a Cutoff (cutoff.py)."""

from __future__ import annotations

import enum
import threading
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool, HTTPSConnectionPool, ProxyManager
from urllib3.connection import HTTPConnection, HTTPSConnection

from webapp.civic.http import Timeouts, make_session
from webapp.delivery.cutoff import Cutoff, shut

# The Cutoff of the post this thread is making, for the connections it opens.
_current = threading.local()


def _watch(conn: HTTPConnection) -> None:
    cutoff: Cutoff | None = getattr(_current, "cutoff", None)
    if cutoff is not None:
        cutoff.watch(lambda: shut(conn.sock))


class _WatchedHTTPConnection(HTTPConnection):
    def connect(self) -> None:
        super().connect()
        _watch(self)


class _WatchedHTTPSConnection(HTTPSConnection):
    def connect(self) -> None:
        super().connect()  # the TLS handshake too: no request byte has gone out yet
        _watch(self)


class _Pool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _TLSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


WATCHED_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _Pool, "https": _TLSPool}


class WatchedAdapter(HTTPAdapter):
    """Opens a new connection for every request, through pools whose connections are watched.

    A kept-alive connection would have been opened under an earlier post's Cutoff; a new one
    costs one handshake per letter and is watched from its first byte. (A SOCKS proxy keeps its
    own connection classes and is not watched; plain HTTP(S) proxies are.)
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = WATCHED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> ProxyManager:
        manager: ProxyManager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if type(manager) is ProxyManager:
            manager.pool_classes_by_scheme = WATCHED_POOLS
        return manager

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        self.poolmanager.clear()
        for manager in self.proxy_manager.values():
            manager.clear()
        return super().send(request, *args, **kwargs)


def watched_session(session: requests.Session | None = None) -> requests.Session:
    """`session` (default: the shared upstream session) with watched adapters, same retries."""
    session = session or make_session()
    for prefix in ("http://", "https://"):
        current = session.get_adapter(prefix)
        retries = current.max_retries if isinstance(current, HTTPAdapter) else None
        session.mount(prefix, WatchedAdapter(max_retries=retries or 0))
    return session


def post_within(seconds: float, session: requests.Session, url: str, **kwargs: Any) -> Any:
    """`session.post(url, **kwargs)`, ended after `seconds` in all (then requests.Timeout)."""
    cutoff = Cutoff(seconds)
    _current.cutoff = cutoff
    try:
        with cutoff:
            response = session.post(url, **kwargs)
    except requests.RequestException as exc:
        if cutoff.reached:
            raise requests.Timeout(f"cut off after {seconds:g} s") from exc
        raise
    finally:
        _current.cutoff = None
    return response


class Fault(enum.Enum):
    """Whose fault a failed post was, which decides whether the letter uses an attempt on it."""

    LETTER = "letter"  # this message's: retried, then given up, by its own attempts
    CHANNEL = "channel"  # the endpoint's: no answer, or it asks every sender to wait
    CHANNEL_UNSURE = "channel_unsure"  # a 5xx: the endpoint's, unless one message causes it


# The endpoint timed out waiting for a request, or asks everyone to slow down; or it refuses
# our key (401, 403) or has nothing at our URL (404): every letter alike, until a setting is
# mended, so none may use an attempt on it (a wrong key had marked every letter dead at once).
CHANNEL_4XX = frozenset({408, 429, 401, 403, 404})


def fault_of(status: int | None) -> Fault:
    """Whose fault a non-2xx answer (`status`), or no answer at all (None), was."""
    if status is None or status in CHANNEL_4XX:
        return Fault.CHANNEL
    return Fault.CHANNEL_UNSURE if status >= 500 else Fault.LETTER


def settings_fault(system: str, status: int | None, key: str, url: str) -> str | None:
    """What the operator must mend when the endpoint refuses our key (the setting `key`) or has
    nothing at our address (the setting `url`), else None."""
    if status in (401, 403):
        return f"{system} refused the API key ({status}): check {key}"
    if status == 404:
        return f"{system} has no such address ({status}): check {url}"
    return None


def failure_detail(exc: requests.RequestException) -> str:
    """What went wrong, without the exception's text (it carries the URL, and so any key)."""
    timed_out = isinstance(exc, requests.Timeout) or "timed out" in str(exc).lower()
    return "timed out" if timed_out else f"unreachable ({type(exc).__name__})"


class LimitedClient:
    """An API client each of whose calls ends within `time_limit`, however the server behaves."""

    def __init__(self, timeouts: Timeouts, session: requests.Session | None = None) -> None:
        self.timeouts = timeouts
        self.session = watched_session(session)

    @property
    def time_limit(self) -> float:
        """The longest one post may take in all, connecting included (the outbox leases by it)."""
        return self.timeouts.connect + self.timeouts.read
