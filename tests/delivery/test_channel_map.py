"""The channel map: `flask delivery check` and the organisers' page say how offices are reached."""

from __future__ import annotations

from datetime import datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.civic.data import (
    house_member,
    load_civic_data,
    roster_seats,
    senators,
    single_district_zip,
)
from tests.dashboard.helpers import signed_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    Official,
    Organiser,
    Role,
    Submission,
)
from webapp.services.moderation import decline_held

CWC_KEYS = {
    "CWC_API_KEY": "house-key",
    "CWC_URL": "http://127.0.0.1:9",
    "SENATE_CWC_API_KEY": "senate-key",
    "SENATE_CWC_URL": "http://127.0.0.1:9",  # offers no office list: the file is used
    "CWC_DELIVERY_AGENT": "Civic Letters Test",
    "CWC_ACK_EMAIL": "ack@example.org",
    "CWC_CONTACT_NAME": "Ops Desk",
    "CWC_CONTACT_EMAIL": "ops@example.org",
    "CWC_CONTACT_PHONE": "202-555-0100",
}


def _check(app: Flask, slug: str) -> tuple[int, dict[str, str]]:
    """Exit code, and each office's first line keyed by its recipient key."""
    result = app.test_cli_runner().invoke(args=["delivery", "check", slug])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    lines: dict[str, str] = {}
    key = None
    for line in result.output.splitlines():
        if line[:1].isalpha() and "[" in line and "]:" in line:
            key = line.split("[", 1)[1].split("]", 1)[0]
            lines[key] = line
        elif key and line.startswith("      "):  # the office's detail lines
            lines[key] += "\n" + line
        else:
            key = None
    return result.exit_code, lines


def _offices() -> int:
    return sum(len(ids) for seat, ids in roster_seats().items())


def test_without_keys_every_office_is_a_hand_off_and_the_check_fails(
    app: Flask, default_campaign: str
) -> None:
    load_civic_data(app)
    code, offices = _check(app, default_campaign)
    assert code != 0
    assert len(offices) == 1 + _offices()  # the President and every member of Congress
    # Every office with a web form is a hand-off; one without (a newly sworn-in member whose
    # site is not in the dataset yet) is honestly red: only the organisers' packet reaches it.
    with app.app_context():
        formless = {
            f"official:{o.external_id}"
            for o in db.session.scalars(select(Official))
            if not (o.contact_form or o.url)
        }
    assert len(formless) < 5
    for key, line in offices.items():
        if key in formless:
            assert line.startswith("RED") and "no web form: organisers' packet" in line
        else:
            assert line.startswith("AMBER") and "web-form hand-off" in line, line
    president = next(line for key, line in offices.items() if key.startswith("target:"))
    assert "The President" in president and "form limit 2,000 characters" in president
    senator = offices[f"official:{senators('VT')[0]}"]
    assert "Senate CWC is not configured" in senator
    assert "House CWC is not configured" in offices[f"official:{house_member('VT', 0)}"]


