"""The organiser pages in Arabic (an installation whose default language is Arabic), on a phone
and a wide screen: right to left, English data isolated, no sideways scroll, no serious axe
finding. Screenshots go to tests/artifacts/dashboard-ar-*.png."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, squeezed_isolates
from tests.browser.editor import sign_in
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, campaign_id, create_account
from tests.dashboard.letters import Letter, add_letters
from webapp.database import db, utcnow, write_transaction
from webapp.services.organisers import audit

pytestmark = [pytest.mark.browser, PAGE_ONLY]

ARABIC = re.compile(r"[\u0600-\u06ff]")

TITLE_START = "5 steps that Biden"
# What reads out of order or stays English in an Arabic sentence: an ISO date outside an
# isolate ("2026-06-15" drawn "15-06-2026"), an English ordinal ("الكونغرس 119th"), a command in
# backticks (the marks land on the wrong side of it).
OUT_OF_ORDER = r"""() => {
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent, el = node.parentElement;
    if (!el || !el.getClientRects().length || el.closest("script, style")) continue;
    const isolated = el.closest("bdi, [dir]:not(html)");
    if (!isolated && /\d{4}-\d{2}-\d{2}/.test(text)) found.push(`date not isolated: ${text}`);
    if (/\b\d+(st|nd|rd|th)\b/.test(text)) found.push(`English ordinal: ${text}`);
    if (text.includes("`")) found.push(`backticks: ${text}`);
  }
  return found;
}"""


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    # bypass_csp: Playwright injects axe as an inline script.
    return {"viewport": SCREENS[screen], "locale": "ar", "bypass_csp": True}


def test_the_dashboard_reads_right_to_left_in_arabic(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    screen: str,
    axe_path: Path,
) -> None:
    # The organiser pages speak the installation's default language.
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    admin = create_account(app, ADMIN)
    with app.app_context(), write_transaction(db.session()):
        audit(
            db.session(),
            admin,
            "campaign.edit",
            utcnow(),
            campaign_id(app, default_campaign),
            title=["Old title", "New title"],
        )
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    width = SCREENS[screen]["width"]
    axe = AxeAudit(page, axe_path)
    problems: list[str] = []

    def look(name: str) -> None:
        page.wait_for_load_state("load")
        root = page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]")
        if root != ["ar", "rtl"]:
            problems.append(f"{name}: <html lang dir> is {root}")
        scroll = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll > width:
            problems.append(f"{name}: the page is {scroll}px wide on a {width}px screen")
        problems.extend(f"{name}: {found}" for found in page.evaluate(OUT_OF_ORDER))
        squeezed = squeezed_isolates(page)
        if squeezed:
            problems.append(f"{name}: isolates without their spaces: {squeezed}")
        page.screenshot(path=str(ARTIFACTS / f"dashboard-ar-{name}-{width}.png"), full_page=True)
        axe.run(name)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Before the first roster sync the home page says which command loads it.
    look("home-unsynced")
    command = page.locator("p bdi > code", has_text="flask civic sync")
    if command.count() != 1:
        problems.append("home-unsynced: `flask civic sync` is not an isolated <code>")
    load_civic_data(app)
    add_letters(app, default_campaign, [Letter("vt@example.org", state="VT")])
    page.goto(f"{live_server.url}/dashboard/")
    look("home")
    # The campaign's English title keeps its order ("5 steps…", not "steps… 5"), and its
    # status is in Arabic.
    if page.locator("td a bdi", has_text=TITLE_START).count() != 1:
        problems.append("home: the campaign's title is not isolated")
    status = page.locator("tr", has=page.locator("td a")).locator("td").nth(1).inner_text()
    if not re.search(ARABIC, status):
        problems.append(f"home: the campaign's status is {status!r}")
    civic = page.locator("#civic-status").inner_text()
    if "الكونغرس\N{NO-BREAK SPACE}الـ119" not in civic:  # kept on one line (no break)
        problems.append(f"home: the seated Congress reads {civic.splitlines()[0]!r}")
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    for name, path in (
        ("campaign", base),
        ("offices", f"{base}/offices"),
        # Only the offices with letters: all 540 make a picture some 60,000 px tall.
        ("channels", f"{base}/channels?show=letters"),
        ("audit", f"{base}/audit"),
    ):
        page.goto(path)
        look(name)
        if page.locator("h1 bdi", has_text=TITLE_START).count() != 1:
            problems.append(f"{name}: the campaign's title in the heading is not isolated")
        if name == "campaign":
            status = page.locator("main p.hint").first.inner_text()
            if re.search(r"\blive\b", status):
                problems.append(f"campaign: the status reads {status!r}")
    axe.assert_clean()
    assert problems == [], "\n".join(problems)
