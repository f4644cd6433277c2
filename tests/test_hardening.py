"""Each input an adversarial run turned into a 500 (issue 13) now gets a clear 400, 404 or 422."""

from __future__ import annotations

import io
import json
import socket
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import LiveServer, csrf_token
from tests.dashboard.helpers import (
    ADMIN,
    PASSWORD,
    OrganiserClient,
    count,
    create_account,
    page_token,
    signed_in,
)
from tests.dashboard.test_editor import WATER, field_error, new_form, stored
from tests.supporter.helpers import VALID_LETTER
from webapp.models import Campaign

NOT_WHOLE = "The form did not arrive whole."
NOT_FORM = "Send the form&#39;s fields, or a JSON object whose values are text."
# 376 bytes of YAML that expand to 10**9 strings when aliases are followed ("billion laughs").
ALIAS_BOMB = (
    "---\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]\n"
    "i: [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]\n"
    "---\n"
    "Body\n"
)
MINIMAL = (
    "---\nslug: dated\ntitle: T\nsubject: S\nsalutation: Dear friend,\n"
    "targets:\n  - kind: custom\n    name: The Mayor\n{extra}---\nThe letter.\n"
)


@pytest.fixture
def admin(app: Flask) -> OrganiserClient:
    return signed_in(app, ADMIN)


# --- JSON bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["[1, 2]", '"text"', "5", "null", "not json", '{"first_name": {"a": 1}}', '{"zip_code": 1}'],
)
def test_json_body_that_is_not_an_object_of_text_is_refused(
    client: FlaskClient, default_campaign: str, body: str
) -> None:
    url = f"/campaigns/{default_campaign}"
    token = csrf_token(client.get(url).text)
    for target in (url, f"/widget/{default_campaign}", "/dashboard/login"):
        response = client.post(
            target, data=body, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400, (target, response.status_code)
        assert NOT_FORM in response.text, target


def test_json_object_of_text_still_reads_as_the_form(
    client: FlaskClient, default_campaign: str
) -> None:
    url = f"/campaigns/{default_campaign}"
    token = csrf_token(client.get(url).text)
    body = json.dumps({**VALID_LETTER, "action": "preview"})
    response = client.post(
        url, data=body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.text
    assert "Rasha" in response.text


# --- Broken bodies -----------------------------------------------------------------------------


def raw_chunked_post(server: LiveServer, path: str, body: bytes) -> bytes:
    port = int(server.url.rsplit(":", 1)[1])
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head.encode() + body)
        sock.shutdown(socket.SHUT_WR)  # the end of the body, whatever it claimed
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return answer


def test_badly_chunked_body_gets_400_on_every_post(
    app: Flask, default_campaign: str, live_server: LiveServer
) -> None:
    for path in (
        f"/campaigns/{default_campaign}",
        f"/widget/{default_campaign}",
        "/dashboard/login",
        "/dashboard/logout",
        "/receipts/x/deliveries/1/done",
    ):
        for body in (b"zz\r\nabc\r\n0\r\n\r\n", b"-5\r\nabcde\r\n0\r\n\r\n"):
            answer = raw_chunked_post(live_server, path, body)
            status = answer.split(b"\r\n", 1)[0]
            assert status.startswith(b"HTTP/1.1 400"), (path, body, status)
            assert NOT_WHOLE.encode() in answer, path


class _ServerParseError(Exception):
    """What gunicorn raises from wsgi.input for a broken chunk (not an OSError)."""


class _BrokenInput(io.BytesIO):
    def read(self, size: int | None = -1) -> bytes:
        raise _ServerParseError("Invalid chunk size")

    def readinto(self, buffer: Any) -> int:
        raise _ServerParseError("Invalid chunk size")


def test_a_server_specific_error_reading_the_body_gets_400(
    client: FlaskClient, default_campaign: str
) -> None:
    response = client.post(
        f"/campaigns/{default_campaign}",
        input_stream=_BrokenInput(),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 400
    assert NOT_WHOLE in response.text


# --- The campaign editor's goal, imported dates and YAML ----------------------------------------


def _editor_post(admin: OrganiserClient, url: str, **fields: str) -> Any:
    form = new_form(admin, **{**WATER, **fields})
    return admin.post(url, data=form)


@pytest.mark.parametrize(
    ("goal", "message"),
    [
        ("²", "Must be a whole number above zero"),
        ("①", "Must be a whole number above zero"),
        ("9" * 5000, "Must be at most 2,147,483,647"),
        ("2147483648", "Must be at most 2,147,483,647"),
    ],
)
def test_editor_goal_that_is_no_storable_number_is_named_on_the_field(
    app: Flask, admin: OrganiserClient, goal: str, message: str
) -> None:
    for url in ("/dashboard/campaigns/new", "/dashboard/campaigns/new/preview"):
        page = _editor_post(admin, url, goal=goal)
        assert page.status_code in (200, 422), (url, page.status_code)
        assert message in field_error(page, "goal"), url
    assert count(app, Campaign) == 0


def test_editor_goal_in_arabic_indic_digits_is_stored_as_a_number(
    app: Flask, admin: OrganiserClient
) -> None:
    page = _editor_post(admin, "/dashboard/campaigns/new", goal="٥٠٠")
    assert page.status_code == 302, page.text
    assert stored(app, "clean-water").goal == 500


def _upload(admin: OrganiserClient, text: str) -> Any:
    token = csrf_token(admin.get("/dashboard/campaigns/import").text)
    data = {"csrf_token": token, "campaign_file": (io.BytesIO(text.encode()), "c.md")}
    return admin.post("/dashboard/campaigns/import", data=data)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ("starts_at: 2026-13-45\n", "starts_at: must be an ISO date or date-time"),
        ("ends_at: '2026-02-30T09:00:00Z'\n", "ends_at: must be an ISO date or date-time"),
        ("starts_at: 0001-01-01T00:00:00+01:00\n", "starts_at: must be a date between 1970"),
        ("ends_at: 9999-12-31T23:00:00-05:00\n", "ends_at: must be a date between 1970"),
        ("goal: 2147483648\n", "goal: must be at most 2,147,483,647"),
        ("goal: " + "9" * 5000 + "\n", "a number has more than 18 digits"),
    ],
)
def test_imported_impossible_dates_and_numbers_are_named(
    app: Flask, admin: OrganiserClient, extra: str, message: str
) -> None:
    page = _upload(admin, MINIMAL.format(extra=extra))
    assert page.status_code == 422, page.text
    assert message in page.text
    assert count(app, Campaign) == 0


