"""Review r3: the campaign file corrected and imported with `flask campaigns import` (the
README's way to update a campaign) corrects the office as the editor's save does, so its
waiting letters must follow the correction there too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.delivery.test_office_correction import NEW, OLD, _campaign, _letter, _water_board
from webapp.campaigns.services import export_campaign
from webapp.database import db


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,
        "SMTP_TIMEOUT_SECONDS": 5.0,
        "MAIL_FROM": "letters@civic.example.org",
        "PUBLIC_BASE_URL": "https://letters.example.org",
    }


@pytest.mark.xfail(strict=True, reason="review r3: only the editor follows corrections")
def test_waiting_letters_follow_an_email_corrected_by_flask_campaigns_import(
    app: Flask, client: FlaskClient, tmp_path: Path, smtp: SmtpSink
) -> None:
    water = write_delivery_campaign(app, tmp_path, "water", [office("Water Board", email=OLD)])
    waiting = _letter(app, client, water, "omar@example.org")
    with app.app_context():
        text = export_campaign(_campaign(water))
    assert OLD in text
    corrected = tmp_path / "water-corrected.md"
    corrected.write_text(text.replace(OLD, NEW), encoding="utf-8")

    result = app.test_cli_runner().invoke(args=["campaigns", "import", str(corrected)])
    assert result.exit_code == 0, result.output

    with app.app_context():
        stored = db.session.scalars(select(_campaign(water).__class__)).one()
        assert [t.email for t in stored.targets] == [NEW]
    assert _water_board(app, waiting)[1] == NEW
