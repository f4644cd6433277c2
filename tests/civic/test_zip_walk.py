"""Every ZIP in the real table gives members, an explicit ambiguity or a vacancy: never an error."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.civic.data import (
    TERRITORY_ZIPS,
    VACANT_SEATS,
    load_civic_data,
    roster_seats,
    zip_table,
)
from webapp.civic.lookup import NOTE_NO_SENATORS, AddressQuery, CivicLookup
from webapp.civic.states import has_senators
from webapp.civic.types import LookupResult, MatchKind
from webapp.database import db, utcnow

CONGRESS = ("us_senate", "us_house")
# Generous for CI machines; locally the walk takes a few seconds per backend.
WALK_BUDGET_SECONDS = 45.0


@dataclass
class Reach:
    """What a set of lookups reached: House seats with members, senators, empty seats."""

    house: set[tuple[str, int]] = field(default_factory=set)
    senators: set[str] = field(default_factory=set)
    vacant: set[tuple[str, int]] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)

    def add(self, result: LookupResult) -> None:
        people = [*result.representatives]
        for choice in result.candidates:
            people.extend(choice.representatives)
            if not choice.representatives:
                self.vacant.add((choice.state, choice.district))
        for rep in people:
            if rep.chamber == "us_house":
                self.house.add((rep.state, int(rep.district or 0)))
            elif rep.chamber == "us_senate" and rep.bioguide:
                self.senators.add(rep.bioguide)
        for vacancy in result.vacancies:
            if vacancy.chamber != "us_house" or vacancy.district is None:
                self.problems.append(f"unexpected vacancy {vacancy}")
            else:
                self.vacant.add((vacancy.state, int(vacancy.district)))


def _lookup(app: Flask) -> CivicLookup:
    lookup: CivicLookup = app.extensions["civic_lookup"]
    return lookup


def _problem(zip_code: str, state: str, result: LookupResult) -> str | None:
    """Why this ZIP-only answer breaks the promise, or None when it keeps it."""
    districts = sorted({d for s, d in zip_table()[zip_code] if s == state})
    house = [r for r in result.representatives if r.chamber == "us_house"]
    senate = [r for r in result.representatives if r.chamber == "us_senate"]
    if not (result.representatives or result.candidates or result.vacancies):
        return f"empty answer, notes {result.notes}"
    if len(senate) != (2 if has_senators(state) else 0):
        return f"{len(senate)} senators"
    if len(districts) == 1:
        seat_vacant = any(v.chamber == "us_house" for v in result.vacancies)
        provenance = result.provenance
        if provenance is None or provenance.match is not MatchKind.ZIP:
            return f"single district but provenance {provenance}"
        if len(house) != 1 and not seat_vacant:
            return f"single district {districts[0]} but House {house}"
        if result.needs_street:
            return "single district asks for the street"
        return None
    if not result.needs_street or not result.notes:
        return f"split ZIP without needs_street and a note: {result.notes}"
    if [c.district for c in result.candidates] != districts:
        return f"candidates {[c.district for c in result.candidates]} != {districts}"
    if house:
        return f"split ZIP named a representative {house}"
    return None


def _walk(app: Flask, session: Session) -> Reach:
    lookup, reach, now = _lookup(app), Reach(), utcnow()
    for zip_code, pairs in zip_table().items():
        state = pairs[0][0]
        query = AddressQuery(zip_code=zip_code, state=state)
        try:
            result = lookup.lookup(session, query, CONGRESS, now)
        except Exception as exc:  # the promise is "never an error": collect, do not stop
            reach.problems.append(f"{zip_code} {state}: raised {exc!r}")
            continue
        problem = _problem(zip_code, state, result)
        if problem:
            reach.problems.append(f"{zip_code} {state}: {problem}")
        reach.add(result)
    return reach


@pytest.fixture
def loaded(app: Flask) -> Flask:
    load_civic_data(app)
    return app


def test_every_zip_in_the_table_gives_members_an_ambiguity_or_a_vacancy_quickly(
    loaded: Flask,
) -> None:
    with loaded.app_context():
        session = db.session()
        _lookup(loaded).lookup(session, AddressQuery("48126", "MI"), CONGRESS, utcnow())  # warm
        started = time.perf_counter()
        reach = _walk(loaded, session)
        elapsed = time.perf_counter() - started

    assert len(zip_table()) == 33_774
    assert reach.problems == [], f"{len(reach.problems)} ZIPs broke it: {reach.problems[:20]}"
    assert elapsed < WALK_BUDGET_SECONDS, f"walking 33,774 ZIPs took {elapsed:.1f}s"
    assert reach.vacant == VACANT_SEATS


def test_every_member_of_congress_is_reachable_from_some_zip(loaded: Flask) -> None:
    with loaded.app_context():
        session = db.session()
        reach = _walk(loaded, session)
        now = utcnow()
        for state, zip_code in TERRITORY_ZIPS.items():
            reach.add(_lookup(loaded).lookup(session, AddressQuery(zip_code, state), CONGRESS, now))

    seats = roster_seats()
    house = {(s, d) for (chamber, s, d) in seats if chamber == "us_house" and d is not None}
    senate = {b for (chamber, _, _), ids in seats.items() if chamber == "us_senate" for b in ids}
    non_voting = {seat for seat in house if not has_senators(seat[0])}
    assert (len(house) - len(non_voting), len(non_voting), len(senate)) == (431, 6, 100)
    assert sorted(house - reach.house) == []
    assert sorted(reach.house - house) == []
    assert sorted(senate - reach.senators) == []
    assert reach.vacant == VACANT_SEATS


@pytest.mark.parametrize(("state", "zip_code"), sorted(TERRITORY_ZIPS.items()))
def test_territory_outside_the_zip_table_gets_its_non_voting_delegate_and_no_senators(
    loaded: Flask, state: str, zip_code: str
) -> None:
    assert zip_code not in zip_table()
    with loaded.app_context():
        result = _lookup(loaded).lookup(
            db.session(), AddressQuery(zip_code, state), CONGRESS, utcnow()
        )

    (delegate,) = result.representatives
    assert delegate.chamber == "us_house" and delegate.state == state
    assert delegate.district == "0" and delegate.non_voting
    assert delegate.title == "Delegate"
    assert (delegate.bioguide,) == roster_seats()[("us_house", state, 0)]
    assert result.vacancies == [] and result.candidates == [] and not result.needs_street
    assert result.provenance is not None and result.provenance.match is MatchKind.ZIP


# USPS ranges of the territories the ZIP table lacks (independent of webapp's own table).
TERRITORY_RANGES = {
    "VI": (801, 851),
    "AS": (96799, 96799),
    "GU": (96910, 96932),
    "MP": (96950, 96952),
}


@pytest.mark.parametrize(("state", "zip_code"), sorted(TERRITORY_ZIPS.items()))
def test_territory_zip_alone_gets_its_delegate_without_asking_for_a_street(
    loaded: Flask, state: str, zip_code: str
) -> None:
    with loaded.app_context():
        result = _lookup(loaded).lookup(db.session(), AddressQuery(zip_code), CONGRESS, utcnow())
        no_senators = str(NOTE_NO_SENATORS)

    (delegate,) = result.representatives
    assert (delegate.state, delegate.district, delegate.non_voting) == (state, "0", True)
    assert (delegate.bioguide,) == roster_seats()[("us_house", state, 0)]
    # The only note says why no senator is listed (a territory has none).
    assert not result.needs_street and result.notes == [no_senators] and result.candidates == []
    assert result.provenance is not None and result.provenance.match is MatchKind.ZIP


def test_every_zip_of_the_territories_outside_the_table_names_its_delegate(loaded: Flask) -> None:
    reached: dict[str, set[str]] = {}
    with loaded.app_context():
        session, now = db.session(), utcnow()
        for state, (first, last) in TERRITORY_RANGES.items():
            for number in range(first, last + 1):
                result = _lookup(loaded).lookup(
                    session, AddressQuery(f"{number:05d}"), CONGRESS, now
                )
                reached.setdefault(state, set()).update(
                    r.bioguide or "" for r in result.representatives if not result.needs_street
                )

    assert reached == {s: set(roster_seats()[("us_house", s, 0)]) for s in TERRITORY_RANGES}


def test_a_made_up_zip_in_a_states_range_still_names_nobody(loaded: Flask) -> None:
    assert "99999" not in zip_table()
    with loaded.app_context():
        result = _lookup(loaded).lookup(db.session(), AddressQuery("99999"), CONGRESS, utcnow())

    assert result.needs_street and result.representatives == []
