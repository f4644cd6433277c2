"""The geocoder as a lookup uses it: cached answers, a short memory of failures, a breaker."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.civic.budget import Budget, CircuitBreaker
from webapp.civic.cache import address_cache_key, cache_get, cache_put, geocoder_kind
from webapp.civic.types import AddressQuery, Geocoder, Location, UpstreamError

log = logging.getLogger(__name__)
PROVIDER = "census"


class GeocoderSkipped(UpstreamError):
    """The geocoder was not asked (a recent failure for this address, or the breaker is open)."""


class GuardedGeocoder:
    """One answer per address: from the cache, else from the geocoder within the budget.

    A failure is remembered under the address's cache key for `fallback_ttl` seconds, so the
    preview, the district choice and the send of one letter wait for the geocoder once at most
    and then answer by ZIP at once. After `breaker.threshold` outages in a row the geocoder is
    not asked at all for the breaker's cool-down.
    """

    def __init__(
        self,
        geocoder: Geocoder,
        vintage: str,
        cache_ttl: int,
        fallback_ttl: int,
        breaker: CircuitBreaker,
    ) -> None:
        self.geocoder = geocoder
        self.kind = geocoder_kind(vintage)
        self.cache_ttl = cache_ttl
        self.fallback_ttl = fallback_ttl
        self.breaker = breaker

    def locate(
        self, session: Session, query: AddressQuery, now: datetime, budget: Budget
    ) -> Location | None:
        """A Location, or None for "no such address". Raises UpstreamError to fall back."""
        key = address_cache_key(
            self.kind, query.street, query.city, query.state, query.zip_code, query.line
        )
        cached = cache_get(session, key, now)
        if cached is not None:
            if cached.get("unavailable"):
                raise GeocoderSkipped(PROVIDER, "did not answer for this address a moment ago")
            return Location.from_json(cached["location"]) if cached.get("location") else None
        if not self.breaker.allow():
            raise GeocoderSkipped(PROVIDER, "skipped while it keeps failing (circuit open)")
        # The geocoder may take the whole budget (seconds), and no read transaction stays open
        # across it: on SQLite it would hold the WAL back, so an erasure's checkpoint would wait
        # busy_timeout. The caller has only read (cache_put's write just after commits anyway).
        session.commit()
        try:
            location = self._ask(query, budget)
        except UpstreamError as exc:
            if not exc.outage:
                self.breaker.succeeded()  # it answered, if strangely: it is up
            elif self.breaker.failed():
                log.warning(
                    "%s geocoder failed %d times in a row; answering by ZIP for %.0f s",
                    PROVIDER,
                    self.breaker.threshold,
                    self.breaker.cooldown,
                )
            if self.fallback_ttl > 0:
                cache_put(session, self.kind, key, {"unavailable": True}, self.fallback_ttl, now)
            raise
        self.breaker.succeeded()
        # Without the matched street: the cache outlives an erased supporter's rows, and only
        # the districts and point are needed to answer again.
        kept = replace(location, matched_address=None) if location else None
        payload = {"location": kept.to_json() if kept else None}
        cache_put(session, self.kind, key, payload, self.cache_ttl, now)
        return location

    def _ask(self, query: AddressQuery, budget: Budget) -> Location | None:
        if query.line:
            return self.geocoder.geocode_line(query.line, budget=budget)
        return self.geocoder.geocode(
            query.street or "", query.city or "", query.state or "", query.zip_code, budget=budget
        )
