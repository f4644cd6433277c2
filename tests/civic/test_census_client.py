"""CensusGeocoder against a loopback stub: requests sent, answers parsed, failures reported."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.civic.geocoder import address_search
from tests.stubs import JSON_HEADERS, StubServer, json_reply
from webapp.civic.census import CensusGeocoder, census_from_config
from webapp.civic.http import Timeouts
from webapp.civic.types import UpstreamError
from webapp.config import load_config

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "census"
ADDRESS = "/geocoder/geographies/address"
ONE_LINE = "/geocoder/geographies/onelineaddress"
COORDINATES = "/geocoder/geographies/coordinates"
LAYERS = (
    "119th Congressional Districts,2024 State Legislative Districts - Upper,"
    "2024 State Legislative Districts - Lower"
)
FAST = Timeouts(connect=1.0, read=2.0)


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def geocoder(stub: StubServer, timeouts: Timeouts = FAST) -> CensusGeocoder:
    return CensusGeocoder(
        base_url=f"{stub.url}/geocoder",
        benchmark="Public_AR_Current",
        vintage="ACS2025_Current",
        layers=LAYERS,
        congress=119,
        timeouts=timeouts,
    )


def test_address_search_sends_every_parameter_and_parses_the_match(stub_server: StubServer) -> None:
    stub_server.reply_json(ADDRESS, fixture("address-mi-12-dearborn.json"))

    location = geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")

    assert location is not None
    assert (location.state, location.district, location.congress) == ("MI", 12, 119)
    assert (location.state_upper, location.state_lower) == ("3", "4")
    request = stub_server.last(ADDRESS)
    assert request.method == "GET"
    assert request.params == {
        "street": "16901 Michigan Ave",
        "city": "Dearborn",
        "state": "MI",
        "zip": "48126",
        "benchmark": "Public_AR_Current",
        "vintage": "ACS2025_Current",
        "layers": LAYERS,
        "format": "json",
    }
    assert (request.header("User-Agent") or "").startswith("civic-letters/")
    assert stub_server.count() == 1


def test_address_search_leaves_out_empty_optional_fields(stub_server: StubServer) -> None:
    stub_server.reply_json(ADDRESS, fixture("address-mi-12-dearborn.json"))

    geocoder(stub_server).geocode("16901 Michigan Ave", "", "", "48126")

    params = stub_server.last(ADDRESS).params
    assert params["street"] == "16901 Michigan Ave"
    assert params["zip"] == "48126"
    assert "city" not in params
    assert "state" not in params


def test_the_address_search_stub_answers_as_the_service_for_what_it_is_sent(
    stub_server: StubServer,
) -> None:
    """The stub the app-level tests use: the address as sent comes back in `input`, and a ZIP
    the service does not take (nine digits) matches nothing."""
    stub_server.route(ADDRESS, address_search(fixture("address-mi-12-dearborn.json")))
    client = geocoder(stub_server)

    assert client.geocode("16901 Michigan Ave", "Dearborn", "MI", "48127") is not None
    with requests.get(
        f"{stub_server.url}{ADDRESS}", params={"street": "1 A St", "zip": "48126-1234"}, timeout=5
    ) as sent:
        result = sent.json()["result"]
    assert result["input"]["address"] == {"street": "1 A St", "zip": "48126-1234"}
    assert result["addressMatches"] == []


def test_a_zip_plus_4_is_sent_as_its_five_digits(stub_server: StubServer) -> None:
    """A supporter's ZIP+4 (48126-1234): the service is asked with 48126 and places the
    street; asked with the nine digits it matched nothing, and the lookup fell back to the ZIP."""
    stub_server.route(ADDRESS, address_search(fixture("address-mi-12-dearborn.json")))

    location = geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126-1234")

    assert location is not None and (location.state, location.district) == ("MI", 12)
    assert stub_server.last(ADDRESS).params["zip"] == "48126"


def test_one_line_search_sends_the_address_with_layers(stub_server: StubServer) -> None:
    stub_server.reply_json(ONE_LINE, fixture("onelineaddress-wy-at-large.json"))

    location = geocoder(stub_server).geocode_line("200 W 24th St, Cheyenne, WY 82001")

    assert location is not None
    assert (location.state, location.district) == ("WY", 0)
    assert stub_server.last(ONE_LINE).params == {
        "address": "200 W 24th St, Cheyenne, WY 82001",
        "benchmark": "Public_AR_Current",
        "vintage": "ACS2025_Current",
        "layers": LAYERS,
        "format": "json",
    }


def test_point_search_sends_longitude_as_x_and_latitude_as_y(stub_server: StubServer) -> None:
    stub_server.reply_json(COORDINATES, fixture("coordinates-wa-9-seattle.json"))

    location = geocoder(stub_server).geocode_point(47.6105, -122.3115)

    assert location is not None
    assert (location.state, location.district) == ("WA", 9)
    params = stub_server.last(COORDINATES).params
    assert (params["x"], params["y"]) == ("-122.3115", "47.6105")


def test_no_match_returns_none(stub_server: StubServer) -> None:
    stub_server.reply_json(ADDRESS, fixture("address-no-match.json"))

    assert geocoder(stub_server).geocode("1 Nowhere Rd", "Nowhere", "KS", "66000") is None


def test_slow_answer_times_out_as_upstream_error(stub_server: StubServer) -> None:
    stub_server.reply_slowly(ADDRESS, 1.0, json_reply(fixture("address-mi-12-dearborn.json")))
    client = geocoder(stub_server, Timeouts(connect=0.5, read=0.2))

    started = time.monotonic()
    with pytest.raises(UpstreamError) as raised:
        client.geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")
    elapsed = time.monotonic() - started

    assert raised.value.provider == "census"
    assert elapsed < 0.8  # one 0.2 s attempt, never the handler's full second
    assert stub_server.count(ADDRESS) == 1  # a read timeout is not retried: it already cost 0.2 s


def test_slow_answer_is_reported_as_timed_out(stub_server: StubServer) -> None:
    stub_server.reply_slowly(ADDRESS, 1.0)
    client = geocoder(stub_server, Timeouts(connect=0.5, read=0.2))

    with pytest.raises(UpstreamError) as raised:
        client.geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")

    assert raised.value.reason == "timed out"


def test_http_500_is_retried_once_then_an_upstream_error(stub_server: StubServer) -> None:
    stub_server.reply(ADDRESS, 500, b"Internal Server Error")

    with pytest.raises(UpstreamError, match="HTTP 500"):
        geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")

    assert stub_server.count(ADDRESS) == 2


def test_http_503_is_retried_once_then_an_upstream_error(stub_server: StubServer) -> None:
    stub_server.reply(ADDRESS, 503, b"Service Unavailable")

    with pytest.raises(UpstreamError, match="HTTP 503"):
        geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")

    assert stub_server.count(ADDRESS) == 2


def test_http_503_then_success_is_recovered_by_the_retry(stub_server: StubServer) -> None:
    stub_server.reply_sequence(
        ADDRESS,
        [(503, {}, b"busy"), json_reply(fixture("address-mi-12-dearborn.json"))],
    )

    location = geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")

    assert location is not None
    assert location.district == 12
    assert stub_server.count(ADDRESS) == 2


def test_rate_limit_is_an_upstream_error(stub_server: StubServer) -> None:
    stub_server.reply_json(ADDRESS, {"errors": ["Too many requests"]}, status=429)

    with pytest.raises(UpstreamError, match=r"rate limited \(429\)"):
        geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")

    assert stub_server.count(ADDRESS) == 1


def test_malformed_json_is_an_upstream_error(stub_server: StubServer) -> None:
    stub_server.reply_malformed_json(ADDRESS)

    with pytest.raises(UpstreamError, match="malformed JSON"):
        geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")


def test_json_of_the_wrong_shape_is_an_upstream_error(stub_server: StubServer) -> None:
    stub_server.reply(ADDRESS, 200, b"[]", JSON_HEADERS)

    with pytest.raises(UpstreamError, match="body is not a JSON object"):
        geocoder(stub_server).geocode("16901 Michigan Ave", "Dearborn", "MI", "48126")


def test_maps_for_the_next_congress_are_an_upstream_error(stub_server: StubServer) -> None:
    stub_server.reply_json(ONE_LINE, fixture("onelineaddress-tx-120th-maps.json"))

    with pytest.raises(UpstreamError) as raised:
        geocoder(stub_server).geocode_line("1100 Congress Ave, Austin, TX 78701")

    assert raised.value.reason == "maps are for the 120th Congress, members for the 119th"


def test_unreachable_geocoder_is_an_upstream_error() -> None:
    with socket.socket() as probe:  # a loopback port with nothing listening
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = CensusGeocoder(
        f"http://127.0.0.1:{port}/geocoder",
        "Public_AR_Current",
        "ACS2025_Current",
        LAYERS,
        119,
        FAST,
    )

    with pytest.raises(UpstreamError, match="unreachable"):
        client.geocode_line("1 Main St, Anytown, KS 66000")


def test_factory_reads_the_census_and_civic_settings(tmp_path: Path) -> None:
    config = load_config({"TESTING": "1", "INSTANCE_PATH": str(tmp_path)})

    client = census_from_config(config, 119)
    later = census_from_config(config, 120)

    assert client is not None and later is not None
    assert client.base_url == "https://geocoding.geo.census.gov/geocoder"
    assert (client.benchmark, client.vintage, client.layers) == (
        "Public_AR_Current",
        "ACS2025_Current",
        LAYERS,
    )
    assert client.congress == 119
    assert client.timeouts == Timeouts(connect=3.0, read=8.0)
    # The maps follow the Congress asked for: the 120th's are on the current vintage.
    assert (later.vintage, later.congress) == ("Current_Current", 120)
    assert later.layers.split(",")[0] == "120th Congressional Districts"
    assert "2026 State Legislative Districts - Upper" in later.layers
    assert census_from_config(config, 121) is None  # no maps known: no geocoder


def test_factory_overrides_one_congress_maps(tmp_path: Path) -> None:
    env = {"TESTING": "1", "INSTANCE_PATH": str(tmp_path), "CENSUS_VINTAGE": "120=ACS2026_Current"}
    config = load_config(env)

    now, later = census_from_config(config, 119), census_from_config(config, 120)

    assert now is not None and later is not None
    assert (now.vintage, later.vintage) == ("ACS2025_Current", "ACS2026_Current")


def test_factory_client_talks_to_the_configured_url(
    stub_server: StubServer, tmp_path: Path
) -> None:
    stub_server.reply_json(ONE_LINE, fixture("onelineaddress-wy-at-large.json"))
    env = {
        "TESTING": "1",
        "INSTANCE_PATH": str(tmp_path),
        "CENSUS_GEOCODER_URL": f"{stub_server.url}/geocoder/",
        "CENSUS_VINTAGE": "Current_Current",
        "CENSUS_LAYERS": "all",
        "CIVIC_READ_TIMEOUT_SECONDS": "2.5",
    }

    client = census_from_config(load_config(env), 119)
    assert client is not None
    location = client.geocode_line("200 W 24th St, Cheyenne, WY 82001")

    assert location is not None
    assert location.state == "WY"
    assert client.timeouts.read == 2.5
    params = stub_server.last(ONE_LINE).params
    assert (params["vintage"], params["layers"]) == ("Current_Current", "all")
