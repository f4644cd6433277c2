"""parse_geographies over hand-written 2025-shape bodies and the real 2017 recordings."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED
from webapp.civic.census import ordinal, parse_geographies
from webapp.civic.types import Location, UpstreamError

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "census"
RECORDINGS = SHARED / "data" / "api-samples" / "census-geocoder"
CD = "119th Congressional Districts"
UPPER = "2024 State Legislative Districts - Upper"
LOWER = "2024 State Legislative Districts - Lower"


def fixture(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    return body


def recording(name: str) -> dict[str, Any]:
    """A real response body; the recordings wrap it under "response"."""
    wrapped: dict[str, Any] = json.loads((RECORDINGS / name).read_text(encoding="utf-8"))
    body: dict[str, Any] = wrapped["response"]
    return body


def geographies(body: dict[str, Any]) -> dict[str, Any]:
    layers: dict[str, Any] = body["result"]["addressMatches"][0]["geographies"]
    return layers


def test_michigan_address_gives_district_12_and_state_legislative_districts() -> None:
    location = parse_geographies(fixture("address-mi-12-dearborn.json"), 119)

    assert location == Location(
        state="MI",
        district=12,
        congress=119,
        state_upper="3",
        state_lower="4",
        latitude=42.32251793063404,
        longitude=-83.17632452911612,
        matched_address="16901 MICHIGAN AVE, DEARBORN, MI, 48126",
        matched_zip="48126",
    )


def test_the_zip_the_street_is_in_comes_from_its_components_else_the_matched_address() -> None:
    body = fixture("address-mi-12-dearborn.json")
    match = body["result"]["addressMatches"][0]
    match["addressComponents"]["zip"] = "48124"
    assert (location := parse_geographies(body, 119)) and location.matched_zip == "48124"
    del match["addressComponents"]
    assert (location := parse_geographies(body, 119)) and location.matched_zip == "48126"
    match["matchedAddress"] = "16901 MICHIGAN AVE, DEARBORN, MI"
    assert (location := parse_geographies(body, 119)) and location.matched_zip is None
    point = parse_geographies(fixture("coordinates-wa-9-seattle.json"), 119)
    assert point is not None and point.matched_zip is None


def test_at_large_state_is_district_zero() -> None:
    location = parse_geographies(fixture("onelineaddress-wy-at-large.json"), 119)

    assert location is not None
    assert (location.state, location.district, location.congress) == ("WY", 0, 119)
    assert (location.state_upper, location.state_lower) == ("4", "8")


def test_dc_delegate_district_98_is_district_zero_without_state_legislature() -> None:
    location = parse_geographies(fixture("address-dc-delegate.json"), 119)

    assert location is not None
    assert (location.state, location.district) == ("DC", 0)
    assert (location.state_upper, location.state_lower) == (None, None)
    assert location.matched_address == "1600 PENNSYLVANIA AVE NW, WASHINGTON, DC, 20500"


def test_no_address_match_returns_none() -> None:
    assert parse_geographies(fixture("address-no-match.json"), 119) is None


def test_maps_for_the_next_congress_are_refused_so_the_caller_falls_back() -> None:
    with pytest.raises(UpstreamError) as raised:
        parse_geographies(fixture("onelineaddress-tx-120th-maps.json"), 119)

    assert raised.value.provider == "census"
    assert raised.value.reason == "maps are for the 120th Congress, members for the 119th"


def test_maps_for_the_next_congress_are_used_once_members_are_of_that_congress() -> None:
    location = parse_geographies(fixture("onelineaddress-tx-120th-maps.json"), 120)

    assert location is not None
    assert (location.state, location.district, location.congress) == ("TX", 10, 120)
    assert (location.state_upper, location.state_lower) == ("14", "49")


def test_coordinates_search_reads_top_level_geographies_and_input_location() -> None:
    location = parse_geographies(fixture("coordinates-wa-9-seattle.json"), 119)

    assert location == Location(
        state="WA",
        district=9,
        congress=119,
        state_upper="37",
        state_lower="37",
        latitude=47.6105,
        longitude=-122.3115,
        matched_address=None,
    )


def test_congressional_layer_error_record_raises_instead_of_guessing() -> None:
    with pytest.raises(UpstreamError, match="congressional district layer failed: Layer query"):
        parse_geographies(fixture("address-congress-layer-error.json"), 119)


def test_district_comes_from_geoid_when_the_cd_field_is_absent() -> None:
    body = fixture("address-mi-12-dearborn.json")
    del geographies(body)[CD][0]["CD119"]

    location = parse_geographies(body, 119)

    assert location is not None
    assert (location.state, location.district) == ("MI", 12)


def test_district_comes_from_the_cd_field_when_geoid_is_absent() -> None:
    body = fixture("address-mi-12-dearborn.json")
    del geographies(body)[CD][0]["GEOID"]

    location = parse_geographies(body, 119)

    assert location is not None
    assert (location.state, location.district) == ("MI", 12)


def test_state_falls_back_to_the_states_layer_postal_code() -> None:
    body = fixture("coordinates-wa-9-seattle.json")
    record = body["result"]["geographies"][CD][0]
    del record["STATE"]
    record["GEOID"] = "9909"  # no such state FIPS: only the States layer can tell

    location = parse_geographies(body, 119)

    assert location is not None
    assert (location.state, location.district) == ("WA", 9)


def test_layer_key_is_matched_by_pattern_not_hard_coded() -> None:
    body = fixture("address-mi-12-dearborn.json")
    layers = geographies(body)
    record = layers.pop(CD)[0]
    record["CD121"] = record.pop("CD119")
    record["CDSESSN"] = "121"
    layers["121st Congressional Districts"] = [record]

    location = parse_geographies(body, 121)

    assert location is not None
    assert (location.district, location.congress) == (12, 121)
    assert ordinal(121) == "121st"
    assert [ordinal(n) for n in (111, 112, 113, 122, 123)] == [
        "111th",
        "112th",
        "113th",
        "122nd",
        "123rd",
    ]


def test_expected_congress_is_picked_when_both_maps_are_returned() -> None:
    body = fixture("address-mi-12-dearborn.json")
    texas = fixture("onelineaddress-tx-120th-maps.json")
    layers = geographies(body)
    layers["120th Congressional Districts"] = geographies(texas)["120th Congressional Districts"]

    location = parse_geographies(body, 119)

    assert location is not None
    assert (location.state, location.district, location.congress) == ("MI", 12, 119)


def test_records_without_the_expected_fields_are_skipped() -> None:
    body = fixture("address-mi-12-dearborn.json")
    layers = geographies(body)
    good = layers[CD][0]
    layers[CD] = [{"status": "Layer query encountered an error"}, "junk", {"GEOID": "26ZZ"}, good]

    location = parse_geographies(body, 119)

    assert location is not None
    assert location.district == 12


def test_water_only_district_code_means_no_district_here() -> None:
    body = fixture("address-mi-12-dearborn.json")
    record = geographies(body)[CD][0]
    record["GEOID"], record["CD119"] = "26ZZ", "ZZ"

    with pytest.raises(UpstreamError, match="no congressional district at this location"):
        parse_geographies(body, 119)


@pytest.mark.parametrize(
    ("upper", "lower", "expected"),
    [
        ("002", "012", ("2", "12")),
        ("ZZZ", "ZZZ", (None, None)),
        ("CHI", "WDH-1", ("CHI", "WDH-1")),  # Vermont-style alphanumeric codes stay as they are
        ("001", "", ("1", None)),
    ],
)
def test_state_legislative_codes(
    upper: str, lower: str, expected: tuple[str | None, str | None]
) -> None:
    body = fixture("address-mi-12-dearborn.json")
    layers = geographies(body)
    layers[UPPER][0]["SLDU"] = upper
    layers[LOWER][0]["SLDL"] = lower

    location = parse_geographies(body, 119)

    assert location is not None
    assert (location.state_upper, location.state_lower) == expected


def test_missing_state_legislative_layers_leave_those_districts_unknown() -> None:
    body = fixture("address-mi-12-dearborn.json")
    del geographies(body)[UPPER]
    geographies(body)[LOWER] = [{"status": "Layer query encountered an error"}]

    location = parse_geographies(body, 119)

    assert location is not None
    assert (location.district, location.state_upper, location.state_lower) == (12, None, None)


def test_newest_state_legislative_maps_win_when_two_years_are_returned() -> None:
    body = fixture("address-mi-12-dearborn.json")
    layers = geographies(body)
    newer = copy.deepcopy(layers[UPPER][0])
    newer["SLDU"] = "005"
    layers["2026 State Legislative Districts - Upper"] = [newer]

    location = parse_geographies(body, 119)

    assert location is not None
    assert location.state_upper == "5"


def test_without_a_congressional_layer_the_caller_is_told_to_request_it() -> None:
    body = fixture("address-mi-12-dearborn.json")
    del geographies(body)[CD]

    with pytest.raises(UpstreamError, match="check CENSUS_LAYERS"):
        parse_geographies(body, 119)


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ([], "body is not a JSON object"),
        ("<html>", "body is not a JSON object"),
        ({}, "no result"),
        ({"result": []}, "no result"),
        ({"result": {"input": {}}}, "no geographies"),
        ({"result": {"addressMatches": {}}}, "addressMatches is not a list"),
        ({"result": {"addressMatches": ["x"]}}, "address match is not an object"),
        ({"result": {"addressMatches": [{"matchedAddress": "1 A ST"}]}}, "no geographies"),
        ({"result": {"geographies": {CD: {"GEOID": "2612"}}}}, "is not a list"),
    ],
)
def test_malformed_bodies_raise_upstream_error(payload: Any, reason: str) -> None:
    with pytest.raises(UpstreamError, match=reason) as raised:
        parse_geographies(payload, 119)

    assert raised.value.provider == "census"


def test_error_envelope_is_reported_with_its_message() -> None:
    payload = {"errors": ["Invalid vintage: ACS2099_Current"], "status": "400"}

    with pytest.raises(UpstreamError, match="Invalid vintage: ACS2099_Current"):
        parse_geographies(payload, 119)


# The real 2017 recordings (115th Congress era).


def test_recorded_onelineaddress_with_failed_115th_layer_yields_no_location() -> None:
    """Decision: a congressional layer that came back only as an error record is an upstream
    failure (UpstreamError), not a Location with district None, so the lookup falls back to the
    ZIP table instead of silently offering senators only."""
    body = recording("onelineaddress-layers-all.json")
    assert geographies(body)["115th Congressional Districts"] == [
        {"status": "Layer query encountered an error: java.lang.RuntimeException: Failed to return"}
    ]

    for congress in (115, 119):
        with pytest.raises(UpstreamError, match="congressional district layer failed"):
            parse_geographies(body, congress)


def test_recorded_onelineaddress_parses_once_its_failed_layer_is_filled_in() -> None:
    body = recording("onelineaddress-layers-all.json")
    geographies(body)["115th Congressional Districts"] = [
        {"GEOID": "1198", "STATE": "11", "CD115": "98", "CDSESSN": "115", "OBJECTID": 1}
    ]

    location = parse_geographies(body, 115)

    assert location == Location(
        state="DC",
        district=0,
        congress=115,
        latitude=38.898754,
        longitude=-77.03535,
        matched_address="1600 PENNSYLVANIA AVE NW, WASHINGTON, DC, 20502",
        matched_zip="20502",
    )


def test_recorded_address_search_with_default_layers_has_no_district() -> None:
    # Without `layers` the geocoder answers States, Counties, Tracts, Blocks only.
    with pytest.raises(UpstreamError, match="no congressional district layer"):
        parse_geographies(recording("address-geographies.json"), 119)


def test_recorded_coordinates_search_parses_with_a_congressional_layer_added() -> None:
    body = recording("coordinates.json")
    with pytest.raises(UpstreamError, match="no congressional district layer"):
        parse_geographies(body, 119)

    # Integer AREALAND/OID (2017 style) and no STATE on the record: the GEOID prefix is enough.
    body["result"]["geographies"][CD] = [{"GEOID": "3620", "AREALAND": 1, "OID": 2}]
    location = parse_geographies(body, 119)

    assert location is not None
    assert (location.state, location.district, location.congress) == ("NY", 20, 119)
    assert (location.latitude, location.longitude) == (43.0, -74.0)
    assert location.matched_address is None
