"""Per-route rate limits: fixed-window counters from the `limits` library, a 429 past them."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Any, TypeVar, cast

from flask import Flask, current_app, request
from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

log = logging.getLogger(__name__)

View = TypeVar("View", bound=Callable[..., Any])
# A limit is "20/minute;200/hour", or a function reading it from the app's settings.
LimitText = str | Callable[[], str]
EXTENSION = "rate_limits"


def remote_address() -> str:
    return request.remote_addr or ""


@dataclass(frozen=True)
class Rule:
    """One decorator's limit: what it allows, whose counter it uses, and when it does not count."""

    limit: LimitText
    key: Callable[[], str]
    methods: frozenset[str] | None
    exempt_when: Callable[[], bool] | None

    def counts(self) -> bool:
        if self.methods is not None and request.method not in self.methods:
            return False
        return not (self.exempt_when and self.exempt_when())

    def items(self) -> tuple[RateLimitItem, ...]:
        return _parsed(self.limit() if callable(self.limit) else self.limit)


@lru_cache(maxsize=64)
def _parsed(text: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(text))


@dataclass(frozen=True)
class Counters:
    """One app's counters. Kept in `app.extensions`, so apps with different stores (the tests
    make one per test) never share them."""

    enabled: bool
    strategy: FixedWindowRateLimiter
    storage: Storage

    def spend(self, rule: Rule, scope: str) -> None:
        """Count this request against `rule`; a 429 with Retry-After when a limit is spent.

        A store that cannot be reached lets the request through (with a warning): the letter's
        risk checks still run, and refusing every supporter because Redis is down loses letters.
        """
        key = rule.key()
        if not key:
            log.warning("rate limit skipped on %s: the request has no key", scope)
            return
        for item in rule.items():
            try:
                allowed = self.strategy.hit(item, key, scope)
                if allowed:
                    continue
                reset_at = self.strategy.get_window_stats(item, key, scope).reset_time
            except StorageError as exc:
                # The exception's text may hold the key (an address): its class says enough.
                log.warning(
                    "rate-limit store unavailable on %s: %s",
                    scope,
                    type(exc.storage_error).__name__,
                )
                return
            # Only the rule and route: the key is an address or an email.
            log.info("rate limit %s reached on %s", item, scope)
            raise TooManyRequests(retry_after=max(1, math.ceil(reset_at - time.time())))


class RateLimits:
    """Declares limits on routes (`@rate_limits.limit(...)`); each app binds its own store."""

    def init_app(self, app: Flask) -> None:
        storage = cast(
            Storage,
            storage_from_string(app.config["RATELIMIT_STORAGE_URI"], wrap_exceptions=True),
        )
        app.extensions[EXTENSION] = Counters(
            enabled=bool(app.config["RATELIMIT_ENABLED"]),
            strategy=FixedWindowRateLimiter(storage),
            storage=storage,
        )

    def limit(
        self,
        limit: LimitText,
        *,
        key: Callable[[], str] = remote_address,
        methods: list[str] | None = None,
        exempt_when: Callable[[], bool] | None = None,
    ) -> Callable[[View], View]:
        """Limit a view. Stacked decorators are checked top first, each counter per route."""
        rule = Rule(limit, key, frozenset(methods) if methods else None, exempt_when)

        def decorate(view: View) -> View:
            rules: list[Rule] | None = getattr(view, "rate_limit_rules", None)
            if rules is not None:
                # Already wrapped by the decorator below: one wrapper checks them all, in order.
                rules.insert(0, rule)
                return view
            rules = [rule]

            @wraps(view)
            def limited(*args: Any, **kwargs: Any) -> Any:
                counters: Counters = current_app.extensions[EXTENSION]
                if counters.enabled:
                    scope = request.endpoint or ""
                    for each in rules:
                        if each.counts():
                            counters.spend(each, scope)
                return view(*args, **kwargs)

            limited.rate_limit_rules = rules  # type: ignore[attr-defined]
            return cast(View, limited)

        return decorate
