"""Through the form and the emailed link: a letter written with someone's proven address
changes what their data export says about them only once its own link is clicked."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.supporter.helpers import post_letter
from webapp.delivery.worker import Worker

PUBLIC_URL = "https://letters.example.org"
LINK_RE = re.compile(re.escape(PUBLIC_URL) + r"(/confirm/[A-Za-z0-9_.\-]+)\?lang=en")
EMAIL = "rasha@example.org"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {**app_config, "SMTP_URL": smtp.url, "PUBLIC_BASE_URL": PUBLIC_URL}


def _exported(app: Flask) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(args=["supporters", "export", EMAIL])
    assert result.exit_code == 0, result.output
    supporter: dict[str, Any] = json.loads(result.output)["supporter"]
    return supporter


def _click_latest(app: Flask, client: FlaskClient, smtp: SmtpSink) -> None:
    Worker(app).run_batch()
    match = LINK_RE.search(smtp.to(EMAIL)[-1].text())
    assert match
    assert client.post(match[1]).status_code == 303


def test_a_stranger_s_letter_with_a_proven_address_changes_its_export_only_when_clicked(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    targets = [office("Water Board", email=OFFICE_EMAIL)]
    first, second = (
        write_delivery_campaign(app, tmp_path, slug, targets, require_confirmation=True)
        for slug in ("first", "second")
    )
    assert post_letter(client, first, email=EMAIL).status_code == 303
    _click_latest(app, client, smtp)
    proven = _exported(app)
    assert (proven["first_name"], proven["city"]) == ("Rasha", "Dearborn")
    assert proven["address_proven_at"] is not None
    stranger = {"first_name": "Mallory", "last_name": "Intruder", "city": "Flint"}
    assert post_letter(client, second, email=EMAIL, **stranger).status_code == 303
    assert _exported(app) == proven
    _click_latest(app, client, smtp)  # the owner of the address clicks after all
    clicked = _exported(app)
    assert (clicked["first_name"], clicked["last_name"], clicked["city"]) == (
        "Mallory",
        "Intruder",
        "Flint",
    )
    assert clicked["address_proven_at"] == proven["address_proven_at"]
