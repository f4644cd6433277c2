"""Who may open which organiser URL: logged-out visitors, partner accounts, admins; CSRF."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, Rule

from tests.dashboard.helpers import (
    ADMIN,
    add_partner,
    audit_actions,
    page_token,
    release_leaked_sessions,  # noqa: F401  (a fixture, used below)
    signed_in,
)
from tests.dashboard.letters import (
    PRESIDENT,
    Letter,
    Office,
    add_letters,
)
from tests.supporter.campaign_files import write_campaign
from webapp.database import db
from webapp.models import DeliveryStatus, Role, Submission

pytestmark = pytest.mark.usefixtures("release_leaked_sessions")
PUBLIC = {"dashboard.login", "dashboard.reset_request", "dashboard.reset"}
# Admin-only endpoints; the editor's appear once webapp/dashboard/editor.py exists.
ADMIN_ONLY = (
    "dashboard.channels",
    "dashboard.packet_list",
    "dashboard.packet",
    "dashboard.audit_log",
    "dashboard.moderate",
    "dashboard.release",
    "dashboard.decline",
    "dashboard.changeover_action",
    "dashboard.retry_dead_letters",
    "dashboard.new_campaign",
    "dashboard.edit_campaign",
    "dashboard.preview_campaign",
    "dashboard.campaign_file",
    "dashboard.import_campaign_file",
)
KNOWN = {
    "dashboard.home",
    "dashboard.campaign",
    "dashboard.campaign_data",
    "dashboard.embed",
    "dashboard.moderate",
    "dashboard.export",
    "dashboard.packet_list",
    "dashboard.packet",
    "dashboard.audit_log",
    "dashboard.logout",
}
PACKET_OFFICE = Office("target:packet-office", "Town Clerk", DeliveryStatus.PACKET)


@dataclass
class World:
    """Two campaigns: the coalition letter (partners alpha, beta) and water (partner gamma)."""

    slug: str
    water: str
    alpha_letter: int
    beta_letter: int
    water_letter: int


@pytest.fixture
def world(app: Flask, default_campaign: str, tmp_path: Path) -> World:
    add_partner(app, default_campaign, "alpha", "Alpha Org")
    add_partner(app, default_campaign, "beta", "Beta Org")
    water = write_campaign(
        app, tmp_path, "water", extra="partners:\n  - {code: gamma, name: Gamma Group}\n"
    )
    alpha, beta = add_letters(
        app,
        default_campaign,
        [
            Letter("alpha@example.org", partner="alpha", consents=("alpha",), personal_message="A"),
            Letter(
                "beta@example.org",
                state="CA",
                district=12,
                partner="beta",
                consents=("beta",),
                personal_message="B",
                offices=(PRESIDENT, PACKET_OFFICE),
            ),
        ],
    )
    (gamma,) = add_letters(
        app, water, [Letter("gamma@example.org", partner="gamma", personal_message="G")]
    )
    return World(default_campaign, water, alpha, beta, gamma)


def dashboard_rules(app: Flask) -> list[Rule]:
    """Every organiser rule: under /dashboard, except the sign-in pages and static files."""
    return [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/dashboard")
        and rule.endpoint not in PUBLIC
        and not rule.endpoint.endswith("static")
    ]


def sample_url(app: Flask, rule: Rule, world: World) -> str:
    """The rule's URL with real values: the coalition campaign, a real letter, a real packet."""
    values: dict[str, Any] = {}
    for name in rule.arguments:
        if name == "slug":
            values[name] = world.slug
        elif name == "submission_id":
            values[name] = world.beta_letter
        elif name == "key":
            values[name] = PACKET_OFFICE.key
        elif isinstance(rule._converters[name], IntegerConverter):
            values[name] = 1
        else:
            values[name] = "sample"
    with app.test_request_context():
        return url_for(rule.endpoint, **values)


def _login_redirect(path: str) -> str:
    return "/dashboard/login?next=" + quote(path, safe="")