def test_a_yaml_alias_bomb_is_refused_with_a_small_page(app: Flask, admin: OrganiserClient) -> None:
    assert len(ALIAS_BOMB.encode()) < 400
    page = _upload(admin, ALIAS_BOMB)
    assert page.status_code == 422
    assert "anchors (&amp;name) and aliases (*name) are not allowed" in page.text
    assert len(page.data) < 50_000


def test_deeply_nested_yaml_is_refused(app: Flask, admin: OrganiserClient) -> None:
    page = _upload(admin, "---\nx: " + "[" * 20_000 + "]" * 20_000 + "\n---\nBody\n")
    assert page.status_code == 422
    assert "nest more than 20 deep" in page.text


def test_the_import_command_names_an_impossible_date(app: Flask, tmp_path: Any) -> None:
    path = tmp_path / "dated.md"
    path.write_text(MINIMAL.format(extra="starts_at: 2026-13-45\n"), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["campaigns", "import", str(path)])
    assert result.exit_code == 1
    assert "starts_at: must be an ISO date or date-time" in result.output


# --- Ids and redirects ---------------------------------------------------------------------------


@pytest.mark.parametrize("huge", [2**31, 2**63, 2**64, 10**30])
def test_ids_beyond_the_database_range_are_404(
    app: Flask, admin: OrganiserClient, default_campaign: str, huge: int
) -> None:
    for action in ("moderate", "release", "decline"):
        url = f"/dashboard/campaigns/{default_campaign}/submissions/{huge}/{action}"
        response = admin.post(url, data={"csrf_token": admin.token, "action": "hide"})
        assert response.status_code == 404, (url, response.status_code)
    done = admin.post(f"/receipts/x/deliveries/{huge}/done", data={"csrf_token": admin.token})
    assert done.status_code == 404


def test_largest_storable_id_still_reaches_the_view(
    app: Flask, admin: OrganiserClient, default_campaign: str
) -> None:
    url = f"/dashboard/campaigns/{default_campaign}/submissions/{2**31 - 1}/moderate"
    response = admin.post(url, data={"csrf_token": admin.token, "action": "hide"})
    assert response.status_code == 404  # no such letter, answered by the view itself


@pytest.mark.parametrize(
    "asked", ["/dashboard/\r\nSet-Cookie: x=1", "/dashboard/\nx", "/dashboard\r", "/dashboard/\x00"]
)
def test_login_next_with_control_characters_lands_on_the_dashboard(app: Flask, asked: str) -> None:
    create_account(app, ADMIN)
    client = app.test_client()
    page = client.get("/dashboard/login", query_string={"next": asked})
    assert page.status_code in (200, 400)
    data = {"email": ADMIN, "password": PASSWORD, "csrf_token": page_token(client), "next": asked}
    response = client.post("/dashboard/login", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")
