"""Letters on paper: posted through a Lob-shaped stub, checked, capped, tracked, never twice."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import create_account, log_in
from tests.delivery.postal_stub import LETTERS, VERIFY, PostalStub
from tests.delivery.postal_stub import signed_event as signed
from tests.delivery.postal_world import (
    FROM,
    WORDS,
    app_config,
    president_campaign,
    rows,
    run_killed_after_the_call,
    track,
    write,
)
from tests.stubs import json_reply
from webapp.database import db, utcnow
from webapp.delivery import worker as worker_module
from webapp.delivery.channels import reach_from_config, route
from webapp.delivery.worker import Worker
from webapp.letters.compose import fixed_recipients
from webapp.models import Campaign, Channel, DeliveryStatus, PostalStatus

__all__ = ["app_config"]  # the fixture, used by name


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return president_campaign(app, tmp_path)


_write, _rows, _track = write, rows, track


def test_the_default_presidents_letters_go_by_post_once_a_key_is_set(
    app: Flask, default_campaign: str
) -> None:
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == default_campaign))
        president = fixed_recipients(campaign.one())[0]
        assert route(president, reach_from_config(app.config), True).channel is Channel.POST
        off = reach_from_config({**app.config, "POST_API_KEY": ""})
        assert route(president, off, True).channel is Channel.FORM


def test_a_letter_is_posted_once_and_tracked_from_created_to_delivered(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    _write(client, slug, 1)
    (row,) = _rows(app)
    assert (row.channel, row.status) == (Channel.POST, DeliveryStatus.PENDING)
    report = Worker(app).run(once=True)
    assert (report.sent, report.failed, report.held) == (1, 0, 0)
    assert postal.printed == [row.idempotency_key]
    request = postal.server.last(LETTERS)
    assert request.header("Idempotency-Key") == row.idempotency_key
    sent = json.loads(request.body)
    assert sent["to"]["address_line1"] == "1600 Pennsylvania Avenue NW"
    assert (sent["to"]["address_city"], sent["to"]["address_zip"]) == ("Washington", "20500")
    assert sent["from"]["name"] == FROM["POST_FROM_NAME"]
    assert WORDS in sent["file"] and "Rasha Haddad" in sent["file"]
    assert ".window { block-size: 3.1in; }" in sent["file"], "the page keeps the window clear"
    checked = {json.loads(r.body)["primary_line"] for r in postal.server.requests_to(VERIFY)}
    assert checked == {"1600 Pennsylvania Avenue NW", FROM["POST_FROM_LINE1"]}
    (posted,) = _rows(app)
    letter_id = next(iter(postal.letters))
    assert posted.status is DeliveryStatus.SENT and posted.remote_reference == letter_id
    assert posted.postal_status is PostalStatus.CREATED

    seen = []
    for events in (["Mailed"], ["Mailed", "In Transit"], ["Mailed", "In Transit", "Delivered"]):
        postal.track(letter_id, *events)
        _track(app)
        seen.append(_rows(app)[0].postal_status)
    assert seen == [PostalStatus.MAILED, PostalStatus.IN_TRANSIT, PostalStatus.DELIVERED]
    postal.track(letter_id, "Mailed")  # an older answer never moves a letter back
    _track(app)
    assert _rows(app)[0].postal_status is PostalStatus.DELIVERED
    assert len(postal.printed) == 1


def test_webhook_with_a_good_signature_moves_the_letter_and_a_bad_one_changes_nothing(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    _write(client, slug, 1)
    Worker(app).run(once=True)
    letter_id = _rows(app)[0].remote_reference
    assert letter_id
    now_ms = str(int(time.time() * 1000))
    body, headers = signed("letter.returned_to_sender", letter_id, now_ms, secret="wrong")
    assert client.post("/webhooks/post", data=body, headers=headers).status_code == 401
    body, headers = signed("letter.in_transit", letter_id, now_ms)
    headers["Lob-Signature-Timestamp"] = str(int(now_ms) - 3_600_000)  # an old, replayed event
    assert client.post("/webhooks/post", data=body, headers=headers).status_code == 401
    assert _rows(app)[0].postal_status is PostalStatus.CREATED
    body, headers = signed("letter.in_transit", letter_id, now_ms)
    assert client.post("/webhooks/post", data=body, headers=headers).status_code == 200
    assert _rows(app)[0].postal_status is PostalStatus.IN_TRANSIT
    body, headers = signed("letter.delivered", letter_id, now_ms)
    assert client.post("/webhooks/post", data=body, headers=headers).status_code == 200
    delivered = _rows(app)[0]
    assert delivered.postal_status is PostalStatus.DELIVERED and delivered.done_at is not None


def test_an_undeliverable_office_address_stops_all_its_letters_with_the_reason(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    postal.undeliverable.add("1600 Pennsylvania Avenue NW")
    _write(client, slug, 3)
    worker = Worker(app)
    worker.batch_size = 1  # the other letters are still waiting when the first is checked
    report = worker.run(once=True)
    assert report.sent == 0 and report.held == 1, "the office is stopped at the first letter"
    rows = _rows(app)
    assert {r.status for r in rows} == {DeliveryStatus.PACKET}
    assert all(r.last_error == "office address refused: address undeliverable" for r in rows)
    assert postal.printed == [] and postal.server.count(LETTERS) == 0
    office_checks = [r for r in postal.server.requests_to(VERIFY) if b"Pennsylvania" in r.body]
    assert len(office_checks) == 1
    map_page = app.test_cli_runner().invoke(args=["delivery", "check", slug])
    assert "office address refused: address undeliverable" in map_page.output


@pytest.mark.parametrize(
    ("answer", "status", "error"),
    [
        (json_reply({"error": {"message": "to.address_zip is invalid"}}, 422), "dead", "422"),
        (json_reply({"error": {"message": "internal"}}, 503), "failed", "HTTP 503"),
        (None, "failed", "timed out"),
    ],
)
def test_refusals_outages_and_timeouts_are_recorded_on_the_letter(
    app: Flask,
    client: FlaskClient,
    slug: str,
    postal: PostalStub,
    answer: Any,
    status: str,
    error: str,
) -> None:
    postal.answer = answer
    if answer is None:
        postal.delay = 3.0
    _write(client, slug, 1)
    worker = Worker(app)
    assert worker.postal is not None
    worker.postal.client.timeouts = type(worker.postal.client.timeouts)(connect=1.0, read=0.3)
    worker.run(once=True)
    (row,) = _rows(app)
    assert row.status.value == status and error in (row.last_error or "")
    assert (row.next_attempt_at is not None) is (status == "failed")
    assert postal.printed == []


def test_a_worker_killed_between_the_call_and_the_commit_does_not_mail_twice(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub, monkeypatch: Any
) -> None:
    _write(client, slug, 1)
    run_killed_after_the_call(
        monkeypatch, worker_module, "record_success", lambda: Worker(app).run(once=True)
    )
    (row,) = _rows(app)
    assert row.status is DeliveryStatus.SENDING and len(postal.printed) == 1
    later = utcnow() + timedelta(hours=1)  # the dead worker's lease has run out
    assert Worker(app, clock=lambda: later).run(once=True).sent == 1
    keys = [r.header("Idempotency-Key") for r in postal.server.requests_to(LETTERS)]
    assert keys == [row.idempotency_key, row.idempotency_key]
    assert postal.printed == [row.idempotency_key], "the service printed it once"
    (posted,) = _rows(app)
    assert posted.status is DeliveryStatus.SENT
    assert posted.remote_reference == next(iter(postal.letters))


def test_the_budget_stops_posting_at_the_cap_and_the_rest_wait_with_the_organisers(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    app.config["POST_TOTAL_LIMIT"] = 2
    app.config["POST_PRICE_CENTS"] = 105
    _write(client, slug, 3)
    report = Worker(app).run(once=True)
    assert (report.sent, report.held) == (2, 1)
    rows = _rows(app)
    assert [r.status for r in rows] == [DeliveryStatus.SENT] * 2 + [DeliveryStatus.PACKET]
    assert "postal budget reached: 2 letters in all" in (rows[2].last_error or "")
    assert len(postal.printed) == 2
    create_account(app, "admin@example.org")
    log_in(client, "admin@example.org")
    page = client.get(f"/dashboard/campaigns/{slug}/channels").get_data(as_text=True)
    assert "Posted: <bdi>2</bdi> letters, about $<bdi>2.10</bdi> spent." in page
    assert "with the organisers instead (budget reached or address refused" in page
    assert "accepted for printing: <bdi>2</bdi></li>" in page
    assert "postal budget reached: 2 letters in all" in page, "the office row says why"
