"""A located supporter's state legislators: Open States asked by point, its answers cached."""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from webapp.civic.budget import Budget
from webapp.civic.cache import cache_get, cache_key, cache_put, normalise_query
from webapp.civic.types import (
    LookupResult,
    MatchKind,
    Representative,
    StateLegislators,
    UpstreamError,
)
from webapp.civic.zip_fallback import Found

log = logging.getLogger(__name__)

NOTE_STATE_NEEDS_ADDRESS = _l("Your state legislators can be found from your street address.")
NOTE_STATE_UNAVAILABLE = _l("State legislators cannot be looked up right now.")
STATE_CHAMBERS = frozenset({"state_upper", "state_lower"})


class StatePeople:
    """The lookup's state-legislature step; unlike Congress's it needs the supporter's point,
    so only an exact street match can answer it, and it has an upstream (and a cache) of its own.
    """

    def __init__(self, source: StateLegislators | None, cache_ttl: int) -> None:
        self.source = source
        self.cache_ttl = cache_ttl

    def add(
        self,
        session: Session,
        found: Found,
        chambers: Collection[str],
        result: LookupResult,
        now: datetime,
        budget: Budget,
    ) -> None:
        """Put the legislators of the asked state chambers in `result`, or a note saying why not."""
        wanted = STATE_CHAMBERS & set(chambers)
        if not wanted:
            return
        location = found.location
        if self.source is None:
            result.notes.append(str(NOTE_STATE_UNAVAILABLE))
            return
        if (
            found.match is not MatchKind.EXACT
            or location is None
            or location.latitude is None
            or location.longitude is None
        ):
            result.notes.append(str(NOTE_STATE_NEEDS_ADDRESS))
            return
        point = normalise_query(f"{location.latitude:.5f}", f"{location.longitude:.5f}")
        key = cache_key("openstates", point)
        cached = cache_get(session, key, now)
        if cached is not None:
            people = [Representative.from_json(p) for p in cached["people"]]
        else:
            session.commit()  # no read transaction stays open across the call (geocoding.py)
            try:
                people = self.source.for_point(location.latitude, location.longitude, budget=budget)
            except UpstreamError as exc:
                log.warning("state legislator lookup failed: %s", exc)
                result.notes.append(str(NOTE_STATE_UNAVAILABLE))
                return
            cache_put(
                session,
                "openstates",
                key,
                {"people": [p.to_json() for p in people]},
                self.cache_ttl,
                now,
            )
        result.representatives.extend(p for p in people if p.chamber in wanted)
