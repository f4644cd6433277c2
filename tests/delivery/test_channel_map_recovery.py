"""An office is red while it fails, not for a day after one failure (QA6 defect 8): the same
rule on `flask delivery check` and the dashboard's channel map."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.dashboard.helpers import signed_in
from tests.delivery.campaigns import OFFICE_EMAIL, office, write_delivery_campaign
from tests.delivery.smtp_server import SmtpSink
from tests.supporter.helpers import post_letter
from webapp.database import db, utcnow
from webapp.models import Delivery, DeliveryStatus

SMTP_DOWN = "cannot connect to SMTP server 127.0.0.1:2525: [Errno 111] Connection refused"


@pytest.fixture
def app_config(app_config: dict[str, Any], smtp: SmtpSink) -> dict[str, Any]:
    # Every setting right and the relay answering (the check tries it), so the mark is the
    # office's own history and nothing else.
    settings = {"SMTP_URL": smtp.url, "PUBLIC_BASE_URL": "https://letters.example.org"}
    return {**app_config, **settings}


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return write_delivery_campaign(
        app, tmp_path, "water", [office("Water Board", email=OFFICE_EMAIL)]
    )


def _letters(app: Flask, slug: str, *rows: dict[str, Any]) -> None:
    """One letter to the Water Board for each of `rows`, its delivery given those fields."""
    for n in range(len(rows)):
        assert post_letter(app.test_client(), slug, email=f"w{n}@example.org").status_code == 303
    with app.app_context():
        deliveries = db.session.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert len(deliveries) == len(rows)
        for delivery, fields in zip(deliveries, rows, strict=True):
            for name, value in fields.items():
                setattr(delivery, name, value)
        db.session.commit()


def _ago(hours: float) -> datetime:
    return utcnow() - timedelta(hours=hours)


def _check(app: Flask, slug: str) -> tuple[int, str]:
    """Exit code and the Water Board's lines."""
    result = app.test_cli_runner().invoke(args=["delivery", "check", slug])
    lines = result.output.splitlines()
    first = next(n for n, line in enumerate(lines) if " Water Board [" in line)
    block = [lines[first], *(x for x in lines[first + 1 : first + 5] if x.startswith("      "))]
    return result.exit_code, "\n".join(block)


def _page(app: Flask, slug: str) -> tuple[str, str]:
    """The dashboard's mark for the Water Board, and the page."""
    page = signed_in(app, "admin@civic.example.org").get(f"/dashboard/campaigns/{slug}/channels")
    assert page.status_code == 200
    return page.text.split('<span class="mark mark-', 1)[1].split('"', 1)[0], page.text


def test_an_office_that_failed_then_sent_is_green_and_says_it_recovered(
    app: Flask, slug: str
) -> None:
    # SMTP was down a minute: the letter failed once, then went out on its retry.
    sent = DeliveryStatus.SENT
    _letters(app, slug, {"status": sent, "failed_at": _ago(2), "sent_at": _ago(1.9)})
    code, water_board = _check(app, slug)
    assert water_board.startswith("GREEN"), water_board
    assert "(recovered)" in water_board
    assert code == 0, "a cron alarm would still ring after the relay came back"
    mark, page = _page(app, slug)
    assert mark == "green" and "Recovered: sent since then" in page


def test_an_office_is_red_while_its_last_failure_is_newer_than_its_last_success(
    app: Flask, slug: str
) -> None:
    # Sent three hours ago; a later letter failed, and was queued again by `retry-dead`.
    pending = {"status": DeliveryStatus.PENDING, "last_error": SMTP_DOWN}
    _letters(
        app,
        slug,
        {"status": DeliveryStatus.SENT, "sent_at": _ago(3)},
        {**pending, "failed_at": _ago(1)},
    )
    code, water_board = _check(app, slug)
    assert water_board.startswith("RED") and SMTP_DOWN in water_board
    assert code == 1 and _page(app, slug)[0] == "red"


def test_a_failure_with_no_success_since_stays_red_after_a_day(app: Flask, slug: str) -> None:
    _letters(app, slug, {"status": DeliveryStatus.PENDING, "failed_at": _ago(30)})
    code, water_board = _check(app, slug)
    assert water_board.startswith("RED") and code == 1
    assert _page(app, slug)[0] == "red"


@pytest.mark.parametrize("status", [DeliveryStatus.FAILED, DeliveryStatus.DEAD])
def test_a_letter_failing_or_dead_now_keeps_its_office_red_after_later_successes(
    app: Flask, slug: str, status: DeliveryStatus
) -> None:
    _letters(
        app,
        slug,
        {"status": status, "failed_at": _ago(30), "last_error": SMTP_DOWN},
        {"status": DeliveryStatus.SENT, "sent_at": _ago(1)},
    )
    code, water_board = _check(app, slug)
    assert water_board.startswith("RED") and code == 1
    assert "(recovered)" not in water_board
    assert _page(app, slug)[0] == "red"
