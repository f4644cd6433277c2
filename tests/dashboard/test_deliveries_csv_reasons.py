"""The deliveries CSV says why a letter's last attempt failed, as the channel map does, and
forgets it once the letter is tried again."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.helpers import ADMIN, signed_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import HOST
from tests.delivery.workers import Clock
from tests.pg import free_port
from tests.supporter.helpers import post_letter
from webapp.delivery.worker import Worker

OPEN_EMAIL = "desk@parks.example.org"
REFUSAL = f"550 5.1.1 <{OFFICE_EMAIL}>: Recipient address rejected: User unknown"


class RefusesOneOffice:
    """A relay that takes every letter but the water board's, whose address it refuses."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, _: Any
    ) -> str:
        if address == OFFICE_EMAIL:
            return REFUSAL
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


@pytest.fixture
def relay() -> Iterator[int]:
    port = free_port()
    controller = Controller(RefusesOneOffice(), hostname=HOST, port=port)
    controller.start()
    yield port
    controller.stop()


@pytest.fixture
def app_config(app_config: dict[str, Any], relay: int) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": f"smtp://{HOST}:{relay}",
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@localhost",
        "PUBLIC_BASE_URL": "https://letters.example.org",
    }


def _rows(client: FlaskClient, slug: str) -> dict[str, dict[str, str]]:
    response = client.get(f"/dashboard/campaigns/{slug}/deliveries.csv")
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(response.get_data(as_text=True)[1:], newline=""))
    assert header[-2:] == ["failure_reason", "failure_explained"], "new columns go last"
    return {row["office"]: row for row in (dict(zip(header, r, strict=True)) for r in rows)}


def test_a_refused_office_s_rows_say_why_and_a_sent_one_s_say_nothing(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = write_delivery_campaign(
        app,
        tmp_path,
        "water",
        [office("Water Board", email=OFFICE_EMAIL), office("Parks Office", email=OPEN_EMAIL)],
    )
    assert post_letter(client, slug, email="writer.private@example.org").status_code == 303
    worker = Worker(app, clock=Clock())
    worker.run_batch()

    rows = _rows(signed_in(app, ADMIN), slug)
    refused, sent = rows["Water Board"], rows["Parks Office"]
    assert sent["status"] == "sent"
    assert (sent["failure_reason"], sent["failure_explained"]) == ("", "")
    assert refused["status"] in {"failed", "dead"}
    assert refused["failure_reason"] == "address_refused"
    assert refused["failure_explained"] == "The office’s mail server refused the address."
    assert "550" in refused["last_error"]


def test_a_letter_tried_again_keeps_no_old_reason(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )
    assert post_letter(client, slug, email="writer.private@example.org").status_code == 303
    Worker(app, clock=Clock()).run_batch()
    admin = signed_in(app, ADMIN)
    before = _rows(admin, slug)["Water Board"]
    assert (before["status"], before["failure_reason"]) == ("dead", "address_refused")

    result = app.test_cli_runner().invoke(args=["outbox", "retry-dead", "--campaign", slug])
    assert result.exit_code == 0, result.output
    row = _rows(admin, slug)["Water Board"]
    assert row["status"] == "pending"
    assert (row["failure_reason"], row["failure_explained"], row["last_error"]) == ("", "", "")
