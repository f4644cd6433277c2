"""Batched post: one mailing a day per office, split at the sheet limit, tracked, printed once."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.dashboard.helpers import create_account, log_in
from tests.delivery.postal_stub import LETTERS, VERIFY, PostalStub
from tests.delivery.postal_world import (
    WORDS,
    app_config,
    mailings,
    president_campaign,
    rows,
    run_killed_after_the_call,
    track,
    write,
)
from tests.stubs import json_reply
from webapp.database import utcnow
from webapp.delivery import batches as batches_module
from webapp.delivery.worker import Worker
from webapp.models import DeliveryStatus, PostalStatus

__all__ = ["app_config"]  # the fixture, used by name


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return president_campaign(app, tmp_path, post="batched")


def _worker(app: Flask, hours: float = 0) -> Worker:
    """Today's letters go in tomorrow's mailing: a worker whose clock is in the next day."""
    later = utcnow() + timedelta(days=1, hours=hours)
    return Worker(app, clock=lambda: later)


def test_an_office_gets_the_days_letters_in_one_mailing_that_follows_its_tracking(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    write(client, slug, 3)
    report = Worker(app).run(once=True)
    assert report.sent == 0 and postal.printed == [], "today's letters wait for the day's end"
    assert {r.status for r in rows(app)} == {DeliveryStatus.PENDING}

    report = _worker(app).run(once=True)
    assert (report.mailings, report.sent, report.held) == (1, 3, 0)
    (mailing,) = mailings(app)
    assert (mailing.letters, mailing.status, mailing.part) == (3, DeliveryStatus.SENT, 1)
    assert postal.printed == [mailing.idempotency_key]
    request = postal.server.last(LETTERS)
    assert request.header("Idempotency-Key") == mailing.idempotency_key
    sent = json.loads(request.body)
    assert sent["file"].count(WORDS) == 3 and "<bdi>3</bdi> letters written on" in sent["file"]
    letter_id = next(iter(postal.letters))
    letters = rows(app)
    assert {(r.status, r.mailing_id, r.remote_reference) for r in letters} == {
        (DeliveryStatus.SENT, mailing.id, letter_id)
    }

    postal.track(letter_id, "Mailed", "In Transit")
    track(app)
    assert {r.postal_status for r in rows(app)} == {PostalStatus.IN_TRANSIT}
    postal.track(letter_id, "Mailed", "In Transit", "Delivered")
    assert "1 posted letter(s) moved on" in track(app)
    assert {r.postal_status for r in rows(app)} == {PostalStatus.DELIVERED}
    assert mailings(app)[0].postal_status is PostalStatus.DELIVERED
    assert _worker(app, hours=2).run(once=True).mailings == 0, "a day is mailed once"
    assert len(postal.printed) == 1


def test_a_day_past_the_sheet_limit_goes_in_several_mailings(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    app.config["POST_MAX_PAGES"] = 2  # four printed pages: the cover and three one-page letters
    write(client, slug, 5)
    report = _worker(app).run(once=True)
    assert (report.mailings, report.sent) == (2, 5)
    parts = mailings(app)
    assert [(m.part, m.letters, m.sheets) for m in parts] == [(1, 3, 2), (2, 2, 2)]
    assert len({m.idempotency_key for m in parts}) == 2
    assert sorted(postal.printed) == sorted(m.idempotency_key for m in parts)
    carried = [r.mailing_id for r in rows(app)]
    assert carried == [parts[0].id] * 3 + [parts[1].id] * 2, "in the order written"


def test_a_worker_killed_mid_batch_does_not_print_twice(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub, monkeypatch: Any
) -> None:
    write(client, slug, 3)
    run_killed_after_the_call(
        monkeypatch, batches_module, "record_mailing_sent", lambda: _worker(app).run(once=True)
    )
    (mailing,) = mailings(app)
    assert mailing.status is DeliveryStatus.SENDING and len(postal.printed) == 1
    assert {r.status for r in rows(app)} == {DeliveryStatus.PENDING}
    report = _worker(app, hours=1).run(once=True)  # the dead worker's lease has run out
    assert (report.mailings, report.sent) == (1, 3)
    keys = [r.header("Idempotency-Key") for r in postal.server.requests_to(LETTERS)]
    assert keys == [mailing.idempotency_key] * 2, "the same envelope, under the same key"
    assert postal.printed == [mailing.idempotency_key], "the service printed it once"
    assert len(mailings(app)) == 1
    assert {r.status for r in rows(app)} == {DeliveryStatus.SENT}


def test_the_budget_caps_a_batch_and_the_channel_map_counts_the_sheets_sent(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    slug = president_campaign(app, tmp_path, post="batched", post_total_limit=3)
    app.config.update(POST_PRICE_CENTS=100, POST_EXTRA_PAGE_CENTS=25)
    write(client, slug, 4)
    report = _worker(app).run(once=True)
    assert (report.sent, report.held) == (3, 1)
    (mailing,) = mailings(app)
    assert (mailing.letters, mailing.sheets) == (3, 2), "a cover and three pages: two sheets"
    left = [r for r in rows(app) if r.status is DeliveryStatus.PACKET]
    assert len(left) == 1 and left[0].mailing_id is None
    assert "postal budget reached: 3 letters in all" in (left[0].last_error or "")
    create_account(app, "admin@example.org")
    log_in(client, "admin@example.org")
    page = client.get(f"/dashboard/campaigns/{slug}/channels").get_data(as_text=True)
    posted = "Posted: <bdi>3</bdi> letters, about $<bdi>1.25</bdi> spent."
    assert posted in page, "one mailing, one extra sheet"
    assert "Mailings: <bdi>1</bdi>; sheets of paper: <bdi>2</bdi>." in page
    assert "Postal budget reached: the campaign" in page
    assert "<bdi>3</bdi> letters in all are taken. Further letters by post wait" in page


def test_an_address_check_the_service_cannot_answer_is_asked_again_after_a_backoff(
    app: Flask, client: FlaskClient, slug: str, postal: PostalStub
) -> None:
    postal.server.route(VERIFY, lambda _request: json_reply({"error": {"message": "down"}}, 503))
    write(client, slug, 2)
    assert _worker(app).run(once=True).mailings == 0
    assert _worker(app, hours=0.001).run(once=True).mailings == 0
    assert postal.server.count(VERIFY) == 1, "not asked again at every poll"
    waiting = rows(app)
    assert {r.status for r in waiting} == {DeliveryStatus.PENDING}
    assert all("check failed" in (r.last_error or "") for r in waiting)
    postal.server.route(VERIFY, postal._verify)
    assert _worker(app, hours=3).run(once=True).sent == 2