class TestWithBothCwcSystems:
    @pytest.fixture
    def app_config(self, app_config: dict[str, Any], tmp_path: Path) -> dict[str, Any]:
        listed = tmp_path / "senate.txt"
        listed.write_text(f"{senators('VT')[0]}\n", encoding="utf-8")
        return {**app_config, **CWC_KEYS, "SENATE_CWC_OFFICES": str(listed)}

    def test_their_offices_are_green(self, app: Flask, default_campaign: str) -> None:
        load_civic_data(app)
        code, offices = _check(app, default_campaign)
        listed, unlisted = senators("VT")
        house = offices[f"official:{house_member('VT', 0)}"]
        assert house.startswith("GREEN") and "House CWC" in house
        assert offices[f"official:{listed}"].startswith("GREEN")
        assert "Senate CWC" in offices[f"official:{listed}"]
        assert offices[f"official:{unlisted}"].startswith("AMBER")
        assert "office not on the Senate CWC list" in offices[f"official:{unlisted}"]
        representatives = sum(len(ids) for s, ids in roster_seats().items() if s[0] == "us_house")
        green = [key for key, line in offices.items() if line.startswith("GREEN")]
        assert len(green) == representatives + 1  # every House office and the listed senator
        assert code != 0  # senators off the list still need a hand-off

    def test_a_failing_office_is_red_with_its_error_until_its_letter_goes_through(
        self, app: Flask, default_campaign: str
    ) -> None:
        load_civic_data(app)
        vermont = {"zip_code": single_district_zip("VT", 0), "city": "Burlington", "state": "VT"}
        assert post_letter(app.test_client(), default_campaign, **vermont).status_code == 303
        key = f"official:{house_member('VT', 0)}"
        self._set(app, key, DeliveryStatus.DEAD, failed_at=utcnow() - timedelta(hours=2))
        _code, offices = _check(app, default_campaign)
        assert offices[key].startswith("RED") and "dead 1" in offices[key]
        assert "zip not in district" in offices[key]
        # However old its failure, a letter given up on keeps its office red until retried.
        self._set(app, key, DeliveryStatus.DEAD, failed_at=utcnow() - timedelta(days=2))
        _code, offices = _check(app, default_campaign)
        assert offices[key].startswith("RED")
        # Retried and accepted: green, its failure kept as history.
        self._set(app, key, DeliveryStatus.ACCEPTED, sent_at=utcnow())
        _code, offices = _check(app, default_campaign)
        assert offices[key].startswith("GREEN") and "(recovered)" in offices[key]

    @staticmethod
    def _set(app: Flask, key: str, status: DeliveryStatus, **when: datetime) -> None:
        with app.app_context():
            row = db.session.scalars(select(Delivery).where(Delivery.recipient_key == key)).one()
            row.status = status
            row.last_error = "CWC refused the message: zip not in district"
            for name, value in when.items():
                setattr(row, name, value)
            db.session.commit()


def test_the_page_is_for_admins_and_lists_each_office(app: Flask, default_campaign: str) -> None:
    load_civic_data(app)
    path = f"/dashboard/campaigns/{default_campaign}/channels"
    assert app.test_client().get(path).status_code == 302
    partner = signed_in(app, "p@partner.example.org", Role.PARTNER, "alpha")
    assert partner.get(path).status_code in (403, 404)
    admin = signed_in(app, "admin@civic.example.org")
    page = admin.get(path)
    assert page.status_code == 200
    assert page.text.count("<tr>") == 2 + _offices()  # the header row and one per office
    # The mark's colour is a line of its own ("Amber:" above "waits for someone"); the rest wraps
    # inside the badge (tests/browser/test_channel_map_page.py measures it).
    assert '<span class="mark-colour">Amber:</span> waits for someone</span>' in page.text
    assert "form limit: <bdi>2,000</bdi> characters" in page.text
    # Each member's seat, so two senators are told apart by their state.
    assert "<td><bdi>Alaska</bdi></td>" in page.text and "<bdi>Vermont</bdi>, at large" in page.text
    with app.app_context():
        assert db.session.scalar(select(Campaign).where(Campaign.slug == default_campaign))
        assert db.session.scalar(select(Submission)) is None


def test_the_page_shows_the_command_as_code_with_its_slug_escaped(
    app: Flask, default_campaign: str
) -> None:
    load_civic_data(app)
    admin = signed_in(app, "admin@civic.example.org")
    page = admin.get(f"/dashboard/campaigns/{default_campaign}/channels").text
    assert f"<code>flask delivery check {default_campaign}</code>" in page
    assert "&lt;code&gt;" not in page
    # A slug is checked on import; the page escapes it all the same.
    with app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == default_campaign))
        assert campaign is not None
        campaign.slug = "five<i>steps"
        db.session.commit()
    page = admin.get("/dashboard/campaigns/five%3Ci%3Esteps/channels").text
    assert "<code>flask delivery check five&lt;i&gt;steps</code>" in page


