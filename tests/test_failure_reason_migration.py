"""c19c00000025 adds delivery.failure_reason and mailing.failure_reason; down drops them."""

from __future__ import annotations

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from tests.supporter.helpers import post_letter
from webapp.database import db


def _columns(table: str) -> set[str]:
    with db.engine.connect() as connection:
        return {c["name"] for c in inspect(connection).get_columns(table)}


def _indexes(table: str) -> set[str]:
    with db.engine.connect() as connection:
        return {index["name"] or "" for index in inspect(connection).get_indexes(table)}


def test_the_failure_reason_migration_goes_down_and_up_keeping_every_letter(
    app: Flask, default_campaign: str
) -> None:
    assert post_letter(app.test_client(), default_campaign).status_code == 303
    count = text("SELECT count(*) FROM delivery")
    with app.app_context():
        with db.engine.begin() as connection:
            before = connection.execute(count).scalar_one()
            connection.execute(text("UPDATE delivery SET failure_reason = 'mailbox_full'"))
        assert before >= 1
        downgrade(revision="c19c00000023")
        assert "failure_reason" not in _columns("delivery") | _columns("mailing")
        with db.engine.begin() as connection:
            assert connection.execute(count).scalar_one() == before
        upgrade()
        assert "failure_reason" in _columns("delivery") and "failure_reason" in _columns("mailing")
        with db.engine.begin() as connection:
            assert connection.execute(count).scalar_one() == before
            reasons = connection.execute(text("SELECT failure_reason FROM delivery")).scalars()
            assert set(reasons) == {None}  # old rows have none: the raw error shows


def test_the_notification_failure_reason_migration_goes_down_and_up_keeping_every_email(
    app: Flask, default_campaign: str
) -> None:
    """c19f00000027 adds notification.failed_at and failure_reason; down drops them alone."""
    assert post_letter(app.test_client(), default_campaign).status_code == 303
    count = text("SELECT count(*) FROM notification")
    with app.app_context():
        with db.engine.begin() as connection:
            before = connection.execute(count).scalar_one()
            connection.execute(text("UPDATE notification SET failure_reason = 'relay_busy'"))
        assert before >= 1
        downgrade(revision="c19e00000026")
        assert not {"failed_at", "failure_reason"} & _columns("notification")
        assert "ix_notification_failed_at" not in _indexes("notification")
        with db.engine.begin() as connection:
            assert connection.execute(count).scalar_one() == before
        upgrade()
        assert {"failed_at", "failure_reason"} <= _columns("notification")
        assert "ix_notification_failed_at" in _indexes("notification")
        with db.engine.begin() as connection:
            assert connection.execute(count).scalar_one() == before
            reasons = connection.execute(text("SELECT failure_reason FROM notification"))
            assert set(reasons.scalars()) == {None}
