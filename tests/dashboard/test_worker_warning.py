"""The dashboard says when no outbox worker is sending letters, and is quiet when one is."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from flask import Flask

from tests.dashboard.helpers import ADMIN, add_partner, signed_in
from webapp.database import db, utcnow, write_transaction
from webapp.models import Role, WorkerHeartbeat

WARNING = 'id="worker-status" role="status"'
WAITING = "Letters to offices and emails to supporters wait until it runs again. None is lost."
COMMAND = "<code>flask outbox work</code>"


def _warning(text: str) -> str:
    found = re.search(r'<div class="flash flash-error worker-status".*?</div>', text, re.S)
    assert found is not None
    return found.group(0)


def _seen(
    app: Flask, when: datetime, worker_id: str = "web-1:worker", stopped: bool = False
) -> None:
    with app.app_context(), write_transaction(db.session()) as session:
        session.add(
            WorkerHeartbeat(
                worker_id=worker_id,
                started_at=when,
                seen_at=when,
                stopped_at=when if stopped else None,
            )
        )


def _pages(app: Flask, slug: str, email: str = ADMIN, **account: str) -> list[str]:
    client = signed_in(app, email, **account)  # type: ignore[arg-type]
    pages = [client.get("/dashboard/"), client.get(f"/dashboard/campaigns/{slug}")]
    assert [p.status_code for p in pages] == [200, 200]
    return [p.text for p in pages]


def test_no_worker_ever_seen_warns_organisers_on_both_pages(
    app: Flask, default_campaign: str
) -> None:
    for text in _pages(app, default_campaign):
        assert WARNING in text
        assert "no delivery worker has run yet" in text
        assert WAITING in text and COMMAND in text and "<code>flask delivery check</code>" in text


def test_a_worker_not_seen_for_minutes_is_named_with_its_last_heartbeat(
    app: Flask, default_campaign: str
) -> None:
    _seen(app, utcnow() - timedelta(minutes=4), "old")
    _seen(app, utcnow() - timedelta(minutes=3, seconds=30), "newer")
    for text in _pages(app, default_campaign):
        assert WARNING in text and WAITING in text and COMMAND in text
        assert "the delivery worker was last seen <bdi><time" in text


def test_a_worker_told_to_stop_a_moment_ago_is_named_stopped_at_once(
    app: Flask, default_campaign: str
) -> None:
    """Its heartbeat is seconds old: it read "active" for three minutes after a restart."""
    _seen(app, utcnow() - timedelta(minutes=20), "older")
    _seen(app, utcnow() - timedelta(seconds=5), "told-to-stop", stopped=True)
    for text in _pages(app, default_campaign):
        assert WARNING in text and WAITING in text and COMMAND in text
        assert "the delivery worker was stopped <bdi><time" in _warning(text)
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    for text in _pages(app, default_campaign, "ar@example.org"):
        assert "أُوقف عامل الإرسال في <bdi><time" in _warning(text)
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    # A worker that ran after it is what is told: the newest one went silent.
    _seen(app, utcnow() - timedelta(minutes=4), "silent-later")
    with app.app_context(), write_transaction(db.session()) as session:
        session.get(WorkerHeartbeat, "told-to-stop").seen_at -= timedelta(minutes=10)  # type: ignore[union-attr]
    for text in _pages(app, default_campaign, "later@example.org"):
        assert "the delivery worker was last seen <bdi><time" in _warning(text)


def test_a_fresh_heartbeat_leaves_one_quiet_line(app: Flask, default_campaign: str) -> None:
    _seen(app, utcnow() - timedelta(minutes=5), "stopped-long-ago")
    _seen(app, utcnow() - timedelta(seconds=40))
    for text in _pages(app, default_campaign):
        assert WARNING not in text and WAITING not in text
        assert '<p class="hint" id="worker-status">Delivery worker: active, last seen <bdi>' in text


def test_partners_are_told_letters_wait_without_the_operators_commands(
    app: Flask, default_campaign: str
) -> None:
    add_partner(app, default_campaign, "sama", "Action For Sama")
    pages = _pages(app, default_campaign, "p@sama.example.org", role=Role.PARTNER, partner="sama")
    for text in pages:
        assert WARNING in text and WAITING in _warning(text)
        assert "flask" not in _warning(text)
        assert "The campaign’s organisers can start it again." in _warning(text)
    _seen(app, utcnow())
    for text in _pages(
        app, default_campaign, "q@sama.example.org", role=Role.PARTNER, partner="sama"
    ):
        assert 'id="worker-status"' not in text  # nothing at all when all is well
