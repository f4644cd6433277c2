"""CivicLookup with a stub Census geocoder and the real roster and ZIP table, on both backends."""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from flask import Flask

from tests.civic.data import house_member as member
from tests.civic.data import (
    load_civic_data,
    load_zips,
    senators,
    single_district_zip,
    split_zip,
    zip_table,
)
from tests.civic.geocoder import (
    ADDRESS,
    DEARBORN,
    ONE_LINE,
    census_fixture,
    stub_settings,
    upstream_hangs,
)
from tests.stubs import StubServer, json_reply
from webapp.civic import lookup as notes
from webapp.civic import zip_fallback
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.civic.types import LookupResult, MatchKind
from webapp.database import db, utcnow

CONGRESS = ("us_senate", "us_house")
DEARBORN_STREET = AddressQuery("48126", "MI", street="16901 Michigan Ave", city="Dearborn")


@pytest.fixture
def census() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.fixture
def app_config(
    app_config: dict[str, Any], census: StubServer, request: pytest.FixtureRequest
) -> dict[str, Any]:
    return {**app_config, **stub_settings(census, upstream_hangs(request))}


@pytest.fixture
def loaded(app: Flask) -> Flask:
    load_civic_data(app)
    return app


def find(
    app: Flask,
    query: AddressQuery,
    chambers: Collection[str] = CONGRESS,
    now: datetime | None = None,
) -> LookupResult:
    with app.app_context():
        lookup: CivicLookup = app.extensions["civic_lookup"]
        return lookup.lookup(db.session(), query, chambers, now or utcnow())


def note(app: Flask, text: Any) -> str:
    with app.app_context():
        return str(text)


def ids(result: LookupResult, chamber: str) -> list[str]:
    return sorted(r.bioguide or "" for r in result.representatives if r.chamber == chamber)


def test_street_address_is_geocoded_to_its_district_members_and_provenance(
    loaded: Flask, census: StubServer
) -> None:
    census.reply_json(ADDRESS, census_fixture(DEARBORN))

    result = find(loaded, DEARBORN_STREET)

    assert ids(result, "us_house") == [member("MI", 12)]
    assert ids(result, "us_senate") == list(senators("MI"))
    assert result.notes == [] and not result.needs_street and result.candidates == []
    assert result.location is not None and result.location.latitude is not None
    provenance = result.provenance
    assert provenance is not None
    assert (provenance.provider, provenance.match) == ("census", MatchKind.EXACT)
    assert provenance.districts == {"state": "MI", "cd": 12, "sldu": "3", "sldl": "4"}
    assert (provenance.dataset_date, provenance.congress) == ("2026-06-15", 119)
    sent = census.last(ADDRESS).params
    assert (sent["street"], sent["zip"], sent["vintage"]) == (
        "16901 Michigan Ave",
        "48126",
        "ACS2025_Current",
    )


def test_same_address_twice_even_spaced_and_cased_differently_asks_the_geocoder_once(
    loaded: Flask, census: StubServer
) -> None:
    census.reply_json(ADDRESS, census_fixture(DEARBORN))

    first = find(loaded, DEARBORN_STREET)
    second = find(loaded, DEARBORN_STREET)
    third = find(
        loaded, AddressQuery("48126", "mi", street=" 16901  MICHIGAN Ave. ", city="DEARBORN")
    )

    assert census.count(ADDRESS) == 1
    assert first.representatives == second.representatives == third.representatives
    assert third.provenance is not None and third.provenance.match is MatchKind.EXACT


def test_a_stub_answering_late_as_on_a_loaded_machine_is_still_an_answer(
    loaded: Flask, census: StubServer
) -> None:
    # A busy machine can keep the stub's thread from answering for a while; only a test marked
    # upstream_hangs is given timeouts short enough to take that for an outage.
    census.reply_slowly(ADDRESS, 0.6, json_reply(census_fixture(DEARBORN)))

    result = find(loaded, DEARBORN_STREET)

    assert not result.geocoder_failed
    assert result.provenance is not None and result.provenance.match is MatchKind.EXACT


@pytest.mark.parametrize(
    "outage",
    [
        pytest.param("timeout", marks=pytest.mark.upstream_hangs),
        "http-500",
        "http-503",
        "malformed-json",
        "layer-error",
    ],
)
def test_geocoder_outage_falls_back_to_the_zip_table_with_a_note(
    loaded: Flask, census: StubServer, outage: str
) -> None:
    if outage == "timeout":
        census.reply_slowly(ADDRESS, 5.0)
    elif outage.startswith("http-"):
        census.reply(ADDRESS, int(outage[5:]), b"<html>upstream trouble</html>")
    elif outage == "malformed-json":
        census.reply_malformed_json(ADDRESS)
    else:
        census.reply_json(ADDRESS, census_fixture("address-congress-layer-error.json"))
    zip_code = single_district_zip("MI", 12)

    started = time.perf_counter()
    result = find(loaded, AddressQuery(zip_code, "MI", street="1 Main St", city="Southfield"))
    elapsed = time.perf_counter() - started

    assert census.received(ADDRESS) >= 1
    assert elapsed < 3.0, f"the fallback took {elapsed:.1f}s"
    assert result.geocoder_failed
    assert result.notes == [note(loaded, notes.NOTE_BY_ZIP)]
    assert ids(result, "us_house") == [member("MI", 12)]
    assert ids(result, "us_senate") == list(senators("MI"))
    assert result.provenance is not None
    assert (result.provenance.provider, result.provenance.match) == ("zip-table", MatchKind.ZIP)


