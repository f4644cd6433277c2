"""A hung or failing Census service costs a lookup its budget at most, once per address."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.civic.data import house_member, load_civic_data, single_district_zip
from tests.civic.geocoder import ADDRESS, DEARBORN, census_fixture
from tests.stubs import Reply, StubRequest, StubServer, json_reply
from tests.supporter.helpers import post_letter
from webapp.civic import lookup as notes
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.civic.seating import Seated
from webapp.civic.types import LookupResult, MatchKind
from webapp.database import db, utcnow

CONGRESS = ("us_senate", "us_house")
BUDGET = 1.0
# Page rendering and database work on a busy 2-core machine, on top of the budget.
SLACK = 0.5
HANG = 30.0  # far longer than every timeout: only the budget can end the wait


@pytest.fixture
def app_config(app_config: dict[str, Any], stub_server: StubServer) -> dict[str, Any]:
    # The shipped connect/read timeouts (3 s, 8 s): the budget alone must bound the wait.
    return {
        **app_config,
        "CENSUS_GEOCODER_URL": f"{stub_server.url}/geocoder",
        "CIVIC_CONNECT_TIMEOUT_SECONDS": 3.0,
        "CIVIC_READ_TIMEOUT_SECONDS": 8.0,
        "CIVIC_LOOKUP_BUDGET_SECONDS": BUDGET,
        "CIVIC_BREAKER_FAILURES": 2,
        "CIVIC_BREAKER_COOLDOWN_SECONDS": 600.0,
    }


@pytest.fixture
def loaded(app: Flask) -> Flask:
    load_civic_data(app)
    with app.app_context():  # load the roster and ZIP indexes, as a running server has
        lookup: CivicLookup = app.extensions["civic_lookup"]
        lookup.lookup(db.session(), AddressQuery("48126", "MI"), CONGRESS, utcnow())
    return app


def timed_lookup(app: Flask, street: str, zip_code: str = "") -> tuple[float, LookupResult]:
    query = AddressQuery(zip_code or single_district_zip("MI", 12), "MI", street, "Southfield")
    with app.app_context():
        lookup: CivicLookup = app.extensions["civic_lookup"]
        started = time.perf_counter()
        result = lookup.lookup(db.session(), query, CONGRESS, utcnow())
        return time.perf_counter() - started, result


def answered_by_zip(app: Flask, result: LookupResult) -> bool:
    with app.app_context():
        by_zip = str(notes.NOTE_BY_ZIP)
    house = [r.bioguide for r in result.representatives if r.chamber == "us_house"]
    return (
        result.geocoder_failed
        and by_zip in result.notes
        and house == [house_member("MI", 12)]
        and result.provenance is not None
        and result.provenance.match is MatchKind.ZIP
    )


def test_the_shipped_budget_is_three_seconds_far_below_the_read_timeout() -> None:
    from webapp.config import load_config

    config = load_config({"TESTING": "1"})
    assert config["CIVIC_LOOKUP_BUDGET_SECONDS"] == 3.0
    assert config["CIVIC_LOOKUP_BUDGET_SECONDS"] < config["CIVIC_READ_TIMEOUT_SECONDS"]


def test_a_hung_geocoder_costs_a_lookup_its_budget_then_the_zip_table_answers(
    loaded: Flask, stub_server: StubServer
) -> None:
    stub_server.reply_slowly(ADDRESS, HANG)

    elapsed, result = timed_lookup(loaded, "1 Hung Street")

    assert stub_server.count(ADDRESS) == 1
    assert BUDGET * 0.9 <= elapsed <= BUDGET + SLACK, f"took {elapsed:.2f}s"
    assert answered_by_zip(loaded, result)


def test_the_budget_is_for_the_upstreams_not_for_seating_the_roster(
    app: Flask, stub_server: StubServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_civic_data(app)
    stub_server.reply_json(ADDRESS, census_fixture(DEARBORN))
    seat = CivicLookup.seated

    def slow_seat(self: CivicLookup, session: Session, now: datetime) -> Seated:
        # A worker's first lookup seats the roster, local work that a saturated machine
        # stretched past the whole budget, leaving the geocoder none.
        time.sleep(BUDGET + 0.2)
        return seat(self, session, now)

    monkeypatch.setattr(CivicLookup, "seated", slow_seat)

    _, result = timed_lookup(app, "16901 Michigan Ave", "48126")

    assert stub_server.count(ADDRESS) == 1
    assert not result.geocoder_failed
    assert result.provenance is not None and result.provenance.match is MatchKind.EXACT


def test_the_retry_after_a_5xx_shares_the_budget(loaded: Flask, stub_server: StubServer) -> None:
    def busy_then_hang(_request: StubRequest) -> Reply:
        if stub_server.count(ADDRESS) == 1:  # each request is recorded before its handler runs
            return 503, {}, b"busy"
        stub_server.sleep(HANG)
        return json_reply({})

    stub_server.route(ADDRESS, busy_then_hang)

    elapsed, result = timed_lookup(loaded, "2 Retry Road")

    assert stub_server.count(ADDRESS) == 2  # the 503, then the retry that hung
    assert elapsed <= BUDGET + SLACK, f"took {elapsed:.2f}s"
    assert answered_by_zip(loaded, result)


def test_the_next_steps_of_the_same_letter_reuse_the_zip_answer_at_once(
    loaded: Flask, stub_server: StubServer
) -> None:
    stub_server.reply_slowly(ADDRESS, HANG)
    timed_lookup(loaded, "3 Same Street")

    elapsed, result = timed_lookup(loaded, " 3  SAME street. ")

    assert stub_server.count(ADDRESS) == 1
    assert elapsed < 0.3, f"took {elapsed:.2f}s"
    assert answered_by_zip(loaded, result)


def test_after_repeated_timeouts_the_breaker_answers_by_zip_immediately(
    loaded: Flask, stub_server: StubServer
) -> None:
    stub_server.reply_slowly(ADDRESS, HANG)
    for number in (1, 2):  # CIVIC_BREAKER_FAILURES = 2, each a different address
        timed_lookup(loaded, f"{number} Outage Avenue")
    assert stub_server.count(ADDRESS) == 2

    elapsed, result = timed_lookup(loaded, "3 Outage Avenue")

    assert stub_server.count(ADDRESS) == 2  # not asked at all
    assert elapsed < 0.3, f"took {elapsed:.2f}s"
    assert answered_by_zip(loaded, result)


def test_a_cached_answer_is_still_used_while_the_breaker_is_open(
    loaded: Flask, stub_server: StubServer
) -> None:
    stub_server.reply_json(ADDRESS, census_fixture(DEARBORN))
    _, known = timed_lookup(loaded, "16901 Michigan Ave", "48126")
    assert known.provenance is not None and known.provenance.match is MatchKind.EXACT
    stub_server.reply(ADDRESS, 503)
    for number in (1, 2):
        timed_lookup(loaded, f"{number} Broken Boulevard")
    assert loaded.extensions["civic_lookup"].breaker.is_open

    _, again = timed_lookup(loaded, "16901 Michigan Ave", "48126")

    assert again.provenance is not None and again.provenance.match is MatchKind.EXACT


def test_a_letter_preview_and_send_cost_one_budget_while_the_geocoder_hangs(
    loaded: Flask, stub_server: StubServer, default_campaign: str
) -> None:
    stub_server.reply_slowly(ADDRESS, HANG)
    client = loaded.test_client()
    letter = {"street": "4 Preview Place", "zip_code": single_district_zip("MI", 12)}
    page = client.get(f"/campaigns/{default_campaign}")
    assert page.status_code == 200

    started = time.perf_counter()
    preview = post_letter(client, default_campaign, action="preview", **letter)
    previewed = time.perf_counter() - started
    started = time.perf_counter()
    sent = post_letter(client, default_campaign, action="send", **letter)
    sending = time.perf_counter() - started

    assert preview.status_code == 200 and "Check your letter" in preview.text
    assert previewed <= BUDGET + SLACK, f"preview took {previewed:.2f}s"
    assert sent.status_code == 303
    assert sending < BUDGET, f"send took {sending:.2f}s: it waited on the geocoder again"
    assert stub_server.count(ADDRESS) == 1
