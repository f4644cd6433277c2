"""Shared by the postal tests: the return address, the President's office, writing and reading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.delivery.campaigns import office, write_delivery_campaign
from tests.delivery.postal_stub import API_KEY, WEBHOOK_SECRET, PostalStub
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import Delivery, Mailing

WHITE_HOUSE = "1600 Pennsylvania Avenue NW, Washington, DC 20500"
FROM = {
    "POST_FROM_NAME": "Syrian Coalition",
    "POST_FROM_LINE1": "1 Civic Plaza",
    "POST_FROM_CITY": "Dearborn",
    "POST_FROM_STATE": "MI",
    "POST_FROM_ZIP": "48126",
}
WORDS = "My family is from Aleppo. Please act now."


@pytest.fixture
def app_config(app_config: dict[str, Any], postal: PostalStub) -> dict[str, Any]:
    """The app with post on, through the stub (import it into a test module to use it)."""
    return postal_config(app_config, postal)


class Killed(BaseException):
    """The worker process dying between the service's answer and the commit."""


def run_killed_after_the_call(
    monkeypatch: pytest.MonkeyPatch, module: ModuleType, recorder: str, run: Callable[[], Any]
) -> None:
    """Run the worker with `module.recorder` (what commits the outcome) dying instead."""

    def die(*args: Any, **kwargs: Any) -> None:
        raise Killed

    with monkeypatch.context() as patch:
        patch.setattr(module, recorder, die)
        with pytest.raises(Killed):
            run()


def postal_config(app_config: dict[str, Any], postal: PostalStub) -> dict[str, Any]:
    return {
        **app_config,
        **FROM,
        "POST_API_URL": postal.url,
        "POST_API_KEY": API_KEY,
        "POST_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


def president_campaign(
    app: Flask, folder: Path, post: bool | str = True, address: str = WHITE_HOUSE, **meta: Any
) -> str:
    """A campaign whose one office, the President, gets its letters by post."""
    president = {**office("The President", office="The White House", address=address)}
    president |= {"contact_url": "https://www.whitehouse.gov/contact/", "post": post}
    return write_delivery_campaign(app, folder, "paper", [president], **meta)


def write(client: FlaskClient, slug: str, count: int, **fields: str) -> None:
    for n in range(count):
        letter = {"email": f"w{n}@example.org", "personal_message": WORDS, **fields}
        response = post_letter(client, slug, **letter)
        assert response.status_code == 303


def rows(app: Flask) -> list[Delivery]:
    with app.app_context():
        found = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        db.session.expunge_all()
        return found


def mailings(app: Flask) -> list[Mailing]:
    with app.app_context():
        found = list(db.session.scalars(select(Mailing).order_by(Mailing.id)))
        db.session.expunge_all()
        return found


def track(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "track"])
    assert result.exit_code == 0, result.output
    return result.output
