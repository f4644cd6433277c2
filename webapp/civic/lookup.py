"""Find a supporter's officials: geocoder first, ZIP table when it cannot answer, then people."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from webapp.civic.budget import Budget, CircuitBreaker
from webapp.civic.geocoding import GeocoderSkipped, GuardedGeocoder
from webapp.civic.index import RosterIndex, ZipIndex
from webapp.civic.seating import Seated, seat, withheld_reason
from webapp.civic.state_people import StatePeople
from webapp.civic.states import has_senators

# Re-exported: callers build queries as webapp.civic.lookup.AddressQuery.
from webapp.civic.types import AddressQuery as AddressQuery
from webapp.civic.types import (
    DistrictChoice,
    Geocoder,
    Location,
    LookupResult,
    MatchKind,
    Provenance,
    StateLegislators,
    UpstreamError,
    Vacancy,
)
from webapp.civic.zip_fallback import NOTE_DISTRICTS_UPDATING, Found, locate_by_zip

log = logging.getLogger(__name__)

NOTE_BY_ZIP = _l(
    "The address service did not answer, so we matched you to your officials by ZIP code."
)
NOTE_ADDRESS_NOT_FOUND = _l(
    "We could not find that street address. Check it for typos; meanwhile we used your ZIP code."
)
# Where the ZIP placed no one (the state only): the ZIP's own note says why, and the one above
# said the ZIP was used beside "we do not know the ZIP code you entered".
NOTE_ADDRESS_NOT_FOUND_ALONE = _l("We could not find that street address. Check it for typos.")
# Said where a campaign writes to senators: without it DC's supporters saw one member of Congress
# where others see three, and nothing said why.
NOTE_NO_SENATORS = _l(
    "Washington, DC and the US territories have no senators, so your letter does not go to the "
    "Senate."
)
NOTE_NO_ROSTER = _l(
    "Members of Congress cannot be looked up right now: sent now, your letter goes only to the "
    "campaign's other recipients, and your members cannot be added to it later. To write to "
    "them too, come back later."
)


class CivicLookup:
    """The lookup service; one per app, shared by requests (its indexes are thread-safe)."""

    def __init__(
        self,
        geocoder_for: Callable[[int], tuple[Geocoder, str] | None],
        state_legislators: StateLegislators | None,
        cache_ttl: int,
        state_cache_ttl: int,
        budget_seconds: float = 3.0,
        fallback_ttl: int = 900,
        breaker: CircuitBreaker | None = None,
        pinned_congress: int | None = None,
        redistricted: frozenset[str] | None = None,
    ) -> None:
        """`geocoder_for(congress)` gives the geocoder asking for that Congress's maps and its
        vintage (None: no maps known); `pinned_congress` overrides the date's Congress and
        `redistricted` the shipped list of redrawn states."""
        self.geocoder_for = geocoder_for
        self.breaker = breaker or CircuitBreaker(3, 60.0)
        self.cache_ttl = cache_ttl
        self.fallback_ttl = fallback_ttl
        self._guarded: dict[int, GuardedGeocoder | None] = {}
        self.state_people = StatePeople(state_legislators, state_cache_ttl)
        self.pinned_congress = pinned_congress
        self.redistricted = redistricted
        self.budget_seconds = budget_seconds
        self.roster = RosterIndex()
        self.zips = ZipIndex()

    @property
    def state_legislators(self) -> StateLegislators | None:
        return self.state_people.source

    # -- the seated Congress ---------------------------------------------------------------------
    def guarded(self, congress: int) -> GuardedGeocoder | None:
        """The cached, budgeted geocoder asking for `congress`'s maps (one per Congress)."""
        if congress not in self._guarded:
            made = self.geocoder_for(congress)
            self._guarded[congress] = (
                None
                if made is None
                else GuardedGeocoder(
                    made[0], made[1], self.cache_ttl, self.fallback_ttl, self.breaker
                )
            )
        return self._guarded[congress]

    def invalidate(self) -> None:
        """A sync in this process changed the roster or the ZIP table: reload on next use."""
        self.roster.invalidate()
        self.zips.invalidate()

    def seated(self, session: Session, now: datetime) -> Seated:
        return seat(session, self.roster, self.zips, now, self.pinned_congress, self.redistricted)

    # -- locating -----------------------------------------------------------------------------
    def _locate(
        self,
        session: Session,
        query: AddressQuery,
        result: LookupResult,
        seated: Seated,
        now: datetime,
        budget: Budget,
    ) -> Found:
        guarded = self.guarded(seated.congress)
        if (query.street or query.line) and guarded is not None:
            try:
                location = guarded.locate(session, query, now, budget)
            except UpstreamError as exc:
                # A skipped call was logged when it failed: once per outage, not per lookup.
                level = logging.DEBUG if isinstance(exc, GeocoderSkipped) else logging.WARNING
                log.log(level, "geocoder failed, falling back to the ZIP table: %s", exc)
                result.geocoder_failed = True
            else:
                if (
                    location is not None
                    and location.district is not None
                    and location.congress == seated.congress
                ):
                    self._check_zip(session, query, location, result)
                    return Found(location, MatchKind.EXACT, "census")
                result.address_not_found = location is None
        said = len(result.notes)
        found = locate_by_zip(self.zips, self.roster, session, query, result, seated)
        # "By ZIP code" only when the ZIP table did name the district (or the districts to choose
        # from): beside "we do not know the ZIP code you entered" (state only) it said the opposite.
        by_zip = found.match in (MatchKind.ZIP, MatchKind.CHOSEN)
        if result.geocoder_failed and by_zip:
            result.notes.insert(said, str(NOTE_BY_ZIP))
        elif result.address_not_found:
            note = (
                NOTE_ADDRESS_NOT_FOUND
                if by_zip or result.candidates
                else NOTE_ADDRESS_NOT_FOUND_ALONE
            )
            result.notes.insert(said, str(note))
        return found

    def _check_zip(
        self, session: Session, query: AddressQuery, location: Location, result: LookupResult
    ) -> None:
        """A ZIP typed beside a street the geocoder placed in another ZIP: the letter would
        carry it to the office. One the ZIP table has never heard of is most likely mistyped;
        one it knows may be the Postal Service's where the geocoder's differs, unless the
        supporter already said it is theirs."""
        typed = query.zip_code[:5]
        street_zip = location.matched_zip
        if street_zip is None or street_zip == typed or query.line:
            return
        if not self.zips.districts(session, query.zip_code):
            result.zip_unknown = True
            result.zip_of_street = street_zip
        elif (query.zip_kept or "")[:5] != typed:
            result.zip_differs = street_zip

    # -- people ---------------------------------------------------------------------------------
    def _congress(
        self,
        session: Session,
        location: Location,
        chambers: Collection[str],
        result: LookupResult,
        seated: Seated,
    ) -> None:
        state, district, today = location.state, location.district, seated.when
        if self.roster.is_empty(session):
            result.notes.append(str(NOTE_NO_ROSTER))
            return
        if "us_senate" in chambers and has_senators(state):
            senators = self.roster.senators(session, state, today)
            result.representatives.extend(senators)
            # A senator whose term has ended is not a vacancy: the roster is only behind.
            held = self.roster.senate_seats_held(session, state)
            result.vacancies.extend(Vacancy("us_senate", state) for _ in range(2 - held))
        elif "us_senate" in chambers:
            result.notes.append(str(NOTE_NO_SENATORS))
        if not seated.roster_matches:
            # Members of another Congress than the seated one are never named for a district.
            if "us_house" in chambers and result.withheld is None:
                result.withheld = withheld_reason(self.roster.congress, seated.congress, "roster")
                result.notes.append(str(NOTE_DISTRICTS_UPDATING))
            result.candidates = []
            result.needs_street = False
            return
        if "us_house" in chambers and district is not None:
            members = self.roster.house(session, state, district, today)
            result.representatives.extend(members)
            if not self.roster.house(session, state, district):
                result.vacancies.append(Vacancy("us_house", state, str(district)))
        for choice in result.candidates:
            members = self.roster.house(session, choice.state, choice.district, today)
            index = result.candidates.index(choice)
            result.candidates[index] = DistrictChoice(choice.state, choice.district, tuple(members))

    def lookup(
        self,
        session: Session,
        query: AddressQuery,
        chambers: Collection[str],
        now: datetime,
        budget: Budget | None = None,
    ) -> LookupResult:
        """Officials in `chambers` for the supporter; never raises for upstream trouble.

        Every upstream call shares `budget` (default: CIVIC_LOOKUP_BUDGET_SECONDS from when the
        roster is seated), so a hung service costs a request that much at most before the ZIP
        table answers.
        """
        result = LookupResult()
        if not set(chambers) - {"us_senate", "us_house"} and self.roster.is_empty(session):
            result.notes.append(str(NOTE_NO_ROSTER))
            return result
        seated = self.seated(session, now)
        # Started after the roster is seated: that is local work (a fifth of a second of CPU
        # for a worker's first lookup, seconds on a saturated machine), and counted against the
        # upstreams it left the geocoder no time, so busy hours fell back to the ZIP table.
        budget = budget if budget is not None else Budget(self.budget_seconds)
        found = self._locate(session, query, result, seated, now, budget)
        if found.location is None:
            result.needs_street = True
            return result
        result.location = found.location
        self._congress(session, found.location, chambers, result, seated)
        self.state_people.add(session, found, chambers, result, now, budget)
        districts: dict[str, Any] = {"state": found.location.state}
        if found.location.district is not None:
            districts["cd"] = found.location.district
        for key, value in (
            ("sldu", found.location.state_upper),
            ("sldl", found.location.state_lower),
        ):
            if value:
                districts[key] = value
        if result.candidates:
            districts["zip_candidates"] = [c.district for c in result.candidates]
        if result.withheld is not None:
            districts["withheld"] = result.withheld
        result.provenance = Provenance(
            provider=found.provider,
            match=found.match,
            districts=districts,
            dataset_date=self.roster.snapshot_date,
            congress=seated.congress,
        )
        return result


