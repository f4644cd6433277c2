"""The receipt after something went wrong, in Arabic on a phone and a wide screen: a letter we
gave up delivering (the office's form offered, "I have sent it" pressed and taken back), and a
confirmation email that has not gone through yet. Screenshots go to
tests/artifacts/arabic-*-receipt-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.test_arabic import ArabicCheck, backend, context_options, size
from tests.conftest import LiveServer
from tests.supporter.helpers import post_letter
from webapp.database import db
from webapp.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    Submission,
    SubmissionStatus,
)

pytestmark = pytest.mark.browser
__all__ = ["backend", "context_options", "size"]  # fixtures: SQLite, Arabic, 360 and 1280 px


def _letter(app: Flask, slug: str, email: str) -> tuple[str, int]:
    response = post_letter(app.test_client(), slug, email=email)
    assert response.status_code == 303
    with app.app_context():
        submission = db.session.scalars(
            select(Submission).order_by(Submission.id.desc()).limit(1)
        ).one()
        return str(response.headers["Location"]), submission.id


def test_a_letter_we_could_not_deliver_and_an_email_still_being_tried(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    axe_path: Path,
    size: str,
) -> None:
    check = ArabicCheck(page, axe_path, size)
    dead_receipt, _ = _letter(app, default_campaign, "rania@example.org")
    waiting_receipt, waiting_id = _letter(app, default_campaign, "salma@example.org")
    with app.app_context():
        dead = db.session.scalars(
            select(Delivery).where(
                Delivery.status == DeliveryStatus.NEEDS_ACTION, Delivery.contact_url.is_not(None)
            )
        ).first()
        assert dead is not None
        dead.status, dead.attempts = DeliveryStatus.DEAD, 8
        dead_id = dead.id
        waiting = db.session.get(Submission, waiting_id)
        assert waiting is not None
        waiting.status = SubmissionStatus.UNCONFIRMED
        db.session.add(
            Notification(
                submission=waiting,
                kind=NotificationKind.CONFIRMATION,
                status=DeliveryStatus.FAILED,
                attempts=3,
                last_error="cannot connect to SMTP server",
            )
        )
        db.session.commit()
    page.goto(live_server.url + dead_receipt)
    row = page.locator(f"#delivery-{dead_id}")
    expect(row).to_contain_text("تعذّر إيصال رسالتك إلى هذا المكتب في كل المحاولات")
    expect(row.get_by_role("button", name="انسخ الرسالة").first).to_be_visible()
    row.scroll_into_view_if_needed()
    check.check(page, "receipt could not deliver")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    row.get_by_role("button", name="لقد أرسلتها").click()
    expect(page.locator(f"#delivery-{dead_id}")).to_have_attribute(
        "data-status", "done_by_supporter"
    )
    # Pressed by mistake: taken back, the office's form and the button are offered again.
    row = page.locator(f"#delivery-{dead_id}")
    undo = row.get_by_role("button", name="لم أرسلها بعد")
    expect(undo).to_be_visible()
    row.scroll_into_view_if_needed()
    check.check(page, "receipt marked sent")
    undo.click()
    row = page.locator(f"#delivery-{dead_id}")
    expect(row).to_have_attribute("data-status", "dead")
    expect(page.get_by_text("سجّلنا أن رسالتك إلى")).to_be_visible()
    expect(row.get_by_role("button", name="لقد أرسلتها")).to_be_visible()
    check.check(page, "receipt taken back")
    page.goto(live_server.url + waiting_receipt)
    expect(page.get_by_text("لم تصل بعدُ رسالتنا التي تحمل الرابط")).to_be_visible()
    check.check(page, "receipt email retrying")
    check.assert_clean()
