"""While the postal service checks an address, the worker holds no database transaction open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.postal_stub import VERIFY, PostalStub
from tests.delivery.postal_world import app_config, president_campaign, rows, write
from tests.held_open import held_elsewhere
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus

__all__ = ["app_config"]


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return president_campaign(app, tmp_path)


def test_no_transaction_is_held_open_while_the_service_checks_the_offices_address(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    """The check is a network call that may take seconds (its timeout): a read transaction
    kept across it made a supporter's erasure wait 30 s on SQLite, and on PostgreSQL it sits
    idle in transaction, holding back vacuum."""
    write(client, slug, 1)
    seen: list[int] = []

    def verify(request: Any) -> Any:
        if b"Pennsylvania" in request.body:
            seen.append(held_elsewhere(app))
        return postal._verify(request)

    postal.server.route(VERIFY, verify)
    report = Worker(app).run_batch()
    assert seen == [0]
    assert report.sent == 1 and [row.status for row in rows(app)] == [DeliveryStatus.SENT]
