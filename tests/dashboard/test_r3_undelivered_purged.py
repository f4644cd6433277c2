"""Review r3: a letter whose writer's words retention removed is not the letter they wrote, so
the organisers' 'Try them again' must neither list nor send it (as the changeover holds)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.test_undelivered_retry import World, world  # noqa: F401 - the fixture
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.undelivered import undelivered
from webapp.models import Campaign, Delivery, DeliveryStatus, Submission


def test_a_letter_retention_purged_is_neither_listed_nor_tried_again(
    app: Flask,
    world: World,  # noqa: F811 - the fixture imported above
) -> None:
    purged = world.letters[0]  # to the clerk and the mayor, both given up on
    with app.app_context(), write_transaction(db.session()) as session:
        session.execute(
            update(Submission).where(Submission.id == purged).values(purged_at=utcnow())
        )
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == world.slug)).one()
        listed = sum(o.letters for o in undelivered(db.session(), campaign.id))
    assert listed == 1  # omar's letter to the clerk only

    admin = signed_in(app, ADMIN)
    response = admin.post(
        f"/dashboard/campaigns/{world.slug}/undelivered/retry", data={"csrf_token": admin.token}
    )
    assert response.status_code == 303
    with app.app_context():
        statuses = set(
            db.session.scalars(
                select(Delivery.status).where(
                    Delivery.submission_id == purged, Delivery.recipient_key != "target:board"
                )
            )
        )
    assert statuses == {DeliveryStatus.DEAD}
