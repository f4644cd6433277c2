"""The suite cannot reach the network: pytest-socket allows loopback only; upstreams are local."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from pytest_socket import SocketBlockedError, SocketConnectBlockedError

from tests.stubs import StubServer
from webapp.civic.census import CensusGeocoder
from webapp.civic.lookup import CivicLookup

TEST_NET = ("192.0.2.1", 80)  # RFC 5737: documentation-only, never routed
UPSTREAM_SETTINGS = (
    "CENSUS_GEOCODER_URL",
    "LEGISLATORS_URL",
    "LEGISLATORS_OFFICES_URL",
    "ZIP_DISTRICTS_URL",
    "OPENSTATES_URL",
)
BLOCKED = (SocketBlockedError, SocketConnectBlockedError)
# pytest-socket warns as it refuses; here the refusal is the point.
pytestmark = pytest.mark.filterwarnings("ignore:A test tried to use socket")


def test_a_socket_to_a_non_loopback_address_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        with pytest.raises(SocketConnectBlockedError):
            sock.connect(TEST_NET)


def test_requests_to_an_external_address_is_refused() -> None:
    with pytest.raises(BLOCKED):
        requests.get(f"http://{TEST_NET[0]}/", timeout=1)


def test_requests_to_an_external_host_name_is_refused_by_the_socket_guard(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Resolve the name to TEST-NET so the refusal cannot come from a missing DNS server instead.
    real = socket.getaddrinfo

    def resolve(host: str, *args: object, **kwargs: object) -> object:
        if host == "geocoding.geo.census.gov":
            return real(TEST_NET[0], *args, **kwargs)  # type: ignore[arg-type]
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(BLOCKED):
        requests.get("https://geocoding.geo.census.gov/geocoder/benchmarks", timeout=1)


def test_loopback_is_allowed() -> None:
    with StubServer() as stub:
        stub.reply_json("/ping", {"ok": True})
        response = requests.get(f"{stub.url}/ping", timeout=2)
    assert response.json() == {"ok": True}


def test_every_upstream_url_of_the_test_app_is_on_loopback(app: Flask) -> None:
    for setting in UPSTREAM_SETTINGS:
        url = urlsplit(str(app.config[setting]))
        assert url.hostname == "127.0.0.1", f"{setting} = {app.config[setting]}"
    lookup: CivicLookup = app.extensions["civic_lookup"]
    for congress in (119, 120):  # each Congress's maps come from the same (stubbed) geocoder
        made = lookup.geocoder_for(congress)
        assert made is not None
        geocoder, _vintage = made
        assert isinstance(geocoder, CensusGeocoder)
        assert urlsplit(geocoder.base_url).hostname == "127.0.0.1"
    assert lookup.state_legislators is None  # no Open States key in tests
