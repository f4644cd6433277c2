"""The postal budget holds at its cap with several workers, and address checks are shared."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.dashboard.helpers import create_account, log_in
from tests.delivery.postal_stub import API_KEY, VERIFY, PostalStub
from tests.delivery.postal_world import FROM, app_config, president_campaign, rows, write
from tests.delivery.workers import WorkerProcess, worker_env
from tests.stubs import json_reply
from webapp.database import db, utcnow
from webapp.delivery.worker import Worker
from webapp.models import AddressRole, DeliveryStatus, PostalAddressCheck

CAP = 5

__all__ = ["app_config"]  # the fixture, used by name


def test_two_worker_processes_stop_posting_exactly_at_the_campaigns_cap(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub, backend: str
) -> None:
    if backend == "sqlite":
        pytest.skip("several workers run on PostgreSQL only (SQLite runs one by design)")
    slug = president_campaign(app, tmp_path, post_total_limit=CAP)
    write(client, slug, 12)
    postal.delay = 0.3  # each send is slow: both workers are mid-send at once
    env = worker_env(app, "", POST_API_URL=postal.url, POST_API_KEY=API_KEY, **FROM)
    workers = [
        WorkerProcess(env, tmp_path / f"{name}.log", "--once", "--batch", "1", "--worker-id", name)
        for name in ("worker-a", "worker-b")
    ]
    try:
        codes = [worker.wait(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            worker.stop()
    assert codes == [0, 0], [worker.output() for worker in workers]
    letters = rows(app)
    sent = [r for r in letters if r.status is DeliveryStatus.SENT]
    assert len(sent) == CAP and len(postal.printed) == CAP
    assert {r.claimed_by for r in sent} == {"worker-a", "worker-b"}, "both workers posted"
    left = [r for r in letters if r.status is DeliveryStatus.PACKET]
    assert len(left) == 12 - CAP
    assert all("postal budget reached: 5 letters in all" in (r.last_error or "") for r in left)
    assert sum(r.postal_budget_day is not None for r in letters) == CAP


def test_the_daily_cap_of_the_campaign_file_overrides_the_setting(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    app.config["POST_DAILY_LIMIT"] = 10
    slug = president_campaign(app, tmp_path, post_daily_limit=2)
    write(client, slug, 3)
    report = Worker(app).run(once=True)
    assert (report.sent, report.held) == (2, 1)
    held = [r for r in rows(app) if r.status is DeliveryStatus.PACKET]
    assert "postal budget reached: 2 letters today" in (held[0].last_error or "")


def test_a_letter_refused_for_good_gives_its_budget_place_back(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    slug = president_campaign(app, tmp_path, post_total_limit=1)
    write(client, slug, 1)
    postal.answer = json_reply({"error": {"message": "file is too long"}}, 422)
    Worker(app).run(once=True)
    (dead,) = rows(app)
    assert dead.status is DeliveryStatus.DEAD and dead.postal_budget_day is None
    postal.answer = None
    write(client, slug, 1, email="second@example.org")  # the place is free for them
    assert Worker(app).run(once=True).sent == 1


def _checks(app: Flask) -> list[PostalAddressCheck]:
    with app.app_context():
        found = list(db.session.scalars(select(PostalAddressCheck).order_by(PostalAddressCheck.id)))
        db.session.expunge_all()
        return found


def test_address_checks_are_stored_shared_by_workers_and_checked_again_when_due(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    slug = president_campaign(app, tmp_path)
    write(client, slug, 1)
    Worker(app).run(once=True)
    stored = _checks(app)
    assert [(c.role, c.deliverable, c.recipient_key) for c in stored] == [
        (AddressRole.RETURN, True, None),
        (AddressRole.OFFICE, True, rows(app)[0].recipient_key),
    ]
    assert stored[1].address == "1600 Pennsylvania Avenue NW, Washington, DC 20500"
    assert postal.server.count(VERIFY) == 2

    write(client, slug, 1, email="second@example.org")
    assert Worker(app).run(once=True).sent == 1, "a new worker (a restart) reads the verdicts"
    assert postal.server.count(VERIFY) == 2

    write(client, slug, 1, email="third@example.org")
    later = utcnow() + timedelta(days=31)  # past POST_ADDRESS_RECHECK_DAYS
    assert Worker(app, clock=lambda: later).run(once=True).sent == 1
    assert postal.server.count(VERIFY) == 4
    assert {c.checked_at.date() for c in _checks(app)} == {later.date()}

    moved = "1650 Pennsylvania Avenue NW, Washington, DC 20502"
    president_campaign(app, tmp_path, address=moved)  # the organisers correct the address
    write(client, slug, 1, email="fourth@example.org")
    assert Worker(app, clock=lambda: later).run(once=True).sent == 1
    assert postal.server.last(VERIFY).body.count(b"1650 Pennsylvania") == 1
    assert len(_checks(app)) == 3, "the new address has its own verdict"


def test_a_refused_office_address_is_stopped_on_the_channel_map_for_every_worker(
    app: Flask, client: FlaskClient, tmp_path: Path, postal: PostalStub
) -> None:
    slug = president_campaign(app, tmp_path)
    postal.undeliverable.add("1600 Pennsylvania Avenue NW")
    write(client, slug, 1)
    Worker(app).run(once=True)
    write(client, slug, 1, email="second@example.org")
    report = Worker(app).run(once=True)
    assert (report.sent, report.held) == (0, 1)
    assert len([r for r in postal.server.requests_to(VERIFY) if b"Pennsylvania" in r.body]) == 1
    output = app.test_cli_runner().invoke(args=["delivery", "check", slug]).output
    assert "posting stopped: the postal service refused this office's address" in output
    assert "RED" in output
    create_account(app, "admin@example.org")
    log_in(client, "admin@example.org")
    page = client.get(f"/dashboard/campaigns/{slug}/channels").get_data(as_text=True)
    assert "Posting stopped: the postal service says mail cannot reach this address" in page
    assert "address undeliverable" in page
