"""Per-route rate limits: fixed-window counters from the `limits` library, a 429 past them."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial, wraps
from typing import Any, TypeVar, cast
from weakref import WeakKeyDictionary

from flask import Flask, make_response, request
from flask_babel import lazy_gettext as _l
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests
from werkzeug.wrappers import Response

from webapp.antiabuse.store_breaker import StoreBreaker
from webapp.config_values import ConfigError
from webapp.unproxied import this_app, this_request

log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Any])
# A limit is "20/minute;200/hour", or a function reading it from the app's settings.
LimitText = str | Callable[[], str]
# Given the view's response: whether it clears the key's count (a good sign-in clears the
# failures before it).
ResetWhen = Callable[[Response], bool]
EXTENSION = "rate_limits"
# The rules each limited view checks, by wrapper: not an attribute, which functools.wraps would
# copy onto any decorator between two of ours.
_RULES: WeakKeyDictionary[Callable[..., Any], list[Rule]] = WeakKeyDictionary()


# A Redis client waits for an answer forever unless told: one Redis that stopped answering
# would then hold a worker's request slot for good, and no failure would ever reach the breaker.
# For a single Redis, values in the URI's query win over these (redis-py's from_url).
REDIS_TIMEOUTS = {"socket_timeout": 1.0, "socket_connect_timeout": 1.0}
_REDIS_SCHEMES = frozenset({"redis", "rediss", "redis+unix", "valkey", "valkeys", "valkey+unix"})
_CLUSTER_SCHEMES = frozenset({"redis+cluster", "valkey+cluster"})
_SENTINEL_SCHEMES = frozenset({"redis+sentinel", "valkey+sentinel"})


def store_options(uri: str) -> dict[str, Any]:
    """The store's client options: the default timeouts for any Redis, nothing for the others."""
    scheme = uri.split(":", 1)[0].lower()
    if scheme in _REDIS_SCHEMES or scheme in _CLUSTER_SCHEMES:
        return dict(REDIS_TIMEOUTS)
    if scheme in _SENTINEL_SCHEMES:
        # The sentinels, asked first where the primary is, have connections of their own: limits
        # hands redis-py a sentinel_kwargs of its own, so they do not inherit the timeouts.
        # No retries there either: redis-py's default backs off up to 14 s a sentinel before
        # trying the next one, and a failed lookup goes to the breaker anyway.
        return {**REDIS_TIMEOUTS, "sentinel_kwargs": {**REDIS_TIMEOUTS, "retry": None}}
    return {}


# limits wraps RedisError as StorageError, but a cluster whose nodes all stopped answering
# raises RedisClusterException, which is not one: unwrapped, every letter would be a 500.
# The redis package is installed only where limits are kept in Redis.
_STORE_FAILURES: tuple[type[Exception], ...] = (StorageError,)
try:
    from redis.exceptions import RedisClusterException
except ImportError:  # pragma: no cover - no Redis client, so no cluster either
    pass
else:
    _STORE_FAILURES += (RedisClusterException,)


# What the API's JSON says with its 503 (the pages have their own words, security.py).
_STORE_DOWN = _l("Part of the site is not answering. Please try again in a moment.")


def _counts(storage: Storage, expiry: int) -> bool:
    """Whether the store counts again: a count on a key of its own, not a ping, since a Redis
    replica left read-only after a failover, or a SQLite file without its table, still pings."""
    storage.incr("civic-letters/store-check", expiry)
    return True


class StoreUnavailable(ServiceUnavailable):
    """The counters could not be reached, on a route that must not run uncounted (a 503)."""


def remote_address() -> str:
    # Requests without one (a misconfigured proxy) share a counter rather than go uncounted.
    return this_request().remote_addr or "127.0.0.1"


def check_limit_setting(name: str, text: str) -> None:
    """Refuse to start with a limit that cannot be read (a typo would otherwise surface as a
    skipped limit on the day). A ConfigError, so the process prints the message, not a trace."""
    try:
        _parsed(text)
    except ValueError as exc:
        raise ConfigError(
            f"{name}: {text!r} is not a rate limit like '20/minute;200/hour' (count/second, "
            "minute, hour or day; several joined by ';'): correct it in .env or the environment"
        ) from exc


@dataclass(frozen=True)
class Rule:
    """One decorator's limit: what it allows, whose counter it uses, and when it does not count."""

    limit: LimitText
    key: Callable[[], str]
    methods: frozenset[str] | None
    exempt_when: Callable[[], bool] | None
    fail_open: bool
    reset_when: ResetWhen | None = None

    def counts(self) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return False
        return not (self.exempt_when and self.exempt_when())

    def items(self) -> tuple[RateLimitItem, ...]:
        text = self.limit() if callable(self.limit) else self.limit
        try:
            return _parsed(text)
        except ValueError:
            # Settings are checked at start-up; this is one changed while running.
            log.error("rate limit %r cannot be read: not applied", text)
            return ()


@lru_cache(maxsize=64)
def _parsed(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text))


# One limit of one rule, and the key it counts under.
Hit = tuple[RateLimitItem, str, Rule]


