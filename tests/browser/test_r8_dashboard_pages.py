"""The pages h3 changed, at 360 and 1280 px in English and Arabic: none scrolls sideways as a
whole (a wide table scrolls in its own box), axe finds nothing serious, and Arabic pages show
no risk-check or sync English (screenshots: tests/artifacts/r8-*.png)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import update

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import admin_signed_in
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import campaign_id
from tests.dashboard.letters import Letter, add_letters
from tests.dashboard.test_r8_words_every_kind import every_reason
from webapp.civic.index import ROSTER_DATASET
from webapp.database import db, utcnow, write_transaction
from webapp.models import RosterChange, Submission, SubmissionStatus
from webapp.services.organisers import audit

pytestmark = [pytest.mark.browser, PAGE_ONLY]
BOTH = pytest.mark.parametrize("locale", ["en-US", "ar"])

CHANGES = [
    ("vacant", "us_house", "PR", "0", None, None),
    ("added", "us_house", "DC", "0", "Eleanor (Holmes) Norton", None),
    ("removed", "us_senate", "WA", None, "Maria Cantwell", None),
    ("seat_changed", "us_house", "CA", "14", "Lateefah Simon", ("us_senate", "CA", None)),
    ("seat_changed", "us_house", "GU", "98", "James Moylan", None),
]


def _data(app: Flask, slug: str, admin: int) -> int:
    load_civic_data(app)
    (held,) = add_letters(
        app, slug, [Letter("held@example.org", status=SubmissionStatus.UNCONFIRMED)]
    )
    add_letters(app, slug, [Letter("vt@example.org", state="VT")])
    cid = campaign_id(app, slug)
    with app.app_context(), write_transaction(db.session()):
        db.session.execute(
            update(Submission)
            .where(Submission.id == held)
            .values(held=True, risk_reasons=every_reason())
        )
        for kind, chamber, state, district, name, before in CHANGES:
            db.session.add(
                RosterChange(
                    dataset=ROSTER_DATASET,
                    kind=kind,
                    chamber=chamber,
                    state=state,
                    district=district,
                    name=name,
                    previous_chamber=before[0] if before else None,
                    previous_state=before[1] if before else None,
                    previous_district=before[2] if before else None,
                    detail=f"{kind}: as the sync wrote it",
                    campaign_ids=[cid],
                    detected_at=utcnow(),
                )
            )
        for _ in range(3):
            audit(
                db.session(),
                admin,
                "campaign.edit",  # type: ignore[arg-type]  # an action older code wrote
                utcnow(),
                cid,
                title=["An old title that is rather long", "A new title that is longer still"],
            )
    return held


def _shot(page: Page, name: str, screen: str, locale: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = SCREENS[screen]["width"]
    page.screenshot(path=str(ARTIFACTS / f"r8-{name}-{locale[:2]}-{width}.png"), full_page=True)


@BOTH
def test_the_changed_pages_fit_the_screen_and_pass_axe(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
    axe_path: Path,
) -> None:
    page = screen_page
    admin = admin_signed_in(app, live_server, page, locale)
    held = _data(app, default_campaign, admin)
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    pages = {
        "campaign": base,
        "held": f"{base}#held",
        "decline": f"{base}/submissions/{held}/decline",
        "audit": f"{base}/audit",
        "offices": f"{base}/offices",
        "channels": f"{base}/channels?show=letters",
    }
    axe = AxeAudit(page, axe_path)
    wide: dict[str, int] = {}
    for name, url in pages.items():
        page.goto(url)
        if name == "held":
            page.locator("#held").scroll_into_view_if_needed()
            page.locator("#held").screenshot(
                path=str(ARTIFACTS / f"r8-held-{locale[:2]}-{SCREENS[screen]['width']}.png")
            )
            continue
        _shot(page, name, screen, locale)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            wide[name] = overflow
        axe.run(f"{name} ({locale}, {screen})")
        if locale == "ar" and name in ("campaign", "decline"):
            shown = page.locator("main").inner_text()
            for english in (
                "disposable email domain",
                "after opening the form",
                "US House",
                "vacant:",
                "seat changed",
                "honeypot",
                "letters from one",
            ):
                assert english not in shown, (name, english)
    assert wide == {}, f"pages wider than the screen (px past the edge): {wide}"
    axe.assert_clean()


@pytest.mark.parametrize("screen", ["phone"], indirect=True)
@pytest.mark.parametrize("locale", ["ar"])
def test_the_roster_changes_stay_a_table_with_headings_on_a_phone(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    """On a phone each change sits under its date (rows and cells shown as blocks); the
    headings are kept "for screen readers", so the rows and cells must stay a table's."""
    page = screen_page
    admin = admin_signed_in(app, live_server, page, locale)
    _data(app, default_campaign, admin)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}")
    table = page.locator("table.roster-changes")
    snapshot = table.aria_snapshot()
    assert "columnheader" in snapshot, snapshot
    assert len(re.findall(r"- '?row \"", snapshot)) >= len(CHANGES) + 1, snapshot
    assert "cell" in snapshot, snapshot
