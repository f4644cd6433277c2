"""On first start the app downloads missing civic data; when it cannot, it still serves."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from tests.civic.data import MEMBERS_FILE, ZIP_FILE
from tests.stubs import StubServer
from tests.supporter.helpers import post_letter
from webapp.cli import load_missing_civic_data
from webapp.database import db
from webapp.models import CivicDataset, Delivery, Official, ZipDistrict


def test_download_failure_is_logged_recorded_and_the_site_still_serves(
    app: Flask, client: FlaskClient, default_campaign: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING), app.app_context():
        load_missing_civic_data()  # upstream URLs point at a closed loopback port
        datasets = {d.name: d for d in db.session.scalars(select(CivicDataset))}
    assert "Supporters see only fixed targets" in caplog.text
    assert datasets["congress-legislators"].last_error
    assert datasets["zip-districts"].last_error
    response = post_letter(client, default_campaign)
    assert response.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count(Delivery.id))) == 1  # the President only
    status = app.test_cli_runner().invoke(args=["civic", "status"])
    assert "last error" in status.output


@pytest.fixture
def upstream() -> Any:
    with StubServer() as stub:
        stub.reply("/legislators-current.json", 200, MEMBERS_FILE.read_bytes())
        stub.reply("/zccd.csv", 200, ZIP_FILE.read_bytes())
        yield stub


def test_first_start_downloads_roster_and_zip_table_from_their_urls(
    app: Flask, upstream: StubServer
) -> None:
    app.config["LEGISLATORS_URL"] = f"{upstream.url}/legislators-current.json"
    app.config["LEGISLATORS_OFFICES_URL"] = f"{upstream.url}/missing-offices.json"
    app.config["ZIP_DISTRICTS_URL"] = f"{upstream.url}/zccd.csv"
    with app.app_context():
        load_missing_civic_data()
        assert db.session.scalar(select(func.count(Official.id))) == 537
        assert db.session.scalar(select(func.count()).select_from(ZipDistrict)) == 42033
        load_missing_civic_data()  # already loaded: nothing is fetched again
    assert upstream.count("/legislators-current.json") == 1
    assert upstream.count("/zccd.csv") == 1
