"""Widget guards: signed tokens, same-origin posts, allowed embedders, framing, rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from werkzeug.test import TestResponse

from tests.supporter.campaign_files import NOTHING_RECORDED, record_counts
from tests.test_security import csp_directives
from tests.widget.helpers import (
    OWN_ORIGIN,
    form_token,
    letter_data,
    open_widget,
    post_widget,
    widget_campaign,
)
from webapp.widget.security import TOKEN_SALT

PARTNER_SITE = "https://partner.example"
OTHER_SITE = "https://other.example"


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


@pytest.fixture
def restricted(app: Flask, tmp_path: Path) -> str:
    """A campaign that only partner.example may embed."""
    return widget_campaign(app, tmp_path, slug="partner-only", origins=(PARTNER_SITE,))


def _foreign_token(app: Flask, client: FlaskClient, slug: str, kind: str) -> str | None:
    if kind == "absent":
        return None
    if kind == "garbage":
        return "not-a-token"
    if kind == "signed with another key":
        return str(
            URLSafeTimedSerializer("another-key", salt=TOKEN_SALT).dumps(
                {"c": 1, "p": "", "n": "x"}
            )
        )
    other = widget_campaign(app, Path(app.config["INSTANCE_PATH"]), slug="other-campaign")
    return form_token(open_widget(client, other).text)  # "for another campaign"


@pytest.mark.parametrize(
    "kind", ["absent", "garbage", "signed with another key", "for another campaign"]
)
def test_post_without_a_valid_token_is_refused_and_records_nothing(
    app: Flask, client: FlaskClient, slug: str, kind: str
) -> None:
    token = _foreign_token(app, client, slug, kind)
    data = letter_data("", form_token=token)

    response = post_widget(client, slug, data)

    assert response.status_code == 400
    assert "nothing was recorded" in response.text
    assert record_counts(app) == NOTHING_RECORDED


@pytest.mark.parametrize(
    ("origin", "referer"),
    [
        (OTHER_SITE, None),
        ("null", None),
        (None, f"{OTHER_SITE}/page"),
        (None, None),
        (OTHER_SITE, f"{OWN_ORIGIN}/widget/safe-water"),
    ],
    ids=["cross-site origin", "opaque origin", "cross-site referer", "neither", "origin wins"],
)
def test_post_from_another_site_is_refused_and_records_nothing(
    app: Flask, client: FlaskClient, slug: str, origin: str | None, referer: str | None
) -> None:
    token = form_token(open_widget(client, slug).text)
    extra: dict[str, Any] = {"HTTP_REFERER": referer} if referer else {}

    response = post_widget(client, slug, letter_data(token), origin=origin, **extra)

    assert response.status_code == 400
    assert record_counts(app) == NOTHING_RECORDED


def test_post_with_our_referer_and_no_origin_header_is_accepted(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    token = form_token(open_widget(client, slug).text)
    response = post_widget(
        client, slug, letter_data(token), origin=None, HTTP_REFERER=f"{OWN_ORIGIN}/widget/{slug}"
    )
    assert response.status_code == 200 and "Thank you, <bdi>Rasha</bdi>" in response.text
    assert record_counts(app)["Submission"] == 1


@pytest.fixture
def time_passes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Shift the token clock: append seconds to the list to move every signature check on."""
    shift = [0]
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + sum(shift))
    yield shift


def test_expired_token_shows_the_form_again_with_everything_typed_and_records_nothing(
    app: Flask, client: FlaskClient, slug: str, time_passes: list[int]
) -> None:
    app.config["WIDGET_TOKEN_MAX_AGE_SECONDS"] = 3600
    page = open_widget(client, slug, partner="riverside", source="june", wid="w9")
    typed = letter_data(
        form_token(page.text),
        partner="riverside",
        source="june",
        wid="w9",
        partner_consent="y",
        consent_updates="y",
        last_name="Al-Haddad",
    )
    time_passes.append(3601)

    expired = post_widget(client, slug, typed)

    assert expired.status_code == 422
    assert "This form had been open a long time" in expired.text
    for name in (
        "first_name",
        "last_name",
        "email",
        "street",
        "city",
        "zip_code",
        "partner",
        "source",
        "wid",
    ):
        assert f'name="{name}"' in expired.text and f'value="{typed[name]}"' in expired.text, name
    assert "My daughter drinks from those fountains." in expired.text
    assert '<option selected value="MI">' in expired.text
    assert record_counts(app) == NOTHING_RECORDED

    fresh = form_token(expired.text)
    assert fresh != typed["form_token"]
    sent = post_widget(client, slug, {**typed, "form_token": fresh})
    assert sent.status_code == 200 and "Thank you, <bdi>Rasha</bdi>" in sent.text
    assert record_counts(app)["Consent"] == 2


