"""An office's contact details corrected in the campaign editor: the letters still waiting for
it (and those given up on, once tried again) go to the corrected address; the rest stay put."""

from __future__ import annotations

import dataclasses
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from tests.dashboard.editor_helpers import PASSWORD, read_form
from tests.dashboard.helpers import ADMIN, OrganiserClient, signed_in
from tests.delivery.campaigns import office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.supporter.helpers import post_letter
from webapp.campaigns.services import export_campaign, read_campaign_file
from webapp.dashboard.campaign_changes import save_campaign
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.channels import CwcReach
from webapp.delivery.worker import Worker
from webapp.models import (
    AuditEntry,
    Campaign,
    Channel,
    Delivery,
    DeliveryStatus,
    Role,
    Submission,
)
from webapp.services.organisers import create_organiser

OLD = "clerk@water-board.example.org"
NEW = "desk@water-board.example.org"
SCHOOL = "desk@school-board.example.org"
FORM = "https://water-board.example.org/contact"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@civic.example.org",
        "PUBLIC_BASE_URL": "https://letters.example.org",
    }


def _letter(app: Flask, client: FlaskClient, slug: str, email: str) -> int:
    response = post_letter(client, slug, email=email)
    assert response.status_code == 303, response.text
    with app.app_context():
        return max(db.session.scalars(select(Submission.id)))


def _campaign(slug: str) -> Campaign:
    campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
    return campaign


def _token(app: Flask, submission_id: int) -> str:
    with app.app_context():
        token = db.session.get(Submission, submission_id)
        assert token is not None
        return token.receipt_token


def _set_status(app: Flask, submission_id: int, status: DeliveryStatus) -> None:
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Delivery)
            .where(Delivery.submission_id == submission_id, Delivery.email == OLD)
            .values(status=status, attempts=8, last_error="550 no such mailbox")
        )


def _water_board(app: Flask, submission_id: int) -> tuple[DeliveryStatus, str | None, Channel]:
    with app.app_context():
        row = db.session.execute(
            select(Delivery.status, Delivery.email, Delivery.channel).where(
                Delivery.submission_id == submission_id,
                Delivery.recipient_name == "Water Board",
            )
        ).one()
        return row.status, row.email, row.channel


def _edit(admin: OrganiserClient, slug: str, **row: str) -> str:
    """Save the editor's form with the Water Board's row changed; the page the save leads to."""
    page = admin.get(f"/dashboard/campaigns/{slug}/edit")
    form = read_form(page.text)
    index = next(i for i in range(5) if form.get(f"targets-{i}-name") == "Water Board")
    for key, value in row.items():
        form[f"targets-{index}-{key}"] = value
    response = admin.post(f"/dashboard/campaigns/{slug}/edit", data=form)
    assert response.status_code == 302, response.text
    return admin.get(response.headers["Location"]).text


def _flashes(text: str) -> list[str]:
    found = re.findall(r'<p class="flash flash-\w+"[^>]*>(.*?)</p>', text, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", f)).strip() for f in found]


def _audit(app: Flask) -> dict[str, Any]:
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "campaign.updated")
        ).one()
        return dict(entry.details)


