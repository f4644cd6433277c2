"""Review r6: the undelivered emails to supporters the dashboard counts and tries again are
those of letters still as their writers wrote them, and never letters to offices."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.test_failure_reasons_page import World, world  # noqa: F401 - the fixture
from webapp.database import db, utcnow, write_transaction
from webapp.models import Delivery, DeliveryStatus, Notification, Submission


def _emails(app: Flask) -> list[DeliveryStatus]:
    with app.app_context():
        return list(db.session.scalars(select(Notification.status).order_by(Notification.id)))


def test_a_purged_letters_receipt_is_neither_counted_nor_sent_again(
    app: Flask,
    world: World,  # noqa: F811 - the fixture imported above
) -> None:
    """A receipt carries a copy of the letter: once retention removed the writer's words, the
    copy is not the letter they wrote (as r3 holds for the letters to offices)."""
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Submission).where(Submission.id == world.letters[0]).values(purged_at=utcnow())
        )
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{world.slug}/channels").text
    assert "Try them again (2 emails)" not in page and "emails to supporters" not in page
    admin.post(
        f"/dashboard/campaigns/{world.slug}/undelivered/retry-emails",
        data={"csrf_token": admin.token},
    )
    assert _emails(app) == [DeliveryStatus.DEAD] * 3


def test_trying_the_emails_again_leaves_every_letter_to_an_office_as_it_was(
    app: Flask,
    world: World,  # noqa: F811 - the fixture imported above
) -> None:
    with app.app_context():
        before = db.session.execute(
            select(Delivery.id, Delivery.status, Delivery.attempts, Delivery.failure_reason)
        ).all()
    admin = signed_in(app, ADMIN)
    admin.post(
        f"/dashboard/campaigns/{world.slug}/undelivered/retry-emails",
        data={"csrf_token": admin.token},
    )
    with app.app_context():
        after = db.session.execute(
            select(Delivery.id, Delivery.status, Delivery.attempts, Delivery.failure_reason)
        ).all()
    assert sorted(map(tuple, after)) == sorted(map(tuple, before))
    assert _emails(app) == [DeliveryStatus.PENDING] * 2 + [DeliveryStatus.DEAD]
