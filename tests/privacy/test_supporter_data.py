"""A supporter's data: exported whole, erased everywhere, kept off public counts, purged in time."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text, update

from tests.civic.data import load_civic_data
from tests.civic.geocoder import ADDRESS as GEOCODER_PATH
from tests.stubs import StubServer, json_reply
from tests.supporter.campaign_files import MERGED_BODY, write_campaign
from tests.supporter.helpers import post_letter
from webapp.database import Base, db, utcnow
from webapp.models import Delivery, DeliveryStatus, Submission
from webapp.sealing import sealed_fields

MARKERS = (
    "erase-me-7@example.org",
    "Zubaida",
    "Qasimi",
    "77 Unique Lane",
    "Hamtramckton",
    "my-own-unforgettable-words",
)
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures/census/address-mi-12-dearborn.json"


@pytest.fixture
def geocoder() -> Any:
    with StubServer() as stub:
        stub.route(GEOCODER_PATH, lambda request: json_reply(json.loads(FIXTURE.read_text())))
        yield stub


@pytest.fixture
def app_config(app_config: dict[str, Any], geocoder: StubServer) -> dict[str, Any]:
    return {**app_config, "CENSUS_GEOCODER_URL": f"{geocoder.url}/geocoder"}


def _write_everything(app: Flask, client: FlaskClient, slug: str, tmp_path: Path) -> None:
    load_civic_data(app)
    merged = write_campaign(
        app,
        tmp_path,
        "merged-letter",
        body=MERGED_BODY,
        body_editable=False,
        extra='consent_text: "Keep me posted"\n',
    )
    person = {
        "email": MARKERS[0],
        "first_name": MARKERS[1],
        "last_name": MARKERS[2],
        "street": MARKERS[3],
        "city": MARKERS[4],
        "personal_message": MARKERS[5],
        # The stub's street is in 48126: a ZIP from elsewhere beside it is asked about (c232a76).
        "zip_code": "48126",
    }
    assert post_letter(client, slug, **person).status_code == 303
    assert post_letter(client, merged, consent_updates="y", **person).status_code == 303
    post_letter(app.test_client(), slug, email="someone.else@example.org")


def _cells_containing(app: Flask, marker: str) -> list[str]:
    """Every table.column whose stored value mentions `marker` (JSON and text alike), sealed
    columns read opened through their models (raw, they hold only ciphertext)."""
    found = []
    with app.app_context():
        connection = db.session.connection()
        for table in db.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                for column, value in row._mapping.items():
                    if value is not None and marker.casefold() in str(value).casefold():
                        found.append(f"{table.name}.{column}")
        for mapper in Base.registry.mappers:
            model = mapper.class_
            for name in sealed_fields(model):
                for row in db.session.scalars(select(model)):
                    value = getattr(row, name)
                    if value is not None and marker.casefold() in value.casefold():
                        found.append(f"{model.__tablename__}.{name} (opened)")
    return found


def test_erase_leaves_no_trace_in_any_column_of_any_table(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    _write_everything(app, client, default_campaign, tmp_path)
    assert _cells_containing(app, MARKERS[3])  # the walk does find what is there
    result = app.test_cli_runner().invoke(args=["supporters", "erase", MARKERS[0], "--yes"])
    assert result.exit_code == 0 and "2 letter(s)" in result.output
    for marker in MARKERS:
        assert _cells_containing(app, marker) == [], marker
    assert _cells_containing(app, "someone.else@example.org")  # other people are untouched
    with app.app_context():
        assert db.session.execute(text("SELECT count(*) FROM submission")).scalar_one() == 1


def test_export_gives_the_supporter_everything_held_about_them(
    app: Flask, client: FlaskClient, default_campaign: str, tmp_path: Path
) -> None:
    _write_everything(app, client, default_campaign, tmp_path)
    result = app.test_cli_runner().invoke(args=["supporters", "export", MARKERS[0]])
    data = json.loads(result.output)
    assert data["supporter"]["street"] == MARKERS[3]
    assert len(data["letters"]) == 2
    assert data["letters"][0]["personal_message"] == MARKERS[5]
    assert data["letters"][0]["deliveries"] and data["consents"][0]["wording"] == "Keep me posted"
    missing = app.test_cli_runner().invoke(args=["supporters", "export", "nobody@example.org"])
    assert missing.exit_code != 0


def test_private_letters_are_delivered_but_not_publicly_counted(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    post_letter(client, default_campaign, private="y")
    post_letter(app.test_client(), default_campaign, email="public@example.org")
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.id)).all()
        assert [r.private for r in rows] == [True, False]
        assert all(r.deliveries for r in rows)
    stats = client.get(f"/api/campaigns/{default_campaign}/stats").get_json()
    assert stats["letters"] == 1 and stats["by_state"] == {"MI": 1}
    page = app.test_client().get(f"/campaigns/{default_campaign}").text
    assert "<bdi>1</bdi> person has written so far" in page


def test_retention_removes_personal_text_after_delivery_and_keeps_counts(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    post_letter(client, default_campaign, personal_message="my words", street="1 Old Road")
    post_letter(
        app.test_client(),
        default_campaign,
        email="recent@example.org",
        personal_message="recent words",
    )
    old = utcnow() - timedelta(days=120)
    with app.app_context():
        first = db.session.scalars(select(Submission).order_by(Submission.id)).first()
        assert first is not None
        db.session.execute(
            update(Submission).where(Submission.id == first.id).values(created_at=old)
        )
        db.session.execute(update(Delivery).values(status=DeliveryStatus.SENT))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["supporters", "purge"])
    assert "from 1 letter(s)" in result.output
    with app.app_context():
        rows = db.session.scalars(select(Submission).order_by(Submission.id)).all()
        assert (rows[0].personal_message, rows[0].street, rows[0].ip_hash) == (None, None, None)
        assert rows[0].purged_at is not None and rows[0].state == "MI"
        assert rows[1].personal_message == "recent words"
