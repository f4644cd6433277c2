"""A mail relay that refuses our login: letters wait without using attempts, one login a round."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import create_account, log_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.postal_stub import PostalStub
from tests.delivery.postal_world import WHITE_HOUSE, postal_config
from tests.delivery.smtp_server import HOST, SmtpSink
from tests.delivery.test_cutoff import _message
from tests.delivery.workers import Clock
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.delivery.cutoff import shut
from webapp.delivery.smtp import ChannelDown, Mailer, SmtpSettings
from webapp.delivery.worker import Worker
from webapp.models import Campaign, Channel, Delivery, DeliveryStatus, Notification

SCHOOL_EMAIL = "desk@school-board.example.org"
RIGHT, WRONG = "right-password", "wrong-password"
WAITING = {DeliveryStatus.PENDING, DeliveryStatus.FAILED}


@pytest.fixture
def relay() -> Iterator[SmtpSink]:
    with SmtpSink(password=RIGHT) as sink:
        yield sink


@pytest.fixture
def app_config(app_config: dict[str, Any], relay: SmtpSink, postal: PostalStub) -> dict[str, Any]:
    return postal_config(
        {
            **app_config,
            "SMTP_URL": relay.url_with("letters", WRONG),
            "SMTP_TIMEOUT_SECONDS": 5.0,
            "MAIL_FROM": "letters@civic.example.org",
            "PUBLIC_BASE_URL": "https://letters.example.org",
            "OUTBOX_MAX_ATTEMPTS": 2,
            "OUTBOX_BACKOFF_MAX_SECONDS": 900,
        },
        postal,
    )


def _letters(
    app: Flask,
    client: FlaskClient,
    folder: Path,
    count: int,
    slug: str = "water",
    post: bool = False,
) -> str:
    targets: list[dict[str, Any]] = [
        office("Water Board", email=OFFICE_EMAIL),
        office("School Board", email=SCHOOL_EMAIL),
    ]
    if post:
        targets.append({**office("The President", address=WHITE_HOUSE), "post": True})
    slug = write_delivery_campaign(app, folder, slug, targets)
    for n in range(count):
        response = post_letter(client, slug, email=f"{slug}{n}@example.org")
        assert response.status_code == 303, response.text
    return slug


def _rows(app: Flask, model: type[Delivery] | type[Notification]) -> list[Any]:
    with app.app_context():
        found = list(db.session.scalars(select(model).order_by(model.id)))
        db.session.expunge_all()
        return found


def test_a_refused_login_costs_one_login_a_round_and_no_letter_an_attempt(
    app: Flask, client: FlaskClient, tmp_path: Path, relay: SmtpSink, caplog: Any
) -> None:
    _letters(app, client, tmp_path, 3)
    clock = Clock()
    worker = Worker(app, clock=clock)
    report = worker.run_batch()
    assert (report.sent, report.failed, report.dead, report.waiting) == (0, 0, 0, 1)
    assert len(relay.logins) == 1, "one refused login is enough to know"
    first, *rest = _rows(app, Delivery)
    assert (first.status, first.attempts) == (DeliveryStatus.FAILED, 0)
    assert first.last_error.startswith(
        f"SMTP login refused (535) by {HOST}:{relay.port}: check the user name and password "
        "in SMTP_URL"
    )
    assert {(r.status, r.attempts, r.last_error) for r in rest} == {
        (DeliveryStatus.PENDING, 0, None)  # given back untried
    }
    emails = _rows(app, Notification)
    assert {(e.status, e.attempts) for e in emails} == {(DeliveryStatus.PENDING, 0)}
    waits = [first.next_attempt_at - clock.now]
    for _ in range(24):  # a day of it, far past OUTBOX_MAX_ATTEMPTS (2)
        clock.advance(hours=1)
        assert worker.run_batch().waiting == 1
        rows = _rows(app, Delivery) + _rows(app, Notification)
        failed = [r for r in rows if r.status is DeliveryStatus.FAILED]
        waits.append(max(r.next_attempt_at for r in failed) - clock.now)
    assert len(relay.logins) == 25 and relay.count() == 0
    steps = [w.total_seconds() for w in waits]
    # Each fault in a row doubles the wait (half of it random), up to the cap.
    assert steps[0] <= 60 and steps[3] >= 240 and max(steps) <= 900, steps
    rows = _rows(app, Delivery) + _rows(app, Notification)
    assert {r.status for r in rows} <= WAITING and {r.attempts for r in rows} == {0}
    assert WRONG not in caplog.text and not any(WRONG in (r.last_error or "") for r in rows)

    relay.password = WRONG  # the operator mends the relay's side (or SMTP_URL, and restarts)
    due = sum(1 for r in rows if r.next_attempt_at and r.next_attempt_at > utcnow())
    result = app.test_cli_runner().invoke(args=["outbox", "retry"])
    assert result.exit_code == 0 and result.output == f"{due} waiting row(s) due now\n"
    report = worker.run_batch()  # at once: not after the 15 minutes the channel still had
    assert (report.sent, report.waiting) == (9, 0)
    assert set(relay.message_ids().values()) == {1} and relay.count() == 9
    rows = _rows(app, Delivery) + _rows(app, Notification)
    assert {(r.status, r.attempts, r.last_error) for r in rows} == {(DeliveryStatus.SENT, 1, None)}


def test_the_other_channels_keep_going_while_the_relay_refuses(
    app: Flask, client: FlaskClient, tmp_path: Path, relay: SmtpSink, postal: PostalStub
) -> None:
    _letters(app, client, tmp_path, 2, post=True)
    report = Worker(app).run_batch()
    assert (report.sent, report.waiting, len(relay.logins)) == (2, 1, 1)
    rows = _rows(app, Delivery)
    posted = [r for r in rows if r.channel is Channel.POST]
    assert {r.status for r in posted} == {DeliveryStatus.SENT} and len(postal.printed) == 2
    emailed = [r for r in rows if r.channel is Channel.EMAIL]
    assert {r.status for r in emailed} == WAITING and {r.attempts for r in emailed} == {0}


def test_retry_makes_one_campaigns_waiting_letters_due_and_leaves_dead_ones(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    for slug in ("water", "roads"):
        _letters(app, client, tmp_path, 1, slug=slug)
    clock = Clock()
    worker = Worker(app, clock=clock)
    for _ in range(4):  # each round one row of each kind waits for the relay
        worker.run_batch()
        clock.advance(minutes=30)
    with app.app_context():
        rows = list(db.session.scalars(select(Delivery).order_by(Delivery.id)))
        rows[-1].status, rows[-1].next_attempt_at = DeliveryStatus.DEAD, None
        later = {r.id for r in rows if r.next_attempt_at and r.next_attempt_at > utcnow()}
        water_id = db.session.scalar(select(Campaign.id).where(Campaign.slug == "water"))
        water = {r.id for r in rows if r.campaign_id == water_id}
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["outbox", "retry", "--campaign", "water"])
    assert result.output == f"{len(later & water)} waiting row(s) due now\n" and later & water
    rows = _rows(app, Delivery)
    now = utcnow()
    for row in rows:
        assert (row.next_attempt_at is not None and row.next_attempt_at > now) is (
            row.id in later - water
        )
    assert rows[-1].status is DeliveryStatus.DEAD
    assert runner.invoke(args=["outbox", "retry", "--campaign", "nope"]).exit_code != 0


@pytest.mark.parametrize(
    ("user", "words"),
    [
        ("letters", "SMTP login refused (535) by {where}: check the user name and password in"),
        (None, "SMTP relay {where} answered 530: it wants a login first: put the user name"),
    ],
)
def test_a_relay_that_wants_another_login_says_what_to_change(
    relay: SmtpSink, user: str | None, words: str
) -> None:
    settings = SmtpSettings(HOST, relay.port, "plain", user, WRONG if user else None, 5.0)
    with pytest.raises(ChannelDown) as caught:
        Mailer(settings).send(_message())
    assert str(caught.value).startswith(words.format(where=f"{HOST}:{relay.port}"))
    assert WRONG not in str(caught.value) and not caught.value.permanent


def test_a_connection_the_relay_ended_between_letters_is_opened_again_not_a_fault(
    smtp: SmtpSink,
) -> None:
    """Relays end idle connections, or after so many messages: the kept connection is gone,
    and the next letter goes on a fresh one instead of stopping the channel."""
    mailer = Mailer(SmtpSettings(HOST, smtp.port, "plain", timeout=5.0))
    mailer.send(_message())
    assert mailer._smtp is not None
    shut(mailer._smtp.sock)  # as the relay closing its end
    mailer.send(_message())
    mailer.close()
    assert smtp.count() == 2


def test_letters_waiting_for_the_relay_read_as_on_their_way_not_undeliverable(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    slug = _letters(app, client, tmp_path, 2)
    clock = Clock()
    worker = Worker(app, clock=clock)
    for _ in range(5):  # far past OUTBOX_MAX_ATTEMPTS (2)
        worker.run_batch()
        clock.advance(hours=1)
    create_account(app, "admin@example.org")
    log_in(client, "admin@example.org")
    page = client.get(f"/dashboard/campaigns/{slug}").text
    assert "<dt>On their way</dt><dd>4</dd>" in page
    assert "<dt>Could not be delivered</dt><dd>0</dd>" in page
    assert "Not sent yet: retrying" in page and "Queued: waiting to be sent" in page