def test_waiting_and_dead_letters_follow_a_corrected_email_and_delivered_ones_keep_theirs(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    targets = [office("Water Board", email=OLD), office("School Board", email=SCHOOL)]
    water = write_delivery_campaign(app, tmp_path, "water", targets)
    parks = write_delivery_campaign(app, tmp_path, "parks", [office("Water Board", email=OLD)])
    delivered = _letter(app, client, water, "rasha@example.org")
    assert Worker(app).run_batch().sent == 3  # two offices and the receipt
    waiting = _letter(app, client, water, "omar@example.org")
    dead = _letter(app, client, water, "lina@example.org")
    elsewhere = _letter(app, client, parks, "sami@example.org")
    _set_status(app, dead, DeliveryStatus.DEAD)
    admin = signed_in(app, ADMIN)

    page = _edit(admin, water, email=NEW)

    assert _water_board(app, delivered) == (DeliveryStatus.SENT, OLD, Channel.EMAIL)
    assert _water_board(app, waiting)[1] == NEW
    assert _water_board(app, dead) == (DeliveryStatus.DEAD, NEW, Channel.EMAIL)
    assert _water_board(app, elsewhere) == (DeliveryStatus.PENDING, OLD, Channel.EMAIL)
    assert "2 letters waiting for an office you corrected now go to its corrected details." in (
        _flashes(page)
    )
    assert "<bdi>2</bdi> letters waiting" in page
    # The receipt reads the row: the letter given up on offers the corrected address.
    receipt = client.get(f"/receipts/{_token(app, dead)}").text
    assert f"mailto:{NEW}" in receipt and OLD not in receipt
    details = _audit(app)
    assert details["letters_following_correction"] == 2
    assert "letters_keeping_old_details" not in details

    Worker(app).run_batch()
    assert len(smtp.to(NEW)) == 1
    assert [m.rcpt_tos for m in smtp.to(OLD)] == [(OLD,), (OLD,)]  # the delivered one, parks'
    assert _water_board(app, waiting) == (DeliveryStatus.SENT, NEW, Channel.EMAIL)

    retried = admin.post(
        f"/dashboard/campaigns/{water}/undelivered/retry", data={"csrf_token": admin.token}
    )
    assert retried.status_code == 303, retried.text
    Worker(app).run_batch()
    assert len(smtp.to(NEW)) == 2 and len(smtp.to(OLD)) == 2
    assert _water_board(app, dead) == (DeliveryStatus.SENT, NEW, Channel.EMAIL)
    assert _water_board(app, delivered) == (DeliveryStatus.SENT, OLD, Channel.EMAIL)
    assert _water_board(app, elsewhere) == (DeliveryStatus.SENT, OLD, Channel.EMAIL)


def test_a_correction_that_changes_the_way_leaves_the_letters_and_says_so(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    """Email removed, a web form given: a waiting emailed letter is not turned into a
    supporter's hand-off, nor one being sent touched; the organiser is told how many."""
    water = write_delivery_campaign(app, tmp_path, "water", [office("Water Board", email=OLD)])
    waiting = _letter(app, client, water, "omar@example.org")
    sending = _letter(app, client, water, "lina@example.org")
    _set_status(app, sending, DeliveryStatus.SENDING)
    admin = signed_in(app, ADMIN)

    page = _edit(admin, water, email="", contact_url=FORM)

    assert "<bdi>2</bdi> letters waiting for an office you corrected keep" in page
    assert (
        "Warning: 2 letters waiting for an office you corrected keep its old details: they are "
        "being "
        "sent, or the correction changes how they reach it. See them on the channel map."
    ) in _flashes(page)
    details = _audit(app)
    assert details["letters_keeping_old_details"] == 2
    assert "letters_following_correction" not in details
    assert _water_board(app, waiting) == (DeliveryStatus.PENDING, OLD, Channel.EMAIL)
    assert _water_board(app, sending)[:2] == (DeliveryStatus.SENDING, OLD)


def test_an_edit_that_corrects_no_office_says_nothing_of_letters(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    water = write_delivery_campaign(app, tmp_path, "water", [office("Water Board", email=OLD)])
    waiting = _letter(app, client, water, "omar@example.org")
    admin = signed_in(app, ADMIN)

    page = _edit(admin, water, salutation="Dear Board,")

    assert not [f for f in _flashes(page) if "letter" in f and "waiting" in f]
    details = _audit(app)
    assert "letters_following_correction" not in details
    assert _water_board(app, waiting) == (DeliveryStatus.PENDING, OLD, Channel.EMAIL)


def test_a_posted_letter_follows_a_corrected_address_under_a_key_of_its_own(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    """The postal service answers a key it has seen with the letter it printed then: a
    letter tried before the correction must not be taken for that one."""
    old, new = "1 Main St, Dearborn, MI 48126", "100 Elm St, Dearborn, MI 48126"
    board = {**office("Water Board", address=old), "post": True}
    water = write_delivery_campaign(app, tmp_path, "water", [board])
    tried = _letter(app, client, water, "omar@example.org")
    with app.app_context(), write_transaction(db.session()) as session:
        # Written while the postal service was set up, and tried once.
        session.execute(
            update(Delivery).values(channel=Channel.POST, status=DeliveryStatus.FAILED, attempts=1)
        )
    with app.app_context():
        key = db.session.scalars(select(Delivery.idempotency_key)).one()
        spec = read_campaign_file(export_campaign(_campaign(water)), origin="test")
        spec.targets[0] = dataclasses.replace(spec.targets[0], address=new)
        organiser = create_organiser(db.session(), ADMIN, PASSWORD, Role.ADMIN, None, utcnow())
        result = save_campaign(
            db.session(), spec, organiser.id, "campaign.imported", utcnow(),
            reach=CwcReach(post=True),
        )  # fmt: skip
        row = db.session.scalars(select(Delivery).where(Delivery.submission_id == tried)).one()
        assert (result.letters_followed, result.letters_kept) == (1, 0)
        assert row.recipient_address == new and row.channel is Channel.POST
        assert row.idempotency_key != key


def test_a_corrected_file_imported_from_the_command_line_moves_the_waiting_letters_too(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    """`flask campaigns import` saved the file without following corrections or an audit entry:
    a corrected office's waiting letters kept the old address."""
    water = write_delivery_campaign(app, tmp_path, "water", [office("Water Board", email=OLD)])
    waiting = _letter(app, client, water, "omar@example.org")
    with app.app_context():
        corrected = export_campaign(_campaign(water)).replace(OLD, NEW)
    path = tmp_path / "water-corrected.md"
    path.write_text(corrected, encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["campaigns", "import", str(path)])

    assert result.exit_code == 0, result.output
    assert "1 now go to its corrected details, 0 keep the old" in result.output
    assert _water_board(app, waiting)[1] == NEW
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "campaign.imported")
        ).one()
        assert entry.organiser_id is None
        assert entry.details["letters_following_correction"] == 1
