"""Upgrading seals the personal fields already stored; downgrading opens them again."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from tests.conftest import _migrate
from tests.pg import PostgresCluster
from tests.supporter.helpers import VALID_LETTER, post_letter
from webapp.database import db
from webapp.models import Submission
from webapp.services.submissions import email_key

BEFORE = "c12a00000009"


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database of this test's own: it goes down and up a revision."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrating.db'}"
    else:
        cluster: PostgresCluster = request.getfixturevalue("postgres_cluster")
        url = cluster.create_database("civic_sealing_migration")
    _migrate(url, tmp_path)
    return url


def _raw(app: Flask, sql: str) -> object:
    with app.app_context():
        value = db.session.execute(text(sql)).scalar_one()
        db.session.rollback()
        return value


def test_existing_letters_are_sealed_by_the_upgrade_and_opened_by_a_downgrade(
    app: Flask, client: FlaskClient, default_campaign: str
) -> None:
    assert post_letter(client, default_campaign, consent_updates="y").status_code == 303
    counts = "SELECT (SELECT count(*) FROM delivery) * 100 + (SELECT count(*) FROM consent)"
    rows = _raw(app, counts)
    with app.app_context():
        downgrade(revision=BEFORE)
        db.session.remove()
    # Back to plain text, matched by the case-folded address as before.
    assert _raw(app, "SELECT personal_message FROM submission") == VALID_LETTER["personal_message"]
    assert _raw(app, "SELECT email_key FROM supporter") == VALID_LETTER["email"].casefold()
    assert str(_raw(app, "SELECT salutation FROM delivery LIMIT 1")).startswith("Dear President")
    assert _raw(app, counts) == rows  # rebuilding the parent tables lost no child row

    with app.app_context():
        upgrade()
        db.session.remove()
    assert _raw(app, counts) == rows
    stored = _raw(app, "SELECT personal_message FROM submission")
    assert isinstance(stored, bytes | memoryview)
    assert VALID_LETTER["personal_message"].encode() not in bytes(stored)
    with app.app_context():
        submission = db.session.scalars(select(Submission)).one()
        assert submission.personal_message == VALID_LETTER["personal_message"]
        assert submission.supporter.street == VALID_LETTER["street"]
        assert submission.supporter.email_key == email_key(VALID_LETTER["email"])
        assert submission.deliveries[0].salutation.startswith("Dear ")
