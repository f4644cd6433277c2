"""Reviewer r7's probes of fault_victims (merge 7000e34): a revived letter goes once, no more."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.delivery.test_cwc_fault_owners import ACCEPTED, cwc_stub
from tests.delivery.test_cwc_worker import MESSAGE
from tests.delivery.test_uncertain_fault_victims import _house, _write, app_config
from tests.delivery.workers import Clock
from tests.stubs import StubServer
from webapp.database import db
from webapp.delivery.outcomes import retry_dead
from webapp.delivery.worker import Worker
from webapp.models import Channel, DeliveryStatus

__all__ = ["app_config", "cwc_stub"]  # the fixtures, used by name


def _organiser_retries(app: Flask, clock: Clock) -> int:
    """What the dashboard's "Try them again" does."""
    with app.app_context():
        return retry_dead(db.session(), clock())


def test_a_dead_letter_retried_by_an_organiser_and_revived_too_goes_once(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 503, b"Service Unavailable")
    _write(app, client, default_campaign, "first")
    clock = Clock()
    worker = Worker(app, clock=clock)
    assert worker.run_batch().dead == 1
    assert _organiser_retries(app, clock) == 1
    clock.advance(minutes=5)
    _write(app, client, default_campaign, "second")
    worker.run_batch()  # the first dies again of it, then the second finds the channel down
    assert Channel.CWC in worker.faults.paused
    assert [row[0] for row in _house(app)] == [DeliveryStatus.FAILED] * 2
    before = len(cwc_stub.requests_to(MESSAGE))
    cwc_stub.reply(MESSAGE, 200, ACCEPTED)
    clock.advance(hours=7)
    worker.run_batch()
    _organiser_retries(app, clock)  # clicked again late: nothing dead to retry
    clock.advance(hours=7)
    Worker(app, clock=clock).run_batch()  # another worker
    assert [row[0] for row in _house(app)] == [DeliveryStatus.ACCEPTED] * 2
    assert len(cwc_stub.requests_to(MESSAGE)) - before == 2, "each letter sent once"


def test_a_killed_letter_sent_by_another_worker_is_not_revived_by_the_first(
    app: Flask, client: FlaskClient, default_campaign: str, cwc_stub: StubServer
) -> None:
    cwc_stub.reply(MESSAGE, 503, b"Service Unavailable")
    _write(app, client, default_campaign, "first")
    clock = Clock()
    first = Worker(app, "first", clock=clock)
    assert first.run_batch().dead == 1  # it remembers the letter as unsure
    _organiser_retries(app, clock)
    cwc_stub.reply(MESSAGE, 200, ACCEPTED)
    Worker(app, "second", clock=clock).run_batch()
    assert _house(app) == [(DeliveryStatus.ACCEPTED, 1)]
    cwc_stub.reply(MESSAGE, 503, b"Service Unavailable")
    clock.advance(minutes=5)
    _write(app, client, default_campaign, "second")
    first.run_batch()  # a second letter meets the 5xx: the first worker's victim is long sent
    assert _house(app)[0] == (DeliveryStatus.ACCEPTED, 1)
    assert len(cwc_stub.requests_to(MESSAGE)) == 3