def test_a_failed_geocoder_answer_is_remembered_only_briefly(
    loaded: Flask, census: StubServer
) -> None:
    census.reply(ADDRESS, 503)
    now = utcnow()
    assert find(loaded, DEARBORN_STREET, now=now).geocoder_failed
    asked = census.count(ADDRESS)
    census.reply_json(ADDRESS, census_fixture(DEARBORN))

    # The letter's next steps reuse the ZIP answer instead of waiting on the geocoder again.
    soon = find(loaded, DEARBORN_STREET, now=now + timedelta(seconds=60))
    ttl = loaded.config["CIVIC_FALLBACK_TTL_SECONDS"]
    later = find(loaded, DEARBORN_STREET, now=now + timedelta(seconds=ttl + 1))

    # Answered by the ZIP table: 48126's two districts to choose from (no 'matched by ZIP').
    assert soon.geocoder_failed and [c.district for c in soon.candidates] == [12, 13]
    assert census.count(ADDRESS) == asked + 1
    assert not later.geocoder_failed
    assert later.provenance is not None and later.provenance.match is MatchKind.EXACT


def test_maps_for_the_next_congress_fall_back_to_the_zip_table(
    loaded: Flask, census: StubServer
) -> None:
    census.reply_json(ONE_LINE, census_fixture("onelineaddress-tx-120th-maps.json"))
    assert zip_table()["78701"] == (("TX", 37),)

    result = find(loaded, AddressQuery("78701", line="1100 Congress Ave, Austin, TX 78701"))

    assert census.count(ONE_LINE) == 1
    assert result.geocoder_failed and note(loaded, notes.NOTE_BY_ZIP) in result.notes
    assert ids(result, "us_house") == [member("TX", 37)]  # not TX-10 from the 120th map
    assert result.provenance is not None and result.provenance.congress == 119
    assert result.provenance.match is MatchKind.ZIP


def test_address_not_found_uses_an_unambiguous_zip_with_a_note(
    loaded: Flask, census: StubServer
) -> None:
    census.reply_json(ADDRESS, census_fixture("address-no-match.json"))
    zip_code = single_district_zip("MI", 12)

    result = find(loaded, AddressQuery(zip_code, "MI", street="999 Nowhere Rd", city="Southfield"))

    assert result.address_not_found and not result.geocoder_failed
    assert result.notes == [note(loaded, notes.NOTE_ADDRESS_NOT_FOUND)]
    assert ids(result, "us_house") == [member("MI", 12)]
    assert result.provenance is not None and result.provenance.match is MatchKind.ZIP


def test_address_not_found_with_an_unknown_zip_says_the_zip_was_not_used(
    loaded: Flask, census: StubServer
) -> None:
    """The street not found and the ZIP in no table: "meanwhile we used your ZIP code" stood
    above "we do not know the ZIP code you entered", the one saying the opposite of the other."""
    census.reply_json(ADDRESS, census_fixture("address-no-match.json"))

    result = find(loaded, AddressQuery("99999", "MI", street="100 Main St", city="Dearborn"))

    assert result.address_not_found and not result.needs_street
    assert result.notes == [
        note(loaded, notes.NOTE_ADDRESS_NOT_FOUND_ALONE),
        note(loaded, zip_fallback.NOTE_ZIP_UNKNOWN_STATE_ONLY),
    ]
    assert ids(result, "us_senate") == list(senators("MI")) and ids(result, "us_house") == []


def test_address_not_found_in_a_split_zip_offers_its_districts(
    loaded: Flask, census: StubServer
) -> None:
    census.reply_json(ADDRESS, census_fixture("address-no-match.json"))

    result = find(loaded, AddressQuery("48126", "MI", street="999 Nowhere Rd", city="Dearborn"))

    assert result.address_not_found and result.needs_street
    assert note(loaded, notes.NOTE_ADDRESS_NOT_FOUND) in result.notes
    assert [c.district for c in result.candidates] == [12, 13]
    assert ids(result, "us_house") == []


