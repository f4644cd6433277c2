"""A batched letter set aside as unreadable says so in its reason, as a single letter does."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.postal_stub import PostalStub
from tests.delivery.postal_world import app_config, mailings, rows
from tests.delivery.postal_world import write as write_letters
from tests.delivery.test_post_batch_unreadable import _worker, damage_words, slug
from tests.stubs import json_reply
from webapp.database import db
from webapp.delivery.undelivered import undelivered
from webapp.models import DeliveryStatus, FailureReason

__all__ = ["app_config", "slug"]  # the fixtures, used by name


def test_a_letter_set_aside_from_its_envelope_gives_the_unreadable_reason(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    """Its envelope failed once (the service busy): the letter's reason was then the
    service's, and set aside dead it kept it, so the channel map told organisers it waits for
    the print service, which it never will."""
    write_letters(client, slug, 3)
    postal.answer = json_reply({"error": {"message": "busy"}}, 500)
    _worker(app).run(once=True)
    assert mailings(app)[0].status is DeliveryStatus.FAILED
    postal.answer = None
    damage_words(app, rows(app)[1].id)
    _worker(app, hours=7).run(once=True)
    bad = rows(app)[1]
    assert bad.status is DeliveryStatus.DEAD
    assert bad.failure_reason is FailureReason.UNREADABLE, bad.failure_reason
    with app.app_context():
        assert bad.campaign_id is not None
        (office,) = undelivered(db.session(), bad.campaign_id)
        assert office.failure_reason is FailureReason.UNREADABLE


def test_a_letter_set_aside_when_the_mailing_is_made_gives_the_unreadable_reason(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    write_letters(client, slug, 3)
    damage_words(app, rows(app)[0].id)
    _worker(app).run(once=True)
    bad = rows(app)[0]
    assert bad.status is DeliveryStatus.DEAD
    assert bad.failure_reason is FailureReason.UNREADABLE, bad.failure_reason
