"""Rotating DATA_ENCRYPTION_KEY: data keys re-wrapped, email hashes re-keyed, old key retired."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.supporter.helpers import VALID_LETTER, post_letter
from webapp import create_app
from webapp.database import db
from webapp.models import Submission, Supporter
from webapp.sealing import SealingError

EMAIL = VALID_LETTER["email"]


def _app(app_config: dict[str, Any], key: str, previous: str = "") -> Flask:
    return create_app(
        {**app_config, "DATA_ENCRYPTION_KEY": key, "DATA_ENCRYPTION_PREVIOUS_KEY": previous}
    )


def _export(app: Flask) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(args=["supporters", "export", EMAIL])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _stored(app: Flask) -> tuple[bytes, str]:
    with app.app_context():
        supporter = db.session.scalars(select(Supporter)).one()
        return bytes(supporter.wrapped_key), supporter.email_key


def test_rotate_key_rewraps_every_data_key_and_the_old_key_can_go(
    app: Flask, client: FlaskClient, default_campaign: str, app_config: dict[str, Any]
) -> None:
    old = str(app.config["DATA_ENCRYPTION_KEY"])
    assert post_letter(client, default_campaign).status_code == 303
    wrapped, email_hash = _stored(app)

    new_only = _app(app_config, "a-brand-new-master-key")
    with new_only.app_context(), pytest.raises(SealingError):
        db.session.scalars(select(Submission)).one().supporter.sealing_cipher()

    rotating = _app(app_config, "a-brand-new-master-key", previous=old)
    # Mid-rotation the supporter is found, and read, under either key.
    assert _export(rotating)["supporter"]["street"] == VALID_LETTER["street"]
    result = rotating.test_cli_runner().invoke(args=["supporters", "rotate-key"])
    assert result.exit_code == 0 and "re-wrapped 1 supporter key(s)" in result.output
    again = rotating.test_cli_runner().invoke(args=["supporters", "rotate-key"])
    assert "re-wrapped 0" in again.output

    rewrapped, rekeyed = _stored(new_only)
    assert rewrapped != wrapped and rekeyed != email_hash
    data = _export(new_only)  # the old key is gone: everything still reads
    assert data["letters"][0]["personal_message"] == VALID_LETTER["personal_message"]
    repeat = post_letter(new_only.test_client(), default_campaign)
    assert repeat.status_code == 200 and "already recorded" in repeat.text
    with new_only.app_context():
        assert len(db.session.scalars(select(Submission)).all()) == 1  # recognised, not doubled
    with app.app_context(), pytest.raises(SealingError):  # the retired key opens nothing
        db.session.scalars(select(Supporter)).one().sealing_cipher()
    for application in (new_only, rotating):
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def test_rotate_key_needs_the_previous_key(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["supporters", "rotate-key"])
    assert result.exit_code != 0 and "DATA_ENCRYPTION_PREVIOUS_KEY" in result.output
