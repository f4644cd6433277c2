"""Hypothesis throws any text at every form and JSON endpoint: never a 500, nothing half-written."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tests.conftest import csrf_token
from webapp.database import db
from webapp.models import Delivery, Notification, Submission, Supporter

LETTER_FIELDS = (
    "prefix",
    "first_name",
    "last_name",
    "email",
    "street",
    "city",
    "state",
    "zip_code",
    "personal_message",
    "body",
    "consent_updates",
    "partner_consent",
    "private",
    "district",
    "recipients",
    "recipients_chosen",
    "recipients_shown",
    "source",
    "partner",
    "started",
    "website",
    "action",
)
# Arabic, right-to-left and bidi controls, zero-width characters, C0/C1 controls, surrogates
# are excluded by Hypothesis for UTF-8 safety but lone combining marks and emoji are not.
nasty = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("سوريا‏‎‪‫‬‭‮⁦⁧⁨⁩\u200b\u200c\u200d\ufeff\x00\x07\x1b\r\n\t")),
    ),
    max_size=300,
)
# Digits of every script (Unicode Nd: Arabic-Indic, full-width, Devanagari…), alone or in a ZIP.
other_digits = st.text(alphabet=st.characters(categories=["Nd"]), min_size=1, max_size=12)
numerals = st.sampled_from(["²", "①", "٤٨١٢٦", "４８１２６", "४८१२६", "٤٨١٢٦-١٢٣٤", "١٣", "Ⅻ", "½"])
# Numbers past what an INTEGER column (2**31 - 1), a SQLite one (2**63 - 1) or int() can hold.
huge_ints = st.one_of(
    st.integers(min_value=2**31 - 2, max_value=2**200),
    st.integers(min_value=-(2**70), max_value=-1),
    st.sampled_from([2**31, 2**63, 2**64]),
)
huge_numbers = st.one_of(
    huge_ints.map(str), st.builds(lambda n: "9" * n, st.integers(min_value=19, max_value=5000))
)
values = st.one_of(
    nasty,
    st.just(""),
    st.sampled_from(["preview", "send", "edit", "MI", "48126", "a@example.org", "y", "1"]),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.builds(lambda n: "x" * n, st.integers(min_value=1000, max_value=70_000)),
    other_digits,
    numerals,
    huge_numbers,
)
pairs = st.lists(st.tuples(st.one_of(st.sampled_from(LETTER_FIELDS), nasty), values), max_size=30)
FUZZ = settings(
    max_examples=75,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    # Fuzzing sends hundreds of requests from one address; the limits have their own tests.
    return {**app_config, "RATELIMIT_ENABLED": False}


def _consistent(app: Flask) -> None:
    """Every submission has its deliveries and its email; no supporter without a letter."""
    with app.app_context():
        session = db.session()
        orphans = session.scalar(
            select(func.count(Submission.id)).where(
                ~select(Delivery.id).where(Delivery.submission_id == Submission.id).exists()
            )
        )
        lonely = session.scalar(
            select(func.count(Supporter.id)).where(
                ~select(Submission.id).where(Submission.supporter_id == Supporter.id).exists()
            )
        )
        unannounced = session.scalar(
            select(func.count(Submission.id)).where(
                ~select(Notification.id).where(Notification.submission_id == Submission.id).exists()
            )
        )
        assert (orphans, lonely, unannounced) == (0, 0, 0)


def _post(client: FlaskClient, url: str, fields: list[tuple[str, str]], token: str) -> Any:
    data = MultiDict(fields)
    data.add("csrf_token", token)
    return client.post(url, data=data)


@given(fields=pairs)
@FUZZ
def test_letter_form_never_fails_whatever_is_posted(
    app: Flask, client: FlaskClient, default_campaign: str, fields: list[tuple[str, str]]
) -> None:
    url = f"/campaigns/{default_campaign}"
    token = csrf_token(client.get(url).text)
    response = _post(client, url, fields, token)
    assert response.status_code in (200, 303, 400, 413, 422, 429), response.status_code
    _consistent(app)


@given(fields=pairs, with_valid_base=st.booleans())
@FUZZ
def test_letters_with_fuzzed_text_are_recorded_whole_or_not_at_all(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    fields: list[tuple[str, str]],
    with_valid_base: bool,
) -> None:
    base = [
        ("first_name", "Rasha"),
        ("last_name", "Haddad"),
        ("email", "r@example.org"),
        ("city", "Dearborn"),
        ("state", "MI"),
        ("zip_code", "48126"),
        ("action", "send"),
    ]
    url = f"/campaigns/{default_campaign}"
    token = csrf_token(client.get(url).text)
    # Fuzzed values override the valid ones field by field (MultiDict keeps the first).
    response = _post(client, url, [*fields, *(base if with_valid_base else [])], token)
    assert response.status_code in (200, 303, 400, 413, 422, 429), response.status_code
    _consistent(app)


@given(fields=pairs)
@FUZZ
def test_widget_post_never_fails(
    app: Flask, client: FlaskClient, default_campaign: str, fields: list[tuple[str, str]]
) -> None:
    page = client.get(f"/widget/{default_campaign}?wid=w1&parent=https://p.example.org").text
    token = page.split('name="form_token" value="', 1)[1].split('"', 1)[0]
    data = MultiDict(fields)
    data.add("form_token", token)
    response = client.post(
        f"/widget/{default_campaign}", data=data, headers={"Origin": "http://localhost"}
    )
    assert response.status_code in (200, 400, 403, 413, 422, 429), response.status_code
    assert "Set-Cookie" not in response.headers
    _consistent(app)


query = st.lists(
    st.tuples(st.sampled_from(["zip", "address", "state", "campaign", "x"]), values), max_size=8
)


@given(params=query)
@FUZZ
def test_representatives_api_answers_json_whatever_is_asked(
    app: Flask, client: FlaskClient, default_campaign: str, params: list[tuple[str, str]]
) -> None:
    response = client.get("/api/representatives", query_string=MultiDict(params))
    assert response.status_code in (200, 400, 404, 414), response.status_code
    if response.status_code != 414:
        assert response.is_json


@given(slug=nasty)
@FUZZ
def test_stats_and_pages_take_any_slug(app: Flask, client: FlaskClient, slug: str) -> None:
    for url in (
        f"/api/campaigns/{slug}/stats",
        f"/campaigns/{slug}",
        f"/widget/{slug}",
        f"/receipts/{slug}",
        f"/confirm/{slug}",
    ):
        response = client.get(url)
        assert response.status_code < 500, (url, response.status_code)


@pytest.mark.parametrize("path", ["/dashboard/login", "/dashboard/reset"])
@given(fields=pairs)
@FUZZ
def test_sign_in_forms_never_fail(
    app: Flask, client: FlaskClient, path: str, fields: list[tuple[str, str]]
) -> None:
    token = csrf_token(client.get(path).text)
    response = _post(client, path, fields, token)
    assert response.status_code in (200, 302, 400, 413), response.status_code


EDITOR_FIELDS = (
    "slug",
    "title",
    "subject",
    "salutation",
    "closing",
    "body",
    "body_editable",
    "status",
    "goal",
    "starts_at",
    "ends_at",
    "allowed_origins",
    "topics",
    "signatories",
    "lookup_chambers",
    "targets-0-name",
    "targets-0-email",
    "partners-0-code",
    "partners-0-name",
    "action",
)


def _admin_client(app: Flask) -> Any:
    """A client signed in as the one admin account the fuzzed app gets."""
    from tests.dashboard.helpers import ADMIN, OrganiserClient, create_account, log_in

    if not hasattr(app, "_fuzz_admin"):
        create_account(app, ADMIN)
        app._fuzz_admin = True  # type: ignore[attr-defined]
    client = OrganiserClient(app, app.response_class, use_cookies=True)
    log_in(client, ADMIN)
    return client


@given(fields=st.lists(st.tuples(st.sampled_from(EDITOR_FIELDS), values), max_size=25))
@FUZZ
def test_campaign_editor_never_fails(
    app: Flask, default_campaign: str, fields: list[tuple[str, str]]
) -> None:
    client = _admin_client(app)
    for url in ("/dashboard/campaigns/new", f"/dashboard/campaigns/{default_campaign}/edit"):
        token = csrf_token(client.get(url).text)
        response = _post(client, url, fields, token)
        assert response.status_code in (200, 302, 400, 413, 422), (url, response.status_code)


@given(asked=st.one_of(nasty, st.builds(lambda a, b: f"/dashboard/{a}\r\n{b}", nasty, nasty)))
@FUZZ
def test_login_next_never_fails_and_never_leaves_the_dashboard(
    app: Flask, client: FlaskClient, asked: str
) -> None:
    from tests.dashboard.helpers import ADMIN, PASSWORD

    _admin_client(app)  # creates the account
    page = client.get("/dashboard/login", query_string={"next": asked})
    assert page.status_code in (200, 400), page.status_code
    token = csrf_token(client.get("/dashboard/login").text)
    data = {"email": ADMIN, "password": PASSWORD, "next": asked, "csrf_token": token}
    response = client.post("/dashboard/login", data=data)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 302:
        assert response.headers["Location"].startswith("/dashboard")
        assert "\r" not in response.headers["Location"] and "\n" not in response.headers["Location"]
    client.post("/dashboard/logout", data={"csrf_token": token})


@given(submission_id=huge_ints)
@FUZZ
def test_ids_no_integer_column_can_hold_are_404(
    app: Flask, default_campaign: str, submission_id: int
) -> None:
    client = _admin_client(app)
    data = {"csrf_token": client.token, "action": "hide"}
    for url in (
        f"/dashboard/campaigns/{default_campaign}/submissions/{submission_id}/moderate",
        f"/dashboard/campaigns/{default_campaign}/submissions/{submission_id}/release",
        f"/dashboard/campaigns/{default_campaign}/submissions/{submission_id}/decline",
        f"/receipts/none/deliveries/{submission_id}/done",
    ):
        assert client.post(url, data=data).status_code == 404, url


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        huge_ints,
        st.floats(allow_nan=False),
        nasty,
        st.sampled_from(LETTER_FIELDS),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(LETTER_FIELDS), nasty), inner, max_size=8),
    ),
    max_leaves=25,
)


@given(body=json_values)
@FUZZ
def test_json_bodies_never_fail(
    app: Flask, client: FlaskClient, default_campaign: str, body: Any
) -> None:
    url = f"/campaigns/{default_campaign}"
    token = csrf_token(client.get(url).text)
    for target in (url, f"/widget/{default_campaign}", "/dashboard/login", "/dashboard/reset"):
        response = client.post(
            target,
            data=json.dumps(body),
            content_type="application/json",
            headers={"X-CSRFToken": token, "Origin": "http://localhost"},
        )
        assert response.status_code in (200, 302, 303, 400, 403, 413, 422), (target, response)
    _consistent(app)


@given(body=st.binary(max_size=300))
@FUZZ
def test_any_chunked_body_never_fails(
    app: Flask, default_campaign: str, live_server: Any, body: bytes
) -> None:
    from tests.test_hardening import raw_chunked_post

    for path in (f"/campaigns/{default_campaign}", "/dashboard/login"):
        status = raw_chunked_post(live_server, path, body).split(b"\r\n", 1)[0]
        assert status[9:10] == b"4" or status[9:12] in (b"200", b"303"), (path, status)


dates = st.one_of(
    st.builds(
        "{}-{}-{}".format,
        st.integers(min_value=-10, max_value=99_999),
        st.integers(min_value=-1, max_value=99),
        st.integers(min_value=-1, max_value=99),
    ),
    st.builds(
        "{}T{:02d}:00:00{}".format,
        st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-29", "2026-13-45", "٢٠٢٦-١٢-٠١"]),
        st.integers(min_value=0, max_value=30),
        st.sampled_from(["", "Z", "+14:00", "-12:00", "+99:00"]),
    ),
    other_digits,
    huge_numbers,
    nasty,
)
front_values = st.one_of(dates, huge_numbers, other_digits, numerals, huge_ints.map(str), nasty)


@given(
    goal=front_values,
    starts=dates,
    ends=dates,
    extra=st.one_of(nasty, st.sampled_from(["x: &a [1]\ny: *a", "x: " + "[" * 500, "? [a]\n: b"])),
)
@FUZZ
def test_imported_campaign_files_never_fail(
    app: Flask, goal: str, starts: str, ends: str, extra: str
) -> None:
    client = _admin_client(app)
    front = (
        f"slug: fuzzed\ntitle: T\nsubject: S\nsalutation: Dear friend,\n"
        f"targets:\n  - kind: custom\n    name: The Mayor\n"
        f"goal: {goal}\nstarts_at: {starts}\nends_at: {ends}\n{extra}\n"
    )
    for text in (f"---\n{front}---\nThe letter.\n", f"---\n{extra}\n---\nThe letter.\n"):
        upload = {
            "csrf_token": client.token,
            "campaign_file": (io.BytesIO(text.encode("utf-8", "surrogatepass")), "c.md"),
        }
        response = client.post("/dashboard/campaigns/import", data=upload)
        assert response.status_code in (302, 422), response.status_code
        assert len(response.data) < 200_000
