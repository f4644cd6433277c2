"""A campaign without topics has every CWC letter given up on: the pre-launch check says so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from tests.civic.data import load_roster
from tests.delivery.campaigns import CWC_SENDER, OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink

HOUSE = {"kind": "lookup", "chambers": ["us_house"]}
WHY = "CWC requires the campaign's policy areas (topics), and it has none"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    return {
        **app_config,
        "SMTP_URL": smtp.url,  # a relay that answers: the check tries it
        "PUBLIC_BASE_URL": "https://letters.example.org",
        "CWC_API_KEY": "house-key",
        "CWC_URL": "http://127.0.0.1:9",
        **CWC_SENDER,
    }


def _check(app: Flask, slug: str) -> Result:
    result = app.test_cli_runner().invoke(args=["delivery", "check", slug])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _office_lines(result: Result, name: str) -> str:
    lines = result.output.splitlines()
    first = next(n for n, line in enumerate(lines) if f" {name} [" in line)
    return "\n".join(lines[first : first + 2])


def test_house_offices_are_red_until_the_campaign_has_topics(app: Flask, tmp_path: Path) -> None:
    load_roster(app)
    targets: list[Any] = [office("Water Board", email=OFFICE_EMAIL), HOUSE]
    slug = write_delivery_campaign(app, tmp_path, "water", targets)

    result = _check(app, slug)
    tlaib = _office_lines(result, "Rashida Tlaib")
    assert tlaib.startswith("RED") and "House CWC" in tlaib, tlaib
    assert WHY in tlaib
    assert _office_lines(result, "Water Board").startswith("GREEN")
    assert result.exit_code == 1

    write_delivery_campaign(app, tmp_path, "water", targets, topics=["International Affairs"])
    result = _check(app, slug)
    tlaib = _office_lines(result, "Rashida Tlaib")
    assert tlaib.startswith("GREEN") and WHY not in result.output, tlaib
    assert result.exit_code == 0, result.output
