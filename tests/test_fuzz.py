"""Hypothesis throws any text at every form and JSON endpoint: never a 500, nothing half-written."""

from __future__ import annotations

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
values = st.one_of(
    nasty,
    st.just(""),
    st.sampled_from(["preview", "send", "edit", "MI", "48126", "a@example.org", "y", "1"]),
    st.integers(min_value=0, max_value=10**6).map(str),
    st.builds(lambda n: "x" * n, st.integers(min_value=1000, max_value=70_000)),
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


@given(fields=st.lists(st.tuples(st.sampled_from(EDITOR_FIELDS), values), max_size=25))
@FUZZ
def test_campaign_editor_never_fails(
    app: Flask, default_campaign: str, fields: list[tuple[str, str]]
) -> None:
    from tests.dashboard.helpers import ADMIN, OrganiserClient, create_account, log_in

    if not hasattr(app, "_fuzz_admin"):
        create_account(app, ADMIN)
        app._fuzz_admin = True  # type: ignore[attr-defined]
    client = OrganiserClient(app, app.response_class, use_cookies=True)
    log_in(client, ADMIN)
    for url in ("/dashboard/campaigns/new", f"/dashboard/campaigns/{default_campaign}/edit"):
        token = csrf_token(client.get(url).text)
        response = _post(client, url, fields, token)
        assert response.status_code in (200, 302, 400, 413, 422), (url, response.status_code)
