"""While the postal service prints a mailing or says where a letter is, no transaction is open."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.postal_stub import LETTERS, PostalStub
from tests.delivery.postal_world import app_config, president_campaign, rows, track, write
from tests.held_open import NetworkWatch, held_elsewhere, network_watch
from webapp.database import utcnow
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus, PostalStatus

__all__ = ["app_config", "network_watch"]


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return president_campaign(app, tmp_path, post="batched")


def test_no_transaction_is_open_while_the_service_prints_a_mailing_or_tracks_it(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub, network_watch: NetworkWatch
) -> None:
    """The service may take its whole time limit: a read kept open across it holds SQLite's
    WAL back (an erasure's checkpoint waits busy_timeout) and on PostgreSQL sits idle in
    transaction."""
    write(client, slug, 2)
    seen: list[int] = []

    def create(request: Any) -> Any:
        seen.append(held_elsewhere(app))
        return postal._create(request)

    postal.server.route(LETTERS, create)
    later = utcnow() + timedelta(days=1)  # the day's letters go in the next day's mailing
    report = Worker(app, clock=lambda: later).run(once=True)
    assert (report.mailings, report.sent) == (1, 2)
    (letter_id,) = postal.letters
    postal.track(letter_id, "Mailed", "In Transit")
    retrieve = postal.server.routes[f"{LETTERS}/{letter_id}"]

    def tracked(request: Any) -> Any:
        seen.append(held_elsewhere(app))
        return retrieve(request)

    postal.server.route(f"{LETTERS}/{letter_id}", tracked)
    assert "1 posted letter(s) moved on" in track(app)

    assert seen == [0, 0]
    assert network_watch.calls and not network_watch.held, network_watch.report()
    assert {(r.status, r.postal_status) for r in rows(app)} == {
        (DeliveryStatus.SENT, PostalStatus.IN_TRANSIT)
    }
