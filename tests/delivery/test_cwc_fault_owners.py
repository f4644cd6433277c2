"""Whose fault a CWC failure is: one letter's 5xx is its own, a refused key stops the channel,
and one supporter's unreadable data is that letter's problem, not the master key's."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.civic.data import load_civic_data, single_district_zip
from tests.delivery.campaigns import CWC_SENDER
from tests.delivery.test_cwc_worker import MESSAGE
from tests.delivery.workers import Clock
from tests.stubs import StubRequest, StubServer
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.delivery.worker import Worker
from webapp.models import Channel, Delivery, DeliveryStatus, Supporter

ACCEPTED = b"<Response>Message accepted</Response>"


@pytest.fixture
def cwc_stub() -> Iterator[StubServer]:
    with StubServer() as stub:
        yield stub


@pytest.fixture
def app_config(app_config: dict[str, Any], cwc_stub: StubServer) -> dict[str, Any]:
    return {
        **app_config,
        "CWC_API_KEY": "secret-test-key",
        "CWC_URL": cwc_stub.url,
        **CWC_SENDER,
    }


def _letters(app: Flask, client: FlaskClient, slug: str, *names: str) -> None:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    for name in names:
        letter = {"zip_code": zip_code, "street": "100 Main St", "email": f"{name}@example.org"}
        assert post_letter(client, slug, **letter).status_code == 303


def _house(app: Flask) -> list[tuple[DeliveryStatus, int, str | None]]:
    with app.app_context():
        query = select(Delivery).where(Delivery.channel == Channel.CWC).order_by(Delivery.id)
        return [(d.status, d.attempts, d.last_error) for d in db.session.scalars(query)]


def test_a_letter_cwc_always_fails_with_500_uses_its_attempts_and_stops_no_one(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    def handler(request: StubRequest) -> tuple[int, dict[str, str], bytes]:
        if b"poison" in request.body:
            return 500, {}, b"Internal Server Error"
        return 200, {}, ACCEPTED

    cwc_stub.route(MESSAGE, handler)
    _letters(app, client, default_campaign, "poison", "ok1", "ok2")
    clock = Clock()
    worker = Worker(app, clock=clock)
    for round_ in range(12):  # past OUTBOX_MAX_ATTEMPTS (8) with the backoff's cap (6 h)
        worker.run_batch()
        assert Channel.CWC not in worker.faults.paused, f"round {round_}"
        clock.advance(hours=7)
        if round_ == 1:
            _letters(app, client, default_campaign, "ok3", "ok4")
    poison, *others = _house(app)
    assert poison == (DeliveryStatus.DEAD, 8, "CWC unavailable (HTTP 500): Internal Server Error")
    assert {row[:2] for row in others} == {(DeliveryStatus.ACCEPTED, 1)} and len(others) == 4


def test_a_500_the_same_letter_meets_twice_does_not_stop_the_channel(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 500, b"Internal Server Error")
    _letters(app, client, default_campaign, "poison")
    clock = Clock()
    worker = Worker(app, clock=clock)
    for _ in range(2):
        assert worker.run_batch().failed == 1
        assert not worker.faults.paused
        clock.advance(hours=7)
    assert _house(app)[0][:2] == (DeliveryStatus.FAILED, 2)
    cwc_stub.reply(MESSAGE, 200, ACCEPTED)
    _letters(app, client, default_campaign, "morning")
    assert worker.run_batch().sent == 2


@pytest.mark.parametrize(
    ("status", "says"),
    [
        (401, "CWC refused the API key (401): check CWC_API_KEY"),
        (403, "CWC refused the API key (403): check CWC_API_KEY"),
        (404, "CWC has no such address (404): check CWC_URL"),
    ],
)
def test_a_refused_key_or_wrong_url_stops_the_channel_and_kills_no_letter(
    app: Flask,
    client: FlaskClient,
    default_campaign: str,
    cwc_stub: StubServer,
    status: int,
    says: str,
) -> None:
    cwc_stub.reply(MESSAGE, status, b"<Error>Invalid API key</Error>")
    _letters(app, client, default_campaign, "a", "b", "c")
    clock = Clock()
    worker = Worker(app, clock=clock)
    report = worker.run_batch()
    assert (report.waiting, report.dead, report.failed) == (1, 0, 0)
    assert Channel.CWC in worker.faults.paused and cwc_stub.count(MESSAGE) == 1
    first, *rest = _house(app)
    assert first[:2] == (DeliveryStatus.FAILED, 0) and (first[2] or "").startswith(says)
    assert "secret-test-key" not in (first[2] or "")
    assert rest == [(DeliveryStatus.PENDING, 0, None)] * 2
    for _ in range(12):
        clock.advance(hours=7)
        worker.run_batch()
    assert {row[:2] for row in _house(app)} <= {
        (DeliveryStatus.FAILED, 0),
        (DeliveryStatus.PENDING, 0),
    }


def test_one_unreadable_supporter_is_that_letters_problem_not_the_outboxs(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer, caplog: Any
) -> None:
    cwc_stub.reply(MESSAGE, 200, ACCEPTED)
    _letters(app, client, default_campaign, "first", "second", "third")
    with app.app_context():
        first = db.session.scalars(select(Supporter).order_by(Supporter.id)).first()
        assert first is not None
        first.wrapped_key = os.urandom(len(first.wrapped_key))  # damaged, or left unrotated
        db.session.commit()
    worker = Worker(app, clock=Clock())
    with caplog.at_level(logging.WARNING):
        report = worker.run_batch()
    assert worker.faults.halted_until is None, "the master key is right: the outbox goes on"
    assert (report.sent, report.dead) == (2, 1)
    unreadable, *others = _house(app)
    assert unreadable[0] is DeliveryStatus.DEAD
    assert "does not open with the master key" in (unreadable[2] or "")
    assert {row[0] for row in others} == {DeliveryStatus.ACCEPTED}
    assert "first@example.org" not in caplog.text
