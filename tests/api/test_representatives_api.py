"""GET /api/representatives: the documented shape, queries, errors, CORS and the rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.civic.data import (
    house_member,
    load_civic_data,
    senators,
    single_district_zip,
    split_zip,
    zip_table,
)
from tests.civic.geocoder import DEARBORN, ONE_LINE, census, census_app_config, census_fixture
from tests.stubs import StubServer

URL = "/api/representatives"
TOP_KEYS = {
    "query",
    "match",
    "location",
    "members",
    "ambiguous",
    "needs_street",
    "candidates",
    "vacancies",
    "notes",
    "with_street",
    "zip_hint",
    "zip_hint_street",
    "provenance",
}
LOCATION_KEYS = {
    "state",
    "district",
    "congress",
    "state_upper",
    "state_lower",
    "latitude",
    "longitude",
    "matched_address",
    "matched_zip",
}
MEMBER_KEYS = {
    "key",
    "name",
    "chamber",
    "title",
    "state",
    "district",
    "party",
    "non_voting",
    "bioguide",
    "url",
    "contact_url",
    "phone",
}
PROVENANCE_KEYS = {"provider", "match", "districts", "dataset_date", "congress"}

# Fixtures: the geocoder stub, and the app pointed at it.
__all__ = ["census", "census_app_config"]


@pytest.fixture
def loaded(app: Flask) -> Flask:
    load_civic_data(app)
    return app


def get(client: FlaskClient, **params: str) -> Any:
    return client.get(URL, query_string=params)


def bioguides(members: list[dict[str, Any]]) -> list[str]:
    return sorted(m["bioguide"] for m in members)


def test_zip_answer_has_every_documented_key(client: FlaskClient, loaded: Flask) -> None:
    zip_code = single_district_zip("MI", 12)

    response = get(client, zip=zip_code, state="mi")

    assert response.status_code == 200 and response.is_json
    body = response.get_json()
    assert set(body) == TOP_KEYS  # "recipients" only with campaign=
    assert body["query"] == {"zip": zip_code, "state": "MI", "address": None}
    assert body["match"] == "zip" and set(body["location"]) == LOCATION_KEYS
    assert (body["location"]["state"], body["location"]["district"]) == ("MI", 12)
    assert all(set(m) == MEMBER_KEYS for m in body["members"])
    assert bioguides(body["members"]) == sorted([house_member("MI", 12), *senators("MI")])
    assert (body["ambiguous"], body["needs_street"], body["candidates"]) == (False, False, [])
    assert body["vacancies"] == [] and body["notes"] == [] and body["zip_hint"] is None
    assert set(body["provenance"]) == PROVENANCE_KEYS
    assert body["provenance"] == {
        "provider": "zip-table",
        "match": "zip",
        "districts": {"state": "MI", "cd": 12},
        "dataset_date": "2026-06-15",
        "congress": 119,
    }


def test_zip_plus_four_is_accepted(client: FlaskClient, loaded: Flask) -> None:
    zip_code = single_district_zip("MI", 12)
    body = get(client, zip=f"{zip_code}-1234").get_json()
    assert body["query"]["zip"] == zip_code and body["match"] == "zip"


def test_split_zip_is_ambiguous_and_lists_each_candidates_member(
    client: FlaskClient, loaded: Flask
) -> None:
    body = get(client, zip="48126").get_json()

    assert (body["ambiguous"], body["needs_street"], body["match"]) == (True, True, "state")
    assert [(c["state"], c["district"]) for c in body["candidates"]] == [("MI", 12), ("MI", 13)]
    for candidate in body["candidates"]:
        assert all(set(m) == MEMBER_KEYS for m in candidate["members"])
        assert bioguides(candidate["members"]) == [house_member("MI", candidate["district"])]
    assert bioguides(body["members"]) == list(senators("MI")) and body["notes"]
    assert body["zip_hint"] == (
        "ZIP 48126 is split between districts 12 and 13; add your street address."
    )


def test_zip_hint_lists_three_or_more_districts_in_one_sentence(
    client: FlaskClient, loaded: Flask
) -> None:
    zip_code, districts = split_zip("CA", minimum=3)
    listed = ", ".join(str(d) for d in districts[:-1]) + f", and {districts[-1]}"

    body = get(client, zip=zip_code, state="CA").get_json()

    assert body["zip_hint"] == (
        f"ZIP {zip_code} is split between districts {listed}; add your street address."
    )


def test_zip_hint_in_arabic_lists_the_districts_as_arabic_does(
    client: FlaskClient, loaded: Flask
) -> None:
    body = get(client, zip="48126", state="MI", lang="ar").get_json()

    # The ZIP and each district isolated, as the server's own pages isolate numbers (a run of
    # digits alone would not move, but the house rule has no exceptions to remember).
    assert body["zip_hint"] == (
        "الرمز البريدي \u206848126\u2069 موزّع على الدوائر \u206812\u2069 و\u206813\u2069؛ "
        "أضف عنوان شارعك."
    )


def test_zip_hint_comes_with_a_campaign_lookup_too(
    client: FlaskClient, loaded: Flask, default_campaign: str
) -> None:
    body = get(client, zip="48126", state="MI", campaign=default_campaign).get_json()

    assert "12 and 13" in body["zip_hint"]


def test_state_narrows_a_zip_that_crosses_a_state_line(client: FlaskClient, loaded: Flask) -> None:
    zip_code, pairs = next(
        (z, p) for z, p in sorted(zip_table().items()) if len(p) == 2 and p[0][0] != p[1][0]
    )

    for state, district in pairs:
        body = get(client, zip=zip_code, state=state).get_json()
        assert (body["match"], body["location"]["state"]) == ("zip", state)
        assert bioguides(body["members"]) == sorted(
            [house_member(state, district), *senators(state)]
        )


def test_vacant_seat_is_listed_under_vacancies(client: FlaskClient, loaded: Flask) -> None:
    body = get(client, zip=single_district_zip("CA", 14)).get_json()

    assert body["vacancies"] == [{"chamber": "us_house", "state": "CA", "district": "14"}]
    assert bioguides(body["members"]) == list(senators("CA"))


def test_unknown_zip_asks_for_the_street_with_a_note(client: FlaskClient, loaded: Flask) -> None:
    body = get(client, zip="99999").get_json()

    assert body["needs_street"] is True and body["members"] == []
    assert body["notes"], "an unknown ZIP must say why nobody was found"


def test_address_is_geocoded_through_the_census_stub(
    client: FlaskClient, loaded: Flask, census: StubServer
) -> None:
    census.reply_json(ONE_LINE, census_fixture(DEARBORN))
    address = "16901 Michigan Ave, Dearborn, MI 48126"

    body = get(client, address=address).get_json()

    assert census.last(ONE_LINE).params["address"] == address
    assert body["query"] == {"zip": "48126", "state": None, "address": address}
    assert body["match"] == "exact" and body["provenance"]["provider"] == "census"
    assert body["location"]["matched_address"] == "16901 MICHIGAN AVE, DEARBORN, MI, 48126"
    assert body["location"]["matched_zip"] == "48126"
    assert (body["location"]["state_upper"], body["location"]["state_lower"]) == ("3", "4")
    assert bioguides(body["members"]) == sorted([house_member("MI", 12), *senators("MI")])


def test_campaign_adds_its_recipients_with_optional_flags(
    client: FlaskClient, loaded: Flask, default_campaign: str
) -> None:
    body = get(client, zip=single_district_zip("MI", 12), campaign=default_campaign).get_json()

    assert set(body) == TOP_KEYS | {"recipients", "between", "summary", "summaries"}
    assert all(m["optional"] is True for m in body["members"])
    president, *officials = body["recipients"]
    assert president["key"].startswith("target:") and president["optional"] is False
    assert president["name"] == "The President of the United States"
    assert president["shown"] == {
        "non_voting": None,
        "name": "The President of the United States",
        "where": "The White House",
        "party": None,
    }
    assert body["between"] == ", "
    assert sorted(r["key"].removeprefix("official:") for r in officials) == sorted(
        [house_member("MI", 12), *senators("MI")]
    )
    assert all(r["optional"] is True for r in officials)
    assert {r["shown"]["where"] for r in officials} == {"Senator", "Representative"}


def test_campaign_recipients_are_shown_in_the_asked_language(
    client: FlaskClient, loaded: Flask, default_campaign: str
) -> None:
    zip_code = single_district_zip("MI", 12)
    body = get(client, zip=zip_code, campaign=default_campaign, lang="ar").get_json()
    president, *officials = body["recipients"]
    # What offices receive is unchanged; `shown` is for the Arabic page.
    assert president["name"] == "The President of the United States"
    assert president["shown"] == {
        "non_voting": None,
        "name": "رئيس الولايات المتحدة",
        "where": "البيت الأبيض",
        "party": None,
    }
    assert body["between"] == "، "
    wheres = sorted(r["shown"]["where"] for r in officials)
    assert wheres == ["عضو مجلس الشيوخ", "عضو مجلس الشيوخ", "عضو مجلس النواب"]
    assert {r["shown"]["name"] for r in officials} == {r["name"] for r in officials}
    assert all(r["shown"]["party"] in {"ديمقراطي", "جمهوري", "مستقل"} for r in officials)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"zip": "4812"}, "zip"),
        ({"zip": "abcde"}, "zip"),
        ({"zip": "48126", "state": "XX"}, "state"),
        ({}, "zip"),
        ({"state": "MI"}, "zip"),
        ({"address": "1 Main St " * 40}, "address"),
    ],
)
def test_bad_query_is_a_400_naming_the_field(
    client: FlaskClient, params: dict[str, str], field: str
) -> None:
    response = get(client, **params)

    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field and body["error"]


def test_unknown_campaign_is_a_404_naming_the_field(client: FlaskClient, loaded: Flask) -> None:
    response = get(client, zip="48126", campaign="no-such-campaign")

    assert response.status_code == 404
    assert response.get_json()["field"] == "campaign"


def test_answers_allow_any_origin_without_credentials(client: FlaskClient, loaded: Flask) -> None:
    response = client.get(URL, query_string={"zip": "48126"}, headers={"Origin": "https://x.org"})

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize("params", [{"zip": "abc"}, {"zip": "48126", "campaign": "nope"}])
def test_error_answers_are_readable_from_any_origin_too(
    client: FlaskClient, params: dict[str, str]
) -> None:
    response = client.get(URL, query_string=params, headers={"Origin": "https://x.org"})

    assert response.status_code in (400, 404)
    assert response.headers.get("Access-Control-Allow-Origin") == "*"


def test_fourth_request_in_a_minute_is_a_429_with_retry_after_per_client_ip(
    app: Flask, client: FlaskClient, loaded: Flask
) -> None:
    app.config["API_LOOKUP_RATE_LIMIT"] = "3/minute"

    served = [get(client, zip="48126").status_code for _ in range(3)]
    limited = get(client, zip="48126")
    other = client.get(URL, query_string={"zip": "48126"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})

    assert served == [200, 200, 200]
    assert limited.status_code == 429 and limited.is_json
    assert limited.get_json()["status"] == 429 and limited.get_json()["error"]
    assert int(limited.headers["Retry-After"]) > 0
    assert other.status_code == 200


@pytest.mark.parametrize("zip_code", ["96799", "96910", "96950", "00802"])
def test_territory_zip_alone_answers_with_its_non_voting_delegate(
    client: FlaskClient, loaded: Flask, zip_code: str
) -> None:
    state = {"96799": "AS", "96910": "GU", "96950": "MP", "00802": "VI"}[zip_code]

    body = get(client, zip=zip_code).get_json()

    assert (body["match"], body["needs_street"], body["ambiguous"]) == ("zip", False, False)
    assert (body["location"]["state"], body["location"]["district"]) == (state, 0)
    (delegate,) = body["members"]
    assert delegate["bioguide"] == house_member(state, 0)
    assert (delegate["non_voting"], delegate["title"], delegate["district"]) == (
        True,
        "Delegate",
        "0",
    )
