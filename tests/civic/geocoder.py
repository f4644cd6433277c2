"""A loopback stub standing in for the Census geocoder (and Open States) in app-level tests."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SHARED
from tests.stubs import Handler, Reply, StubRequest, StubServer, json_reply

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "census"
OPENSTATES_SAMPLES = SHARED / "data" / "api-samples" / "openstates-people-geo"
ADDRESS = "/geocoder/geographies/address"
ONE_LINE = "/geocoder/geographies/onelineaddress"
PEOPLE_GEO = "/people.geo"
DEARBORN = "address-mi-12-dearborn.json"
FIVE_DIGITS = re.compile(r"[0-9]{5}")
# Short enough that a hanging stub costs a test well under a second. Only a test marked
# `upstream_hangs` gets them: on a loaded machine a stub that answers can be kept waiting past
# 0.5 s, and the lookup then fell back as if the service were down (a split ZIP answered 422).
FAST_TIMEOUTS = {"CIVIC_CONNECT_TIMEOUT_SECONDS": 0.5, "CIVIC_READ_TIMEOUT_SECONDS": 0.5}


@cache
def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def census_fixture(name: str) -> Any:
    """A recorded-shape geocoder answer from tests/fixtures/census (a fresh copy)."""
    return copy.deepcopy(_load(FIXTURES / name))


def openstates_sample(name: str) -> Any:
    return copy.deepcopy(_load(OPENSTATES_SAMPLES / name))


def seattle_address_answer() -> Any:
    """An address-search answer for a Seattle point (WA-9, LD 37), from the coordinates fixture."""
    coordinates = census_fixture("coordinates-wa-9-seattle.json")["result"]
    answer = census_fixture(DEARBORN)
    match = answer["result"]["addressMatches"][0]
    match["matchedAddress"] = "1000 E MADISON ST, SEATTLE, WA, 98122"
    match["coordinates"] = coordinates["input"]["location"]
    match["geographies"] = coordinates["geographies"]
    return answer


def stub_settings(stub: StubServer, hangs: bool = False) -> dict[str, Any]:
    """Settings pointing the geocoder at `stub`: the app's own timeouts, short ones if it hangs."""
    return {"CENSUS_GEOCODER_URL": f"{stub.url}/geocoder", **(FAST_TIMEOUTS if hangs else {})}


def upstream_hangs(request: pytest.FixtureRequest) -> bool:
    """Whether the test is marked `upstream_hangs` (its stub is made to answer too late)."""
    return request.node.get_closest_marker("upstream_hangs") is not None


@pytest.fixture
def census() -> Iterator[StubServer]:
    """A geocoder stub of the test's own (route its answers with `census.route`)."""
    with StubServer() as server:
        yield server


@pytest.fixture(name="app_config")
def census_app_config(app_config: dict[str, Any], census: StubServer) -> dict[str, Any]:
    """The app pointed at the `census` stub: a test module imports both to use them."""
    return {**app_config, **stub_settings(census)}


def address_search(answer: Any) -> Handler:
    """A route for ADDRESS answering as the service does for the request it gets: the address
    as sent echoed in `result.input`, and `answer`'s matches only for a ZIP the service takes.

    The service's ZIP is the five-digit one: every recorded request sends five digits
    (shared/data/api-samples/census-geocoder), its clients document a 5-digit ZIP, and a match
    names one. Any other ZIP is taken here as an address it cannot match (an empty
    addressMatches, its answer for those; what it does with a ZIP+4 is not recorded anywhere we
    found); five digits other than the match's ZIP are only a hint to it, as near a ZIP's edge
    (the ZIP question, zip_differs)."""

    def reply(request: StubRequest) -> Reply:
        sent = request.params
        body = copy.deepcopy(answer)
        result = body["result"]
        result["input"]["address"] = {
            name: sent[name] for name in ("street", "city", "state", "zip") if name in sent
        }
        if "zip" in sent and not FIVE_DIGITS.fullmatch(sent["zip"]):
            result["addressMatches"] = []
        return json_reply(body)

    return reply
