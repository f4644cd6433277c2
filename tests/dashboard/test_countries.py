"""Letters from abroad: counted by country on the dashboard, the public JSON and the CSV."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from tests.dashboard.helpers import (
    ADMIN,
    add_partner,
    campaign_id,
    release_leaked_sessions,  # noqa: F401  (a fixture, used below)
    signed_in,
)
from tests.dashboard.letters import Letter, add_letters
from webapp.database import db
from webapp.models import Role, Submission
from webapp.services.stats import public_letter_count, refresh_submission_tallies, tallies
from webapp.supporter.templating import country_name

pytestmark = pytest.mark.usefixtures("release_leaked_sessions")

BEFORE_COUNTRIES = "72a220968cc7"


def _abroad(
    email: str, country: str, city: str, partner: str | None = None, private: bool = False
) -> Letter:
    """A letter from abroad: no US state, ZIP code or district."""
    return Letter(
        email,
        state=None,
        zip_code=None,
        district=None,
        country=country,
        city=city,
        partner=partner,
        private=private,
    )


def _three_letters(app: Flask, slug: str) -> None:
    """One letter each from Germany, France and Vermont (at large), two through partner alpha."""
    add_partner(app, slug, "alpha", "Alpha Org")
    add_letters(
        app,
        slug,
        [
            _abroad("berlin@example.org", "DE", "Berlin"),
            _abroad("paris@example.org", "FR", "Paris", partner="alpha"),
            Letter("vt@example.org", state="VT", district=0, zip_code="05401", partner="alpha"),
        ],
    )


def _country_rows(html: str) -> dict[str, str]:
    """The "By country" table as {row label: count}."""
    table = html.split('id="by-country"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(.*?)</td><td class=\"num\">([\d,]+)</td></tr>", table)
    return dict(rows)


def test_dashboard_counts_letters_by_country_and_maps_only_us_states(
    app: Flask, default_campaign: str
) -> None:
    _three_letters(app, default_campaign)
    client = signed_in(app, ADMIN)
    page = client.get(f"/dashboard/campaigns/{default_campaign}")
    assert page.status_code == 200
    assert _country_rows(page.text) == {
        "<bdi>Germany</bdi> (DE)": "1",
        "<bdi>France</bdi> (FR)": "1",
        "<bdi>United States</bdi> (US)": "1",
    }
    # The state tiles: Vermont has its letter; Germany's "DE" is not Delaware's.
    assert "<title>Vermont (VT): 1 letter</title>" in page.text
    assert "<title>Delaware (DE): 0 letters</title>" in page.text
    # An at-large seat reads as people write it; data.json keeps the stored "VT-0".
    assert '<td>VT-AL</td><td class="num">1</td>' in page.text and "VT-0" not in page.text
    data = client.get(f"/dashboard/campaigns/{default_campaign}/data.json").get_json()
    assert data["by_state"] == {"VT": 1}
    assert data["by_district"] == {"VT-0": 1}
    assert data["by_country"] == {"DE": 1, "FR": 1, "US": 1}
    assert data["supporters"] == 3


def test_partner_sees_its_own_letters_by_country(app: Flask, default_campaign: str) -> None:
    _three_letters(app, default_campaign)
    partner = signed_in(app, "ops@alpha.example.org", Role.PARTNER, "alpha")
    data = partner.get(f"/dashboard/campaigns/{default_campaign}/data.json").get_json()
    assert (data["by_country"], data["by_state"]) == ({"FR": 1, "US": 1}, {"VT": 1})


def test_public_stats_count_by_country_and_states_only_for_us_letters(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    _three_letters(app, default_campaign)
    # Kept off public counts: still on the organisers' numbers, never in the public JSON.
    add_letters(app, default_campaign, [_abroad("quiet@example.org", "DE", "Bonn", private=True)])
    body = client.get(f"/api/campaigns/{default_campaign}/stats").get_json()
    assert body["by_country"] == {"DE": 1, "FR": 1, "US": 1}
    assert body["by_state"] == {"VT": 1}
    assert body["letters"] == 3 == sum(body["by_country"].values())
    with app.app_context():
        organisers = tallies(db.session(), campaign_id(app, default_campaign), ["country"])
    assert organisers["country"] == {"DE": 2, "FR": 1, "US": 1}


def test_campaign_page_count_includes_letters_from_abroad(
    app: Flask, default_campaign: str
) -> None:
    _three_letters(app, default_campaign)
    with app.app_context():
        assert public_letter_count(db.session(), campaign_id(app, default_campaign)) == 3


def test_csv_export_has_a_country_column_and_blank_state_for_letters_from_abroad(
    app: Flask, default_campaign: str
) -> None:
    _three_letters(app, default_campaign)
    client = signed_in(app, ADMIN)
    response = client.get(f"/dashboard/campaigns/{default_campaign}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    by_email = {r["email"]: r for r in rows}
    berlin = by_email["berlin@example.org"]
    assert (berlin["country"], berlin["state"], berlin["zip"], berlin["district"]) == (
        "DE",
        "",
        "",
        "",
    )
    vermont = by_email["vt@example.org"]
    assert (vermont["country"], vermont["state"], vermont["district"]) == (
        "US",
        "VT",
        "VT-AL",
    )  # at large, as people write it
    assert vermont["offices"] == "1"


def test_letters_from_abroad_sign_with_their_city_alone(app: Flask, default_campaign: str) -> None:
    [berlin] = add_letters(app, default_campaign, [_abroad("b@example.org", "DE", "Berlin")])
    with app.app_context():
        submission = db.session.get(Submission, berlin)
        assert submission is not None
        assert submission.signature_lines == ["Rasha Haddad", "Berlin"]
        assert "None" not in submission.deliveries[0].final_text


def test_upgrade_counts_letters_tallied_before_it_under_us(
    app: Flask, default_campaign: str
) -> None:
    """Tallies kept before countries existed gain the matching "US" country counts."""
    cid = campaign_id(app, default_campaign)
    with app.app_context():
        downgrade(revision=BEFORE_COUNTRIES)
        with db.engine.begin() as connection:
            for dimension, bucket, count in [
                ("state", "MI", 2),
                ("state", "VT", 1),
                ("public_state", "MI", 1),
                ("partner_state", "7|MI", 1),
                ("partner_state", "7|VT", 2),
                ("partner_state", "8|MI", 1),
                ("day", "2026-11-20", 3),
            ]:
                connection.execute(
                    text(
                        "INSERT INTO submission_tally (campaign_id, dimension, bucket, count) "
                        "VALUES (:c, :d, :b, :n)"
                    ),
                    {"c": cid, "d": dimension, "b": bucket, "n": count},
                )
        upgrade()
        session = db.session()
        counted = tallies(session, cid, ["country", "public_country", "partner_country"])
        assert counted == {
            "country": {"US": 3},
            "public_country": {"US": 1},
            "partner_country": {"7|US": 3, "8|US": 1},
        }
        # New letters add to the carried-over counts.
        session.close()
    add_letters(app, default_campaign, [_abroad("new@example.org", "FR", "Lyon")])
    with app.app_context():
        refresh_submission_tallies(db.session())
        counted = tallies(db.session(), cid, ["country", "public_country", "state"])
        assert counted["country"] == {"US": 3, "FR": 1}
        assert counted["public_country"] == {"US": 1, "FR": 1}
        assert counted["state"] == {"MI": 2, "VT": 1}


def test_country_names_come_in_the_page_language() -> None:
    assert (country_name("DE"), country_name("DE", "fr"), country_name("DE", "ar")) == (
        "Germany",
        "Allemagne",
        "ألمانيا",
    )
    assert (country_name("QQ"), country_name(None), country_name("FR", "xx-nope")) == (
        "QQ",
        "",
        "France",
    )