@dataclass(frozen=True)
class Counters:
    """One app's counters. Kept in `app.extensions`, so apps with different stores (the tests
    make one per test) never share them."""

    strategy: FixedWindowRateLimiter
    breaker: StoreBreaker

    def spend(self, rules: list[Rule], scope: str) -> list[Hit]:
        """Count this request against each counting rule's limits, the shortest windows first
        (as Flask-Limiter did), stopping at the first one spent: a 429 with Retry-After.

        Every request is counted here, so requests at the same moment cannot overrun a
        limit; the hits of rules with `reset_when` are returned, for `settle`."""
        hits: list[Hit] = []
        for rule in rules:
            if rule.counts():
                key = rule.key()  # once per rule: a sender's key is a keyed hash
                hits += ((item, key, rule) for item in rule.items())
        if not hits:
            return []
        # A wait of 0 is no breaker: every request asks the store and waits out its timeouts.
        if self.breaker.retry_seconds and not self.breaker.try_store():
            self._uncounted(hits)
            return []
        outage = self.breaker.outages
        try:
            refusal = self._count(hits, scope)
        except _STORE_FAILURES as exc:
            self._failed(exc, scope)
            self._uncounted(hits)
            return []
        self.breaker.answered(outage)
        if refusal is not None:
            raise refusal
        return [hit for hit in hits if hit[2].reset_when is not None]

    def settle(self, hits: list[Hit], response: Response, scope: str) -> None:
        """Clear the counts of `hits` whose rule's `reset_when` accepts this response (a good
        sign-in forgets its address's failures). A store lost in between leaves them counted."""
        due = [
            (item, key)
            for item, key, rule in hits
            if rule.reset_when is not None and rule.reset_when(response)
        ]
        try:
            for item, key in due:
                self.strategy.clear(item, key, scope)
        except _STORE_FAILURES as exc:
            self._failed(exc, scope)

    def _failed(self, exc: Exception, scope: str) -> None:
        cause = exc.storage_error if isinstance(exc, StorageError) else exc
        self.breaker.failed(scope, type(cause).__name__)

    def _count(self, hits: list[Hit], scope: str) -> TooManyRequests | None:
        hits.sort(key=lambda hit: hit[0].GRANULARITY.seconds)
        for item, key, _rule in hits:
            if self.strategy.hit(item, key, scope):
                continue
            reset_at = self.strategy.get_window_stats(item, key, scope).reset_time
            # Only the rule and route: the key is an address or an email.
            log.info("rate limit %s reached on %s", item, scope)
            return TooManyRequests(str(item), retry_after=max(1, math.ceil(reset_at - time.time())))
        return None

    def _uncounted(self, hits: list[Hit]) -> None:
        """With the store out of reach: a letter goes through, anything else is refused."""
        if not all(rule.fail_open for _item, _key, rule in hits):
            raise StoreUnavailable(str(_STORE_DOWN), retry_after=self.breaker.retry_after())


class RateLimits:
    """Declares limits on routes (`@rate_limits.limit(...)`); each app binds its own store."""

    def init_app(self, app: Flask) -> None:
        for name, value in app.config.items():
            if name.endswith("_RATE_LIMIT"):
                check_limit_setting(name, str(value))
        if not app.config["RATELIMIT_ENABLED"]:
            app.extensions[EXTENSION] = None
            return
        uri = str(app.config["RATELIMIT_STORAGE_URI"])
        storage = cast(
            Storage, storage_from_string(uri, wrap_exceptions=True, **store_options(uri))
        )
        retry = float(app.config["RATELIMIT_STORE_RETRY_SECONDS"])
        breaker = StoreBreaker(retry, partial(_counts, storage, max(1, math.ceil(retry))))
        app.extensions[EXTENSION] = Counters(FixedWindowRateLimiter(storage), breaker)

    def clear(self, app: Flask, limit: str, key: str, scope: str) -> None:
        """Forget what `key` spent of `limit` on the route `scope` (an admin lifting a pause)."""
        counters: Counters | None = app.extensions[EXTENSION]
        if counters is not None:
            for item in _parsed(limit):
                counters.strategy.clear(item, key, scope)

    def limit(
        self,
        limit: LimitText,
        *,
        key: Callable[[], str] = remote_address,
        methods: list[str] | None = None,
        exempt_when: Callable[[], bool] | None = None,
        fail_open: bool = False,
        reset_when: ResetWhen | None = None,
    ) -> Callable[[View], View]:
        """Limit a view, each counter per route. `fail_open`: when the store cannot be reached,
        serve the request (a letter) rather than fail it (a sign-in: no guessing unlimited).
        `reset_when`: a response it accepts clears the key's count (every request is counted
        first, at once, so a burst cannot overrun the limit)."""
        allowed = frozenset(m.upper() for m in methods) if methods else None
        rule = Rule(limit, key, allowed, exempt_when, fail_open, reset_when)

        def decorate(view: View) -> View:
            rules = _RULES.get(view)
            if rules is not None:
                # Our own wrapper, just below: one wrapper checks every rule.
                rules.append(rule)
                return view
            rules = [rule]

            @wraps(view)
            def limited(*args: Any, **kwargs: Any) -> Any:
                counters: Counters | None = this_app().extensions[EXTENSION]
                if counters is None:
                    return view(*args, **kwargs)
                scope = this_request().endpoint or ""
                later = counters.spend(rules, scope)
                if not later:
                    return view(*args, **kwargs)
                response = make_response(view(*args, **kwargs))
                counters.settle(later, response, scope)
                return response

            _RULES[limited] = rules
            return cast(View, limited)

        return decorate