def test_every_organiser_url_sends_a_logged_out_visitor_to_login(app: Flask, world: World) -> None:
    rules = dashboard_rules(app)
    assert {r.endpoint for r in rules} >= KNOWN
    client = app.test_client()
    token = page_token(client)
    checked = 0
    for rule in rules:
        path = sample_url(app, rule, world)
        if "GET" in (rule.methods or ()):
            response = client.get(path)
            assert response.status_code == 302, (rule.endpoint, response.status_code)
            assert response.headers["Location"] == _login_redirect(path), rule.endpoint
            checked += 1
        if "POST" in (rule.methods or ()):
            response = client.post(path, data={"csrf_token": token, "action": "hide"})
            assert response.status_code == 302, (rule.endpoint, response.status_code)
            assert response.headers["Location"] == _login_redirect(path), rule.endpoint
            checked += 1
    assert checked >= len(KNOWN)
    with app.app_context():
        assert not any(db.session.scalars(select(Submission.hidden)))
    assert [a for a, _ in audit_actions(app) if not a.startswith("account.")] == []


def test_partner_gets_404_for_a_campaign_it_does_not_share(app: Flask, world: World) -> None:
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    for path in ("", "/data.json", "/export.csv", "/embed"):
        assert alpha.get(f"/dashboard/campaigns/{world.water}{path}").status_code == 404, path
        assert alpha.get(f"/dashboard/campaigns/no-such-campaign{path}").status_code == 404, path
    home = alpha.get("/dashboard/")
    assert home.status_code == 200
    assert f'href="/dashboard/campaigns/{world.slug}"' in home.text
    assert f'href="/dashboard/campaigns/{world.water}"' not in home.text


def test_partner_gets_403_on_admin_only_pages(app: Flask, world: World) -> None:
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    token = alpha.token
    rules = {r.endpoint: r for r in dashboard_rules(app)}
    for endpoint in ADMIN_ONLY:
        rule = rules.get(endpoint)
        if rule is None:
            continue  # an editor endpoint not written yet
        path = sample_url(app, rule, world)
        if "GET" in (rule.methods or ()):
            assert alpha.get(path).status_code == 403, endpoint
        if "POST" in (rule.methods or ()):
            response = alpha.post(path, data={"csrf_token": token, "action": "hide"})
            assert response.status_code == 403, endpoint


def test_partner_cannot_moderate_by_changing_the_submission_id(app: Flask, world: World) -> None:
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    token = alpha.token
    for sid in (world.alpha_letter, world.beta_letter, world.water_letter):
        for slug in (world.slug, world.water):
            url = f"/dashboard/campaigns/{slug}/submissions/{sid}/moderate"
            response = alpha.post(url, data={"csrf_token": token, "action": "hide"})
            assert response.status_code in (403, 404), (slug, sid)
    with app.app_context():
        assert not any(db.session.scalars(select(Submission.hidden)))
    assert [a for a, _ in audit_actions(app) if a.startswith("moderation.")] == []


