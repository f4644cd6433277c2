"""State legislators in a lookup: a note without a key, Open States through a stub with one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tests.civic.data import house_member, load_civic_data, senators
from tests.civic.geocoder import (
    ADDRESS,
    DEARBORN,
    PEOPLE_GEO,
    census_fixture,
    openstates_sample,
    seattle_address_answer,
    stub_settings,
)
from tests.stubs import StubServer
from webapp import create_app
from webapp.civic import state_people as notes
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.civic.types import LookupResult
from webapp.database import db, utcnow

ALL_CHAMBERS = ("us_senate", "us_house", "state_upper", "state_lower")
SEATTLE = AddressQuery("98122", "WA", street="1000 E Madison St", city="Seattle")


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.fixture
def app_config(app_config: dict[str, Any], stub: StubServer) -> dict[str, Any]:
    return {**app_config, **stub_settings(stub)}


@pytest.fixture
def keyed_app(app: Flask, app_config: dict[str, Any], stub: StubServer) -> Iterator[Flask]:
    """The app with an Open States key, its Open States URL on the stub, data loaded."""
    load_civic_data(app)
    settings = {**app_config, "OPENSTATES_API_KEY": "test-key", "OPENSTATES_URL": stub.url}
    keyed = create_app(settings)
    yield keyed
    with keyed.app_context():
        db.session.remove()
        db.engine.dispose()


def find(app: Flask, query: AddressQuery) -> LookupResult:
    with app.app_context():
        lookup: CivicLookup = app.extensions["civic_lookup"]
        return lookup.lookup(db.session(), query, ALL_CHAMBERS, utcnow())


def note(app: Flask, text: Any) -> str:
    with app.app_context():
        return str(text)


def people(result: LookupResult, chamber: str) -> list[str]:
    return sorted(r.name for r in result.representatives if r.chamber == chamber)


def test_state_chambers_without_an_api_key_give_a_note_and_congress_still_answers(
    app: Flask, stub: StubServer
) -> None:
    load_civic_data(app)
    stub.reply_json(ADDRESS, census_fixture(DEARBORN))

    result = find(app, AddressQuery("48126", "MI", street="16901 Michigan Ave", city="Dearborn"))

    assert result.notes == [note(app, notes.NOTE_STATE_UNAVAILABLE)]
    assert people(result, "state_upper") == [] and people(result, "state_lower") == []
    house = [r.bioguide for r in result.representatives if r.chamber == "us_house"]
    assert house == [house_member("MI", 12)]
    assert stub.count(PEOPLE_GEO) == 0


def test_exact_match_with_a_key_adds_the_state_legislators_for_the_point(
    keyed_app: Flask, stub: StubServer
) -> None:
    stub.reply_json(ADDRESS, seattle_address_answer())
    stub.reply_json(PEOPLE_GEO, openstates_sample("seattle-wa-2026.json"))

    result = find(keyed_app, SEATTLE)
    again = find(keyed_app, SEATTLE)

    assert result.notes == []
    assert people(result, "state_upper") == ["Rebecca Saldaña"]
    assert people(result, "state_lower") == ["Chipalo Street", "Sharon Tomiko Santos"]
    congress = sorted(r.bioguide or "" for r in result.representatives if r.bioguide)
    assert congress == sorted([house_member("WA", 9), *senators("WA")])
    assert result.provenance is not None
    assert result.provenance.districts == {"state": "WA", "cd": 9, "sldu": "37", "sldl": "37"}
    request = stub.last(PEOPLE_GEO)
    assert request.header("X-API-KEY") == "test-key"
    assert (request.params["lat"], request.params["lng"]) == ("47.610500", "-122.311500")
    assert again.representatives == result.representatives
    assert (stub.count(ADDRESS), stub.count(PEOPLE_GEO)) == (1, 1)


def test_state_legislators_need_an_exact_address_match(keyed_app: Flask, stub: StubServer) -> None:
    result = find(keyed_app, AddressQuery("82001", "WY"))

    assert result.notes == [note(keyed_app, notes.NOTE_STATE_NEEDS_ADDRESS)]
    assert [r.bioguide for r in result.representatives if r.chamber == "us_house"] == [
        house_member("WY", 0)
    ]
    assert stub.count() == 0


def test_open_states_rate_limit_gives_a_note_and_congress_members_are_still_returned(
    keyed_app: Flask, stub: StubServer
) -> None:
    stub.reply_json(ADDRESS, seattle_address_answer())
    stub.reply_json(PEOPLE_GEO, {"detail": "rate limit exceeded"}, status=429)

    result = find(keyed_app, SEATTLE)

    assert stub.count(PEOPLE_GEO) == 1
    assert result.notes == [note(keyed_app, notes.NOTE_STATE_UNAVAILABLE)]
    assert people(result, "state_upper") == [] and people(result, "state_lower") == []
    congress = sorted(r.bioguide or "" for r in result.representatives)
    assert congress == sorted([house_member("WA", 9), *senators("WA")])