def test_the_page_counts_offices_by_mark_and_lists_those_asked_for(
    app: Flask, default_campaign: str
) -> None:
    """538 rows with no summary could not say which offices got what (QA walk-through): the
    page counts offices by mark and with letters, and lists only those asked for."""
    load_civic_data(app)
    vermont = {"zip_code": single_district_zip("VT", 0), "city": "Burlington", "state": "VT"}
    sent = post_letter(app.test_client(), default_campaign, **vermont)  # 4 offices
    held = post_letter(
        app.test_client(),
        default_campaign,
        email="held@example.org",
        website="http://spam.example",  # the honeypot: held until its writer confirms
        **vermont,
    )
    # Declined by the organisers: its Wyoming offices get nothing, so they have no letters.
    wyoming = {"zip_code": single_district_zip("WY", 0), "city": "Casper", "state": "WY"}
    declined = post_letter(
        app.test_client(),
        default_campaign,
        email="declined@example.org",
        website="http://spam.example",
        **wyoming,
    )
    assert sent.status_code == 303 and held.status_code == 303 and declined.status_code == 303
    admin = signed_in(app, "admin@civic.example.org")
    with app.app_context():
        organiser = db.session.scalars(select(Organiser)).one()
        letter = db.session.scalars(select(Submission).where(Submission.state == "WY")).one()
        decline_held(db.session(), letter, organiser.id, utcnow())
    path = f"/dashboard/campaigns/{default_campaign}/channels"
    everything = admin.get(path).text
    total = 1 + _offices()  # the President and every member of Congress
    assert f'aria-current="page">All offices</a> <span class="count">({total:,})</span>' in (
        everything
    )
    assert 'show=letters">Offices with letters</a> <span class="count">(4)</span>' in everything
    # Without CWC keys every office is a hand-off, but one whose web form is unknown: red.
    assert 'Red: failing or no channel</a> <span class="count">(1)</span>' in everything
    assert f'waits for someone</a> <span class="count">({total - 1:,})</span>' in everything

    with_letters = admin.get(f"{path}?show=letters").text
    assert with_letters.count("<tr>") == 1 + 4
    assert "Offices with letters: <bdi>4</bdi> of <bdi>" in with_letters
    # A held letter's deliveries are counted as the dashboard counts them, not left out.
    assert "Held or waiting for its writer's confirmation: <bdi>1</bdi>" in unescape(with_letters)
    assert admin.get(f"{path}?show=red").text.count("<tr>") == 1 + 1
    green = admin.get(f"{path}?show=green").text
    assert "No office is listed under this choice." in green
    # An unknown choice lists every office.
    assert admin.get(f"{path}?show=nonsense").text.count("<tr>") == 2 + _offices()


@pytest.mark.parametrize(
    ("smtp_url", "mark", "stopped"),
    [("", "Amber:", False), ("smpt://x", "Red:", True), ("smtp://127.0.0.1:2525", "Green:", False)],
)
def test_the_page_marks_an_email_office_as_the_settings_let_the_worker_send(
    app: Flask, tmp_path: Path, smtp_url: str, mark: str, stopped: bool
) -> None:
    """The page judged no settings: with SMTP_URL unset or mistyped it marked the office emailed
    green, where `flask delivery check` said amber or red (second review)."""
    app.config["SMTP_URL"] = smtp_url
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    page = signed_in(app, "admin@civic.example.org").get(f"/dashboard/campaigns/{slug}/channels")
    assert page.status_code == 200
    row = page.text.split("Water Board")[0].rsplit("<tr>", 1)[1]
    assert f'<span class="mark-colour">{mark}</span>' in row, row
    assert ("stop the outbox worker from starting" in page.text) is stopped