def test_admin_cannot_moderate_another_campaigns_letter_through_this_one(
    app: Flask, world: World
) -> None:
    admin = signed_in(app, ADMIN)
    token = admin.token
    url = f"/dashboard/campaigns/{world.slug}/submissions/{world.water_letter}/moderate"
    response = admin.post(url, data={"csrf_token": token, "action": "hide"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Submission, world.water_letter).hidden is False  # type: ignore[union-attr]
    assert [a for a, _ in audit_actions(app) if a.startswith("moderation.")] == []


def test_partner_reads_only_its_own_numbers_and_supporters(app: Flask, world: World) -> None:
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    data = alpha.get(f"/dashboard/campaigns/{world.slug}/data.json").get_json()
    assert data["supporters"] == 1
    assert data["by_state"] == {"MI": 1}
    assert data["by_district"] == {"MI-12": 1}
    for admin_only in ("by_partner", "by_source", "per_hour", "deliveries_by_status"):
        assert admin_only not in data
    csv = alpha.get(f"/dashboard/campaigns/{world.slug}/export.csv").text
    assert "alpha@example.org" in csv
    assert "beta@example.org" not in csv and "gamma@example.org" not in csv
    beta = signed_in(app, "beta@partner.example.org", Role.PARTNER, "beta")
    data = beta.get(f"/dashboard/campaigns/{world.slug}/data.json").get_json()
    assert (data["supporters"], data["by_state"]) == (1, {"CA": 1})
    assert "alpha@example.org" not in beta.get(f"/dashboard/campaigns/{world.slug}/export.csv").text


def test_embed_snippets_have_their_own_page_each_partner_only_its_own(
    app: Flask, world: World
) -> None:
    """The snippets left the dashboard (they pushed its numbers screens down); their page
    keeps its access rules: an admin gets every partner's, a partner account only its own."""
    snippet = 'id="snippet-{}-script"'
    admin = signed_in(app, ADMIN)
    dashboard = admin.get(f"/dashboard/campaigns/{world.slug}").text
    embed_url = f"/dashboard/campaigns/{world.slug}/embed"
    assert f'href="{embed_url}"' in dashboard
    assert "<textarea" not in dashboard and 'id="embed-heading"' not in dashboard
    page = admin.get(embed_url)
    assert page.status_code == 200, page.text
    assert snippet.format("alpha") in page.text and snippet.format("beta") in page.text
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    assert f'href="{embed_url}"' in alpha.get(f"/dashboard/campaigns/{world.slug}").text
    own = alpha.get(embed_url)
    assert own.status_code == 200, own.text
    assert snippet.format("alpha") in own.text
    assert "beta" not in own.text.casefold() and "gamma" not in own.text.casefold()


def test_admin_sees_every_campaign_and_every_page(app: Flask, world: World) -> None:
    admin = signed_in(app, ADMIN)
    home = admin.get("/dashboard/")
    assert home.status_code == 200, home.text
    for slug in (world.slug, world.water):
        assert f'href="/dashboard/campaigns/{slug}"' in home.text
        assert admin.get(f"/dashboard/campaigns/{slug}/data.json").get_json()["supporters"] == (
            2 if slug == world.slug else 1
        )
    for rule in dashboard_rules(app):
        if "GET" in (rule.methods or ()) and "<" not in rule.rule.replace("<slug>", ""):
            path = sample_url(app, rule, world)
            assert admin.get(path).status_code == 200, rule.endpoint
    packet = admin.get(sample_url(app, _rule(app, "dashboard.packet"), world))
    assert packet.status_code == 200
    assert "Town Clerk" in packet.text


def _rule(app: Flask, endpoint: str) -> Rule:
    return next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)


def test_every_dashboard_post_without_a_csrf_token_is_refused(
    app: Flask, world: World, client: FlaskClient
) -> None:
    admin = signed_in(app, ADMIN)
    posts = [
        r
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/dashboard") and "POST" in (r.methods or ())
    ]
    assert {"dashboard.login", "dashboard.logout", "dashboard.moderate"} <= {
        r.endpoint for r in posts
    }
    for rule in posts:
        path = (
            sample_url(app, rule, world)
            if rule.endpoint != "dashboard.reset"
            else ("/dashboard/reset/not-a-token")
        )
        response = admin.post(path, data={"action": "hide", "email": ADMIN})
        assert response.status_code == 400, (rule.endpoint, response.status_code)
    with app.app_context():
        assert not any(db.session.scalars(select(Submission.hidden)))
    # Still signed in: the token-less logout did nothing.
    assert admin.get(f"/dashboard/campaigns/{world.slug}/data.json").status_code == 200


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_partners_page_points_to_no_admin_only_page(
    app: Flask, world: World, language: str
) -> None:
    """The delivery hint ended "the channel map follows it to the office's door": a partner
    cannot open the channel map (403), so its page sent them nowhere."""
    app.config["BABEL_DEFAULT_LOCALE"] = language
    alpha = signed_in(app, "alpha@partner.example.org", Role.PARTNER, "alpha")
    page = alpha.get(f"/dashboard/campaigns/{world.slug}").text
    assert ("channel map" if language == "en" else "خريطة القنوات") not in page
    assert "/channels" not in page
