"""While the Census geocoder or Open States answers a lookup, no database transaction is open."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.civic.data import load_civic_data
from tests.civic.geocoder import (
    ADDRESS,
    DEARBORN,
    ONE_LINE,
    PEOPLE_GEO,
    census_fixture,
    openstates_sample,
    seattle_address_answer,
    stub_settings,
)
from tests.held_open import NetworkWatch, held_elsewhere, network_watch
from tests.stubs import StubRequest, StubServer, json_reply
from tests.supporter.helpers import post_letter
from webapp import create_app
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.database import db, utcnow
from webapp.models import Submission

__all__ = ["network_watch"]


@pytest.fixture
def stub() -> Iterator[StubServer]:
    with StubServer() as server:
        yield server


@pytest.fixture
def app_config(app_config: dict[str, Any], stub: StubServer) -> dict[str, Any]:
    return {**app_config, **stub_settings(stub)}


def test_the_letter_form_holds_nothing_open_while_the_geocoder_answers(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    stub: StubServer,
    network_watch: NetworkWatch,
) -> None:
    """The geocoder may take the lookup's whole budget (seconds): a request's read kept open
    across it holds SQLite's WAL back, so an erasure's checkpoint waits busy_timeout, and on
    PostgreSQL it sits idle in transaction with a pooled connection."""
    load_civic_data(app)
    seen: list[int] = []

    def geocode(_request: StubRequest) -> Any:
        seen.append(held_elsewhere(app))
        return json_reply(census_fixture(DEARBORN))

    stub.route(ADDRESS, geocode)
    stub.route(ONE_LINE, geocode)
    preview = post_letter(client, default_campaign, "preview", street="16901 Michigan Ave")
    assert preview.status_code == 200, preview.text
    sent = post_letter(client, default_campaign, street="16903 Michigan Ave")  # not cached
    assert sent.status_code == 303, sent.text
    address = "16901 Michigan Ave, Dearborn, MI 48126"
    answer = client.get("/api/representatives", query_string={"address": address})
    assert answer.get_json()["match"] == "exact", answer.text

    assert seen == [0, 0, 0]
    assert network_watch.calls and not network_watch.held, network_watch.report()
    with app.app_context():
        assert db.session.query(Submission).one().lookup_provider == "census"


def test_no_transaction_is_open_while_open_states_answers(
    app: Flask, app_config: dict[str, Any], stub: StubServer, network_watch: NetworkWatch
) -> None:
    load_civic_data(app)
    stub.reply_json(ADDRESS, seattle_address_answer())
    stub.reply_json(PEOPLE_GEO, openstates_sample("seattle-wa-2026.json"))
    keyed = create_app({**app_config, "OPENSTATES_API_KEY": "key", "OPENSTATES_URL": stub.url})
    query = AddressQuery("98122", "WA", street="1000 E Madison St", city="Seattle")
    try:
        with keyed.app_context():
            lookup: CivicLookup = keyed.extensions["civic_lookup"]
            chambers = ("us_house", "state_upper", "state_lower")
            result = lookup.lookup(db.session(), query, chambers, utcnow())
    finally:
        with keyed.app_context():
            db.session.remove()
            db.engine.dispose()
    assert {r.chamber for r in result.representatives} == set(chambers)
    assert stub.count(PEOPLE_GEO) == 1
    assert network_watch.calls and not network_watch.held, network_watch.report()
