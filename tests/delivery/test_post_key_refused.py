"""A postal service refusing our key: the channel's fault, no letter dead of it, no address
marked undeliverable for it."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.postal_stub import PostalStub
from tests.delivery.postal_world import app_config, president_campaign, rows, write
from tests.stubs import json_reply
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import Channel, DeliveryStatus, PostalAddressCheck

__all__ = ["app_config"]  # the fixture, used by name


@pytest.mark.parametrize("checked", [False, True])
def test_a_refused_postal_key_stops_the_post_and_kills_no_letter(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub, checked: bool
) -> None:
    slug = president_campaign(app, tmp_path)
    write(client, slug, 3)
    worker = Worker(app)
    if checked:  # the addresses were checked with the right key: the letters' call is refused
        postal.answer = json_reply({"error": {"message": "Your API key is not valid."}}, 401)
    else:  # the key is wrong from the start: the office address check is refused first
        app.config["POST_API_KEY"] = "revoked-key"
        worker = Worker(app)
    worker.run_batch()
    assert Channel.POST in worker.faults.paused
    letters = rows(app)
    assert {(r.status, r.attempts) for r in letters} <= {
        (DeliveryStatus.PENDING, 0),
        (DeliveryStatus.FAILED, 0),
    }, [(r.status, r.attempts, r.last_error) for r in letters]
    errors = {r.last_error for r in letters if r.last_error}
    assert errors and all("refused the API key (401): check POST_API_KEY" in e for e in errors)
    with app.app_context():
        refused = select(PostalAddressCheck).where(PostalAddressCheck.deliverable.is_(False))
        assert db.session.scalars(refused).first() is None, "no address marked undeliverable"
