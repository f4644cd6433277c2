"""The 119th -> 120th changeover: members, maps and ZIP table switch together, by themselves."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.civic.data import load_civic_data, roster_seats, single_district_zip, zip_table
from tests.civic.geocoder import ADDRESS, stub_settings
from tests.civic.roster120 import (
    JAN_2,
    JAN_4,
    OREGON_DROPPED,
    REPLACED,
    census_stub,
    seats_120,
    sync_roster_120,
)
from tests.stubs import StubServer
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.civic.types import LookupResult, MatchKind
from webapp.database import db

CONGRESS = ("us_senate", "us_house")
DEARBORN = AddressQuery("48126", "MI", street="16901 Michigan Ave", city="Dearborn")
# Every n-th ZIP of the table is walked on each day (the whole walk is test_zip_walk's job).
WALK_STEP = 7


@pytest.fixture
def census() -> Iterator[StubServer]:
    with census_stub() as server:
        yield server


@pytest.fixture
def app_config(app_config: dict[str, Any], census: StubServer) -> dict[str, Any]:
    return {**app_config, **stub_settings(census)}


@pytest.fixture
def loaded(app: Flask) -> Flask:
    load_civic_data(app)
    return app


def find(app: Flask, query: AddressQuery, now: datetime) -> LookupResult:
    with app.app_context():
        lookup: CivicLookup = app.extensions["civic_lookup"]
        return lookup.lookup(db.session(), query, CONGRESS, now)


def _named(result: LookupResult) -> set[tuple[str, str, int | None, str]]:
    people = [*result.representatives]
    for choice in result.candidates:
        people.extend(choice.representatives)
    return {
        (
            rep.chamber,
            rep.state,
            None if rep.chamber == "us_senate" else int(rep.district or 0),
            rep.bioguide or "",
        )
        for rep in people
    }


def _walk(app: Flask, now: datetime, seats: dict[Any, tuple[str, ...]]) -> tuple[int, list[str]]:
    """Look up every WALK_STEP-th ZIP; each named member must hold that seat in `seats`."""
    wrong: list[str] = []
    house = 0
    for zip_code in sorted(zip_table())[::WALK_STEP]:
        result = find(app, AddressQuery(zip_code), now)
        for chamber, state, district, bioguide in _named(result):
            if bioguide not in seats.get((chamber, state, district), ()):
                wrong.append(f"{zip_code}: {bioguide} for {chamber} {state} {district}")
            house += chamber == "us_house"
    return house, wrong


def test_on_2_january_every_lookup_names_119th_members(loaded: Flask, census: StubServer) -> None:
    house, wrong = _walk(loaded, JAN_2, roster_seats())
    result = find(loaded, DEARBORN, JAN_2)

    assert wrong == []
    assert house > 3000  # the walk reached members, not only refusals
    assert result.provenance is not None and result.provenance.match is MatchKind.EXACT
    assert ("us_house", "MI", 12, "T000481") in _named(result)
    assert result.provenance.congress == 119
    assert census.last(ADDRESS).params["vintage"] == "ACS2025_Current"


def test_on_4_january_with_the_120th_roster_every_lookup_names_120th_members(
    loaded: Flask, census: StubServer, tmp_path: Path
) -> None:
    sync_roster_120(loaded, tmp_path)

    house, wrong = _walk(loaded, JAN_4, seats_120())
    street = find(loaded, DEARBORN, JAN_4)
    by_zip = find(loaded, AddressQuery(single_district_zip("MI", 12)), JAN_4)

    assert wrong == []
    assert house > 2000
    departed = {*REPLACED, OREGON_DROPPED}
    for result in (street, by_zip):
        named = _named(result)
        assert ("us_house", "MI", 12, REPLACED["T000481"]) in named
        assert ("us_senate", "MI", None, REPLACED["P000595"]) in named
        assert not {bioguide for *_, bioguide in named} & departed
        assert result.provenance is not None and result.provenance.congress == 120
    assert census.last(ADDRESS).params["vintage"] == "Current_Current"
    assert census.last(ADDRESS).params["layers"].startswith("120th Congressional Districts")


@pytest.mark.parametrize(
    ("state", "district"),
    [("TX", 10), ("OR", 4)],  # TX: on the shipped list; OR: its roster has fewer districts
)
def test_a_zip_only_match_in_a_redrawn_state_asks_for_the_street(
    loaded: Flask, tmp_path: Path, state: str, district: int
) -> None:
    zip_code = single_district_zip(state, district)
    before = find(loaded, AddressQuery(zip_code), JAN_2)
    sync_roster_120(loaded, tmp_path)

    after = find(loaded, AddressQuery(zip_code), JAN_4)
    # The geocoder cannot answer for this street: the letter goes to the senators only.
    with_street = find(loaded, AddressQuery(zip_code, state, street="1 Main St"), JAN_4)

    assert before.representatives and any(r.chamber == "us_house" for r in before.representatives)
    assert after.needs_street
    assert not any(r.chamber == "us_house" for r in after.representatives)
    assert after.candidates == []
    assert not with_street.needs_street
    assert {r.chamber for r in with_street.representatives} == {"us_senate"}
    assert with_street.provenance is not None
    assert "districts being updated" in with_street.provenance.districts["withheld"]
    assert any("being updated" in note for note in with_street.notes)


def test_before_the_120th_roster_arrives_no_house_member_is_named(loaded: Flask) -> None:
    """On 4 January with the 119th roster still loaded: senators whose term ran on, no House."""
    zip_code = single_district_zip("MI", 12)

    result = find(loaded, AddressQuery(zip_code), JAN_4)

    named = _named(result)
    assert named == {("us_senate", "MI", None, "S001208")}  # Peters' term ended on 3 January
    assert result.vacancies == []
    assert result.provenance is not None
    assert "roster is for the 119th Congress" in result.provenance.districts["withheld"]


def test_a_120th_roster_synced_early_names_no_member_before_the_day(
    loaded: Flask, tmp_path: Path
) -> None:
    sync_roster_120(loaded, tmp_path)

    result = find(loaded, AddressQuery(single_district_zip("MI", 12)), JAN_2)

    assert not any(r.chamber == "us_house" for r in result.representatives)
    # Members-elect are not seated yet: the continuing senator only.
    assert _named(result) == {("us_senate", "MI", None, "S001208")}


def test_status_shows_each_dataset_congress_and_the_previous_roster(
    loaded: Flask, tmp_path: Path
) -> None:
    sync_roster_120(loaded, tmp_path)

    output = loaded.test_cli_runner().invoke(args=["civic", "status"]).output

    assert output.startswith("seated: the ")
    roster, zips = output.split("zip-districts:")
    assert "describes: the 120th Congress" in roster
    assert "previous Congress: the 119th, snapshot 2026-06-15" in roster
    assert "describes: the 119th Congress" in zips