def lookup_from_config(config: Mapping[str, Any]) -> CivicLookup:
    from webapp.civic.census import census_from_config
    from webapp.civic.openstates import openstates_from_config

    def geocoder_for(congress: int) -> tuple[Geocoder, str] | None:
        census = census_from_config(config, congress)
        return None if census is None else (census, census.vintage)

    redistricted = str(config["CIVIC_REDISTRICTED_STATES"]).replace(" ", "")
    return CivicLookup(
        geocoder_for=geocoder_for,
        state_legislators=openstates_from_config(config),
        cache_ttl=int(config["CIVIC_CACHE_TTL_SECONDS"]),
        state_cache_ttl=int(config["OPENSTATES_CACHE_TTL_SECONDS"]),
        budget_seconds=float(config["CIVIC_LOOKUP_BUDGET_SECONDS"]),
        fallback_ttl=int(config["CIVIC_FALLBACK_TTL_SECONDS"]),
        breaker=CircuitBreaker(
            int(config["CIVIC_BREAKER_FAILURES"]), float(config["CIVIC_BREAKER_COOLDOWN_SECONDS"])
        ),
        pinned_congress=int(config["CIVIC_CONGRESS"]) or None,
        redistricted=frozenset(redistricted.upper().split(",")) if redistricted else None,
    )
