"""From a receipt its writer downloads what that letter holds about them, or deletes it: that
letter only, since anyone may write a letter with someone else's email address."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.privacy.test_supporter_data import (
    MARKERS,
    _cells_containing,
    _write_everything,
    geocoder,  # noqa: F401  (a fixture: the Census stub, so every letter finds its district)
)
from tests.stubs import StubServer
from tests.supporter.campaign_files import write_campaign
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.worker import Worker
from webapp.models import AuditEntry, Campaign, Submission
from webapp.services.own_data import erase_own_data


@pytest.fixture
def app_config(
    app_config: dict[str, Any],
    smtp: SmtpSink,
    geocoder: StubServer,  # noqa: F811
) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "CENSUS_GEOCODER_URL": f"{geocoder.url}/geocoder",
    }


def _receipts(app: Flask) -> dict[str, str]:
    """Each supporter's email address and the receipt token of their first letter."""
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.id))
        found: dict[str, str] = {}
        for row in rows:
            found.setdefault(row.supporter.email, row.receipt_token)
        return found


def _all_receipts(app: Flask) -> list[tuple[str, str]]:
    """(email, receipt token) of every letter, in the order written."""
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.id))
        return [(row.supporter.email, row.receipt_token) for row in rows]


def test_the_receipt_offers_a_copy_of_what_its_letter_holds_and_deleting_it(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    _write_everything(app, client, default_campaign, tmp_path)
    (_, token), (_, second), _other = _all_receipts(app)
    page = client.get(f"/receipts/{token}").text
    assert f'href="/receipts/{token}/my-data.json" download' in page
    assert f'href="/receipts/{token}/delete"' in page

    download = client.get(f"/receipts/{token}/my-data.json")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store, private"
    data = json.loads(download.text)
    assert data["email"] == MARKERS[0]
    assert data["letter"]["address"]["street"] == MARKERS[3]
    assert data["letter"]["personal_message"] == MARKERS[5]
    # A link that opens from the saved file, as the emails' do (it was "/receipts/…").
    assert data["letter"]["receipt"] == f"{app.config['LOCAL_BASE_URL']}/receipts/{token}"
    # The anti-abuse signals stay out of a copy anyone who writes a letter can download.
    assert "hashes" not in data["letter"] and data["letter"]["risk"] == {"held": False}
    # This letter only: not the same writer's other letter, nor anybody else's.
    assert second not in download.text and "someone.else@example.org" not in download.text


def test_a_letter_written_with_someone_else_s_address_opens_nothing_of_theirs(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    """Someone who knows a supporter's email address writes to another campaign with it: the
    receipt they are shown downloads and deletes their own letter, never the supporter's."""
    _write_everything(app, client, default_campaign, tmp_path)
    other_campaign = write_campaign(app, tmp_path, "another-campaign")
    stranger = app.test_client()
    typed = {"first_name": "Mallory", "street": "1 Other Road", "personal_message": "Not theirs."}
    response = post_letter(stranger, other_campaign, email=MARKERS[0], **typed)
    assert response.status_code == 303
    theirs = response.headers["Location"].rsplit("/", 1)[1]
    download = stranger.get(f"/receipts/{theirs}/my-data.json").text
    assert "Not theirs." in download
    for marker in MARKERS[1:]:  # the supporter's names, street, city and words
        assert marker not in download, marker
    confirm = stranger.get(f"/receipts/{theirs}/delete")
    done = stranger.post(
        f"/receipts/{theirs}/delete", data={"csrf_token": csrf_token(confirm.text)}
    )
    assert done.status_code == 303
    (_, first), (_, second), _other = _all_receipts(app)
    assert client.get(f"/receipts/{first}").status_code == 200
    assert client.get(f"/receipts/{second}").status_code == 200
    assert _cells_containing(app, MARKERS[5]) and not _cells_containing(app, "Not theirs.")


def test_deleting_every_letter_of_a_writer_leaves_no_trace_and_tells_organisers_nothing_more(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    _write_everything(app, client, default_campaign, tmp_path)
    (_, first), (_, second), (_, other) = _all_receipts(app)
    confirm = client.get(f"/receipts/{first}/delete")
    assert confirm.status_code == 200 and confirm.headers["Referrer-Policy"] == "strict-origin"
    assert "This deletes this letter and everything it holds about you" in confirm.text
    # Nothing was sent yet (no worker ran): no office would then receive the letter.
    assert re.search(r"<bdi>\d+</bdi> offices have not received your letter yet", confirm.text)
    assert "already have" not in confirm.text and "already has" not in confirm.text

    done = client.post(f"/receipts/{first}/delete", data={"csrf_token": csrf_token(confirm.text)})
    assert done.status_code == 303 and done.headers["Location"] == "/deleted"
    assert "Your letter is deleted" in client.get("/deleted").text
    for path in ("", "/delete", "/my-data.json"):
        assert client.get(f"/receipts/{first}{path}").status_code == 404
    # Their other letter and its personal words are still there until they delete it too.
    assert client.get(f"/receipts/{second}").status_code == 200
    assert _cells_containing(app, MARKERS[3])
    confirm = client.get(f"/receipts/{second}/delete")
    client.post(f"/receipts/{second}/delete", data={"csrf_token": csrf_token(confirm.text)})
    for marker in MARKERS:
        assert _cells_containing(app, marker) == [], marker
    assert client.get(f"/receipts/{other}").status_code == 200
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        campaigns = db.session.scalars(select(Campaign.id).order_by(Campaign.id)).all()
        erased = [
            (e.action, e.campaign_id, e.details, e.organiser_id)
            for e in entries
            if "erased" in e.action
        ]
        assert sorted(erased) == [("supporter.erased_own_letter", c, {}, None) for c in campaigns]


def test_the_confirmation_says_which_offices_have_the_letter_and_which_partner_was_told(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = write_delivery_campaign(
        app,
        tmp_path,
        "water",
        [office("Water Board", email=OFFICE_EMAIL)],
        partners=[{"code": "alpha", "name": "Alpha Aid", "consent_text": "Alpha may write"}],
    )
    assert post_letter(client, slug, partner="alpha", partner_consent="y").status_code == 303
    assert Worker(app).run_batch().sent == 2  # the office's letter and the receipt
    token = next(iter(_receipts(app).values()))
    page = client.get(f"/receipts/{token}/delete").text
    assert "<bdi>1</bdi> office already has your letter" in page
    assert "never be sent" not in page
    assert "You ticked the box of <bdi>Alpha Aid</bdi>" in page


def test_a_deletion_without_the_form_token_deletes_nothing_and_asks_again(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    assert post_letter(client, default_campaign).status_code == 303
    token = next(iter(_receipts(app).values()))
    refused = client.post(f"/receipts/{token}/delete", data={})
    assert refused.status_code == 400
    assert "Nothing was deleted: press the button again" in refused.text
    assert 'class="button button-danger">Delete this letter</button>' in refused.text
    assert client.get(f"/receipts/{token}").status_code == 200


def test_unknown_receipts_open_nothing(client: FlaskClient, default_campaign: str) -> None:
    for path in ("/delete", "/my-data.json"):
        assert client.get(f"/receipts/not-a-receipt{path}").status_code == 404


def test_the_pages_are_in_arabic_for_an_arabic_reader(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    assert post_letter(client, default_campaign).status_code == 303
    token = next(iter(_receipts(app).values()))
    arabic = {"Accept-Language": "ar"}
    receipt = client.get(f"/receipts/{token}", headers=arabic).text
    confirm = client.get(f"/receipts/{token}/delete", headers=arabic).text
    assert "Delete this letter" not in confirm and "Your data" not in receipt
    assert 'dir="rtl"' in confirm


def test_the_privacy_page_points_to_the_receipt_and_to_a_contact_when_one_is_set(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    page = client.get("/privacy").text
    assert "At the foot of each receipt page are two links" in page
    assert "Lost the link? Ask for it again above." in page
    assert "For anything else about your data" not in page
    app.config["PRIVACY_CONTACT"] = "privacy@coalition.example"
    page = client.get("/privacy").text
    assert "write to <bdi>privacy@coalition.example</bdi>." in page


def _erase_during_the_first_send(app: Flask, smtp: SmtpSink, token: str) -> list[int]:
    """Delete the receipt's letter (once) while the SMTP server holds the batch's first message;
    the list it returns records 1 for each deletion done."""
    erased: list[int] = []

    def erase(_message: object) -> None:
        if not erased:
            with app.app_context():
                erased.append(1 if erase_own_data(db.session(), token, utcnow()) else 0)

    smtp.on_message = erase
    return erased


def test_deleting_while_the_letter_is_being_sent_leaves_the_worker_running(
    app: Flask, client: FlaskClient, smtp: SmtpSink, tmp_path: Path
) -> None:
    """The supporter deletes from the receipt while the worker is mid-send of their letter:
    the send finishes, the worker finds the row gone and goes on with the next one."""
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    assert post_letter(client, slug).status_code == 303
    assert post_letter(app.test_client(), slug, email="other@example.org").status_code == 303
    token = next(t for e, t in _receipts(app).items() if e != "other@example.org")
    erased = _erase_during_the_first_send(app, smtp, token)
    result = Worker(app).run_batch()
    assert erased == [1]
    # Their letter was on the wire and went; their receipt email, not yet sent, never goes;
    # everybody else's mail goes on.
    assert result.sent == 3 and not result.errors
    assert sorted(r for m in smtp.messages for r in m.rcpt_tos) == sorted(
        [OFFICE_EMAIL, OFFICE_EMAIL, "other@example.org"]
    )
    with app.app_context():
        rows = db.session.scalars(select(Submission)).all()
        assert [s.supporter.email for s in rows] == ["other@example.org"]
        assert {d.status.value for d in rows[0].deliveries} == {"sent"}


def test_deleting_after_the_worker_claimed_the_letter_sends_nothing_of_theirs(
    app: Flask, client: FlaskClient, smtp: SmtpSink, tmp_path: Path
) -> None:
    """Claimed in the same batch as someone else's letter, theirs is deleted while the other
    one is on the wire: the worker lets it go and sends nothing of theirs."""
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    assert post_letter(app.test_client(), slug, email="first@example.org").status_code == 303
    assert post_letter(client, slug, email="deleting@example.org").status_code == 303
    token = _receipts(app)["deleting@example.org"]
    erased = _erase_during_the_first_send(app, smtp, token)
    result = Worker(app).run_batch()
    assert erased == [1] and not result.errors and result.taken_over == 1
    recipients = [r for m in smtp.messages for r in m.rcpt_tos]
    assert sorted(recipients) == sorted([OFFICE_EMAIL, "first@example.org"])
