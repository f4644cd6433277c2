"""Erasing a supporter removes the geocoder answers cached for their address, and only those."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.civic.data import load_civic_data
from tests.civic.geocoder import ADDRESS, DEARBORN, census_fixture, stub_settings
from tests.stubs import StubServer
from tests.supporter.helpers import post_letter
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.database import db, utcnow
from webapp.models import LookupCache

ERASED = {"email": "erase-cache@example.org", "street": "12 Erase Way", "city": "Dearborn"}
KEPT = {"email": "keep-cache@example.org", "street": "34 Keep Court", "city": "Dearborn"}


@pytest.fixture
def census() -> Iterator[StubServer]:
    with StubServer() as server:
        server.reply_json(ADDRESS, census_fixture(DEARBORN))
        yield server


@pytest.fixture
def app_config(app_config: dict[str, Any], census: StubServer) -> dict[str, Any]:
    return {**app_config, **stub_settings(census)}


def _geocoder_rows(app: Flask) -> int:
    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(LookupCache.kind.startswith("census:"))
        )
        return int(count or 0)


def _look_up(app: Flask, person: dict[str, str]) -> None:
    query = AddressQuery("48126", "MI", street=person["street"], city=person["city"])
    with app.app_context():
        lookup: CivicLookup = app.extensions["civic_lookup"]
        lookup.lookup(db.session(), query, ("us_senate", "us_house"), utcnow())


def test_erasing_a_supporter_removes_their_cached_geocoder_answer(
    app: Flask, client: FlaskClient, default_campaign: str, census: StubServer
) -> None:
    load_civic_data(app)
    for person in (ERASED, KEPT):
        assert post_letter(app.test_client(), default_campaign, **person).status_code == 303
    asked = census.count(ADDRESS)
    assert asked == 2 and _geocoder_rows(app) == 2

    result = app.test_cli_runner().invoke(args=["supporters", "erase", ERASED["email"], "--yes"])

    assert result.exit_code == 0, result.output
    assert _geocoder_rows(app) == 1
    _look_up(app, KEPT)  # still cached: no new request
    assert census.count(ADDRESS) == asked
    _look_up(app, ERASED)  # forgotten: asked again
    assert census.count(ADDRESS) == asked + 1
