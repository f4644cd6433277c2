"""The loopback StubServer that the adapter tests (Census, Open States, downloads) share."""

from __future__ import annotations

import requests

from tests.stubs import StubRequest, StubServer, json_reply


def test_routes_answer_programmed_replies_and_record_requests(stub_server: StubServer) -> None:
    stub_server.reply_json("/people.geo", {"results": []})

    response = requests.get(
        f"{stub_server.url}/people.geo",
        params=[("lat", "47.6"), ("include", "offices"), ("include", "links")],
        headers={"X-API-KEY": "k"},
        timeout=2,
    )

    assert response.status_code == 200
    assert response.json() == {"results": []}
    request = stub_server.last("/people.geo")
    assert request.query["include"] == ["offices", "links"]
    assert request.params["lat"] == "47.6"
    assert request.header("x-api-key") == "k"


def test_callable_handlers_see_method_query_and_body(stub_server: StubServer) -> None:
    def echo(request: StubRequest) -> tuple[int, dict[str, str], bytes]:
        return json_reply({"method": request.method, "q": request.params, "n": len(request.body)})

    stub_server.route("/echo", echo)

    response = requests.post(f"{stub_server.url}/echo?a=1", data=b"12345", timeout=2)

    assert response.json() == {"method": "POST", "q": {"a": "1"}, "n": 5}


def test_unknown_paths_are_404_and_failing_handlers_are_500(stub_server: StubServer) -> None:
    def broken(_request: StubRequest) -> tuple[int, dict[str, str], bytes]:
        raise KeyError("oops")

    stub_server.route("/broken", broken)

    assert requests.get(f"{stub_server.url}/missing", timeout=2).status_code == 404
    assert requests.get(f"{stub_server.url}/broken", timeout=2).status_code == 500
    assert isinstance(stub_server.errors[0], KeyError)
    assert stub_server.count() == 2


def test_usable_as_a_context_manager_without_the_fixture() -> None:
    with StubServer() as server:
        server.reply("/file.csv", 200, b"a,b\n", {"Content-Type": "text/csv"})
        assert requests.get(f"{server.url}/file.csv", timeout=2).content == b"a,b\n"
    assert server.count("/file.csv") == 1
