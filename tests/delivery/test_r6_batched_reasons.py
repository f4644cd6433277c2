"""Review r6: letters to a batched office whose address the postal service could not check
keep why, as every other failure does, and the channel map dates it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.postal_stub import PostalStub
from tests.delivery.postal_world import mailings, postal_config, president_campaign, rows, write
from webapp.database import utcnow
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus, FailureReason


def test_an_address_check_refused_our_key_keeps_the_reason_on_the_waiting_letters(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    app.config.update(postal_config(dict(app.config), postal))
    slug = president_campaign(app, tmp_path, post="batched")
    write(client, slug, 2)
    app.config["POST_API_KEY"] = "test_wrong_key"  # the service answers 401 to every call
    tomorrow = utcnow() + timedelta(days=1)
    Worker(app, clock=lambda: tomorrow).run(once=True)
    assert mailings(app) == []
    found = {(r.status, r.failure_reason, r.failed_at is not None) for r in rows(app)}
    assert found == {(DeliveryStatus.PENDING, FailureReason.KEY_REFUSED, True)}
    assert all("API key" in (r.last_error or "") for r in rows(app))