@pytest.mark.parametrize(
    ("parent", "referer"),
    [
        (OTHER_SITE, None),
        (None, None),
        (None, f"{OTHER_SITE}/blog"),
        (PARTNER_SITE, f"{OTHER_SITE}/blog"),
        ("javascript:alert(1)", None),
    ],
    ids=["other parent", "no parent", "other referer", "parent and referer disagree", "not a url"],
)
def test_restricted_campaign_refuses_to_render_for_other_embedders(
    client: FlaskClient, restricted: str, parent: str | None, referer: str | None
) -> None:
    params = {"parent": parent} if parent else {}
    headers = {"Referer": referer} if referer else {}
    response = client.get(f"/widget/{restricted}", query_string=params, headers=headers)

    assert response.status_code == 403
    assert "This letter cannot be shown here." in response.text
    assert "<form" not in response.text and "form_token" not in response.text
    # The refusal (no form in it) shows in any frame, or the visitor would see the browser's
    # "refused to connect"; the letter itself is framed only by the partner (next test).
    frame = csp_directives(response.headers["Content-Security-Policy"])["frame-ancestors"]
    assert frame == ["*"]
    # The site's owner is told which origin to have added: the page's own, as seen.
    told = f"Ask the campaign’s organisers to add <bdi>{OTHER_SITE}</bdi>"
    assert (told in response.text) == (OTHER_SITE in f"{parent} {referer}")
    assert "javascript" not in response.text.split("<main", 1)[1]


@pytest.mark.parametrize("mode", ["letter", "signup", "counter"])
def test_restricted_campaign_renders_for_its_partner_and_may_be_framed_only_there(
    client: FlaskClient, restricted: str, mode: str
) -> None:
    response = client.get(
        f"/widget/{restricted}",
        query_string={"parent": PARTNER_SITE, "mode": mode},
        headers={"Referer": f"{PARTNER_SITE}/campaign"},
    )
    assert response.status_code == 200
    frame = csp_directives(response.headers["Content-Security-Policy"])["frame-ancestors"]
    assert frame == ["'self'", PARTNER_SITE]
    assert "X-Frame-Options" not in response.headers


def test_open_campaign_may_be_framed_by_any_site(client: FlaskClient, slug: str) -> None:
    response = open_widget(client, slug, parent=OTHER_SITE)
    assert response.status_code == 200
    assert csp_directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == ["*"]
    assert "X-Frame-Options" not in response.headers


NON_WIDGET_PAGES = [
    "/",
    "/campaigns/safe-water",
    "/campaigns/safe-water?partner=riverside",
    "/dashboard/login",
    "/api/representatives?zip=48126",
    "/embed.js",
    "/static/css/widget.css",
    "/static/js/widget.js",
    "/widget/no-such-campaign",
]


@pytest.mark.parametrize("path", NON_WIDGET_PAGES)
def test_every_page_outside_the_widget_still_refuses_framing(
    client: FlaskClient, slug: str, path: str
) -> None:
    open_widget(client, slug)  # a widget response just before must not leak its policy
    response = client.get(path)
    assert response.status_code < 500
    assert csp_directives(response.headers["Content-Security-Policy"])["frame-ancestors"] == [
        "'none'"
    ]
    assert response.headers.get("X-Frame-Options") == "DENY"


def _post_from(client: FlaskClient, slug: str, address: str, **overrides: Any) -> TestResponse:
    """Open the widget and post a letter (sent unless `action` says otherwise) from `address`."""
    token = form_token(open_widget(client, slug).text)
    return post_widget(client, slug, letter_data(token, **overrides), REMOTE_ADDR=address)


def test_widget_sends_are_rate_limited_per_address_and_the_limit_records_nothing(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    app.config["LETTER_RATE_LIMIT"] = "3/minute"
    served = [
        _post_from(client, slug, "10.0.0.7", email=f"writer{n}@example.org").status_code
        for n in range(3)
    ]

    limited = _post_from(client, slug, "10.0.0.7", email="writer4@example.org")

    assert served == [200, 200, 200]
    assert limited.status_code == 429
    assert "Too many" in limited.text
    assert int(limited.headers["Retry-After"]) > 0
    assert "Set-Cookie" not in limited.headers
    assert record_counts(app)["Submission"] == 3, "the refused letter was recorded"
    preview = _post_from(client, slug, "10.0.0.7", email="writer4@example.org", action="preview")
    assert preview.status_code == 200, "checking a letter does not count against the limit"
    other = _post_from(client, slug, "10.0.0.8", email="writer5@example.org")
    assert other.status_code == 200, "another address is not limited"


def test_rate_limited_widget_post_is_still_allowed_to_show_in_the_frame(
    app: Flask, client: FlaskClient, slug: str
) -> None:
    # Otherwise the supporter sees the browser's "refused to connect" instead of the message.
    app.config["LETTER_RATE_LIMIT"] = "1/minute"
    _post_from(client, slug, "10.0.0.9", email="first@example.org")

    limited = _post_from(client, slug, "10.0.0.9", email="second@example.org")

    assert limited.status_code == 429
    frame = csp_directives(limited.headers["Content-Security-Policy"])["frame-ancestors"]
    assert frame == ["*"], "the widget's 429 page refuses to be framed"
    assert "X-Frame-Options" not in limited.headers
    # The letter is held as posted, to send again once the window has passed.
    assert '<input type="hidden" name="email" value="second@example.org">' in limited.text
    assert "Nothing was recorded, and nothing you wrote is lost" in limited.text