def test_split_zip_without_a_street_asks_for_it_and_lists_each_districts_member(
    loaded: Flask, census: StubServer
) -> None:
    zip_code, districts = split_zip("MI")

    result = find(loaded, AddressQuery(zip_code, "MI"))

    assert census.count() == 0
    assert result.needs_street and result.notes == [note(loaded, zip_fallback.NOTE_SPLIT_ZIP)]
    assert [(c.state, c.district) for c in result.candidates] == [("MI", d) for d in districts]
    for choice in result.candidates:
        assert [r.bioguide for r in choice.representatives] == [member("MI", choice.district)]
    assert ids(result, "us_house") == [] and ids(result, "us_senate") == list(senators("MI"))
    assert result.provenance is not None and result.provenance.match is MatchKind.STATE
    assert result.provenance.districts["zip_candidates"] == list(districts)


def test_geocoder_outage_in_a_split_zip_offers_candidates_and_honours_a_chosen_district(
    loaded: Flask, census: StubServer
) -> None:
    census.reply(ADDRESS, 503)

    offered = find(loaded, DEARBORN_STREET)
    assert offered.needs_street and offered.geocoder_failed
    assert [c.district for c in offered.candidates] == [12, 13]
    assert note(loaded, notes.NOTE_BY_ZIP) not in offered.notes  # the district is still asked

    not_offered = find(loaded, AddressQuery("48126", "MI", street="1 Main St", chosen_district=5))
    assert not_offered.needs_street and ids(not_offered, "us_house") == []

    chosen = find(loaded, AddressQuery("48126", "MI", street="1 Main St", chosen_district=13))
    assert not chosen.needs_street and chosen.candidates == []
    assert ids(chosen, "us_house") == [member("MI", 13)]
    assert chosen.notes == [note(loaded, notes.NOTE_BY_ZIP)]
    assert chosen.provenance is not None
    assert (chosen.provenance.match, chosen.provenance.districts["cd"]) == (MatchKind.CHOSEN, 13)


def test_at_large_state_gets_district_zero_by_address_and_by_zip(
    loaded: Flask, census: StubServer
) -> None:
    census.reply_json(ONE_LINE, census_fixture("onelineaddress-wy-at-large.json"))

    by_address = find(loaded, AddressQuery("82001", line="200 W 24th St, Cheyenne, WY 82001"))
    by_zip = find(loaded, AddressQuery("82001", "WY"))

    for result, match in ((by_address, MatchKind.EXACT), (by_zip, MatchKind.ZIP)):
        assert ids(result, "us_house") == [member("WY", 0)]
        assert ids(result, "us_senate") == list(senators("WY"))
        assert result.location is not None and result.location.district == 0
        assert result.provenance is not None and result.provenance.match is match
        assert result.provenance.districts["cd"] == 0


def test_dc_gets_its_non_voting_delegate_and_no_senators(loaded: Flask, census: StubServer) -> None:
    census.reply_json(ADDRESS, census_fixture("address-dc-delegate.json"))

    result = find(
        loaded, AddressQuery("20500", "DC", street="1600 Pennsylvania Ave NW", city="Washington")
    )

    (delegate,) = result.representatives
    assert delegate.bioguide == member("DC", 0) and delegate.non_voting
    assert (delegate.title, delegate.district) == ("Delegate", "0")
    # No senator is offered, and the page says why (not a vacancy: DC has no seats).
    assert result.vacancies == [] and result.notes == [note(loaded, notes.NOTE_NO_SENATORS)]
    assert result.provenance is not None
    assert result.provenance.districts == {"state": "DC", "cd": 0}


def test_without_a_roster_there_is_only_a_note_and_no_question(
    app: Flask, census: StubServer
) -> None:
    load_zips(app)

    for query in (AddressQuery("48126", "MI"), DEARBORN_STREET):
        result = find(app, query)
        assert result.notes == [note(app, notes.NOTE_NO_ROSTER)]
        assert not result.needs_street and result.candidates == []
        assert result.representatives == [] and result.vacancies == []
    assert census.count() == 0


def test_unknown_zip_without_a_street_asks_for_it_with_a_note(
    loaded: Flask, census: StubServer
) -> None:
    assert "99999" not in zip_table()
    expected = [note(loaded, zip_fallback.NOTE_UNKNOWN_ZIP)]

    for query in (AddressQuery("99999", "MI"), AddressQuery("99999")):
        result = find(loaded, query)
        assert result.needs_street, query
        assert result.notes == expected, query
        assert ids(result, "us_house") == []


def test_unknown_zip_with_a_street_the_geocoder_cannot_place_still_reaches_the_senators(
    loaded: Flask, census: StubServer
) -> None:
    census.reply(ADDRESS, 503)

    result = find(loaded, AddressQuery("99999", "MI", street="1 Main St", city="Detroit"))

    assert not result.needs_street
    # Said as the ZIP it is: a typo the supporter can mend to reach their representative, and
    # that alone: "we matched you to your officials by ZIP code" beside it said the opposite.
    assert result.notes == [note(loaded, zip_fallback.NOTE_ZIP_UNKNOWN_STATE_ONLY)]
    assert ids(result, "us_senate") == list(senators("MI")) and ids(result, "us_house") == []
    assert result.provenance is not None and result.provenance.match is MatchKind.STATE
