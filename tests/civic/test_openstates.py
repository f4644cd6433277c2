"""Open States people.geo: state legislators parsed from recorded answers; failures degrade."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import SHARED
from tests.stubs import StubServer, json_reply
from webapp.civic.http import Timeouts
from webapp.civic.openstates import OpenStatesClient, openstates_from_config, parse_people
from webapp.civic.types import UpstreamError

SAMPLES = SHARED / "data" / "api-samples" / "openstates-people-geo"
PATH = "/people.geo"


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def client(stub: StubServer, key: str = "test-key") -> OpenStatesClient:
    return OpenStatesClient(stub.url, key, Timeouts(connect=0.5, read=0.5))


def test_seattle_gives_three_state_legislators_and_skips_congress() -> None:
    people = parse_people(sample("seattle-wa-2026.json"))
    assert sorted((p.chamber, p.district, p.name) for p in people) == [
        ("state_lower", "37", "Chipalo Street"),
        ("state_lower", "37", "Sharon Tomiko Santos"),
        ("state_upper", "37", "Rebecca Saldaña"),
    ]
    saldana = next(p for p in people if p.chamber == "state_upper")
    assert saldana.state == "WA" and saldana.email == "rebecca.saldana@leg.wa.gov"
    assert saldana.key.startswith("ocd:") and saldana.party == "Democratic"
    assert saldana.last_name == "Saldaña"


def test_nebraska_unicameral_legislature_is_an_upper_chamber() -> None:
    people = parse_people(sample("nebraska-2022.json"))
    assert [(p.chamber, p.state, p.party) for p in people] == [("state_upper", "NE", "Nonpartisan")]


def test_brooklyn_titles_are_kept_as_the_state_uses_them() -> None:
    titles = {p.title for p in parse_people(sample("brooklyn-ny-2022.json"))}
    assert titles == {"Assembly Member", "Senator"}


@pytest.mark.parametrize("payload", [None, [], {"results": "nope"}, {"pagination": {}}])
def test_malformed_answer_is_an_upstream_error(payload: Any) -> None:
    with pytest.raises(UpstreamError):
        parse_people(payload)


def test_client_sends_key_header_and_point(stub_server: StubServer) -> None:
    stub_server.reply_json(PATH, sample("seattle-wa-2026.json"))
    people = client(stub_server).for_point(47.6105, -122.3115)
    assert len(people) == 3
    request = stub_server.last(PATH)
    assert request.header("X-API-KEY") == "test-key"
    assert request.params["lat"] == "47.610500" and request.params["lng"] == "-122.311500"
    assert request.query["include"] == ["offices"]


def test_client_follows_pages_when_a_point_has_more_than_ten_people(
    stub_server: StubServer,
) -> None:
    first = sample("seattle-wa-2026.json")
    first["pagination"] = {"per_page": 10, "page": 1, "max_page": 2, "total_items": 12}
    second = sample("nebraska-2022.json")
    second["pagination"] = {"per_page": 10, "page": 2, "max_page": 2, "total_items": 12}
    pages = {"1": first, "2": second}
    stub_server.route(PATH, lambda request: json_reply(pages[request.params["page"]]))
    people = client(stub_server).for_point(47.6105, -122.3115)
    assert len(people) == 4 and stub_server.count(PATH) == 2


@pytest.mark.parametrize("status", [401, 403, 429, 500, 503])
def test_client_turns_refusals_and_outages_into_upstream_errors(
    stub_server: StubServer, status: int
) -> None:
    stub_server.reply(PATH, status, b"{}")
    with pytest.raises(UpstreamError) as raised:
        client(stub_server).for_point(47.6, -122.3)
    assert raised.value.provider == "openstates"


def test_no_key_means_no_client() -> None:
    config = {"OPENSTATES_API_KEY": "", "OPENSTATES_URL": "http://127.0.0.1:9"}
    assert openstates_from_config(config) is None
