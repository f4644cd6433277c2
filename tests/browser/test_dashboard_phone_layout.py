"""The dashboard on a phone: compact civic-data values, the quiet-districts list folded away,
and wide tables whose rows stay short (they scroll sideways in their box instead)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import sign_in
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, campaign_id, create_account
from tests.dashboard.letters import Letter, add_letters
from tests.dashboard.test_audit_log import REASONS, SAMA
from tests.dashboard.test_experiment import FAMILY, WHY
from tests.dashboard.test_experiment import _add as add_variant_letters
from webapp.dashboard.campaign_changes import changes
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditAction
from webapp.services.organisers import audit

pytestmark = [pytest.mark.browser, PAGE_ONLY]

# A campaign edit's before/after pair as the audit log shows it: a long value of each.
LONG_EDIT = (
    "Dear representative, I am writing to ask you to support accountability in Syria. " * 3,
    "Dear representative, as your constituent I ask you to support accountability. " * 3,
)


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    # The organiser pages are in English only (i18n.select_locale), so no right-to-left run.
    return {"viewport": SCREENS[screen], "locale": "en-US"}


# Every label of the dashboard's charts as drawn on screen, in CSS px: an SVG text's font size
# times the scale its SVG is drawn at, and the HTML labels around the bars.
CHART_LABEL_SIZES = """() => {
  const sizes = [];
  for (const text of document.querySelectorAll("svg.chart text")) {
    const m = text.getScreenCTM();
    sizes.push(parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b));
  }
  for (const label of document.querySelectorAll(".chart-top, .chart-axis bdi")) {
    if (label.getClientRects().length) sizes.push(parseFloat(getComputedStyle(label).fontSize));
  }
  return sizes;
}"""


def _tallest_row(page: Page, table: str) -> float:
    heights: list[float] = page.locator(f"{table} tbody tr").evaluate_all(
        "rows => rows.map(row => row.getBoundingClientRect().height)"
    )
    assert heights, table
    return max(heights)


def test_dashboard_pages_stay_compact_on_a_phone(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, screen: str
) -> None:
    load_civic_data(app)
    (vt,) = add_letters(
        app, default_campaign, [Letter("vt@example.org", state="VT", personal_message="Hi.")]
    )
    add_variant_letters(app, default_campaign, "family", FAMILY)
    add_variant_letters(app, default_campaign, "why", WHY)
    admin = create_account(app, ADMIN)
    with app.app_context(), write_transaction(db.session()):
        audit(
            db.session(),
            admin,
            "campaign.edit",  # type: ignore[arg-type]  # an action older code wrote
            utcnow(),
            campaign_id(app, default_campaign),
            letter=list(LONG_EDIT),
            title=["Old title", "New title"],
        )
        audit(
            db.session(),
            admin,
            AuditAction.MODERATION_DECLINE,
            utcnow(),
            campaign_id(app, default_campaign),
            submission_id=vt,
            reasons=list(REASONS),
        )
        audit(
            db.session(),
            admin,
            AuditAction.CAMPAIGN_UPDATED,
            utcnow(),
            campaign_id(app, default_campaign),
            **changes({"partners": []}, {"partners": [SAMA]}),
        )
    sign_in(page, live_server.url, ADMIN, PASSWORD)
    width = SCREENS[screen]["width"]
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"

    def shot(name: str, full_page: bool = True) -> None:
        # The channel map lists every office (about 540): a whole-page picture of it is some
        # 60,000 px tall and timed out under load, so it is taken of the screen's height.
        page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{width}.png"), full_page=full_page)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name

    # Civic data: a date and a Congress in the body font, on at most two lines.
    value = page.locator("#civic-status dd").first
    size, line, height = value.evaluate(
        "dd => [parseFloat(getComputedStyle(dd).fontSize), parseFloat(getComputedStyle(dd)"
        ".lineHeight), dd.getBoundingClientRect().height]"
    )
    shot("home")
    assert size <= 18 and height <= 2 * line + 1, (size, line, height)

    # The campaign: every quiet district is listed, folded away, and the held letters are
    # near the top of the page, which links to them.
    page.goto(base)
    quiet = page.locator("#coverage details.seat-list-fold")
    expect(quiet).to_have_count(1)
    assert quiet.get_attribute("open") is None
    assert (page.locator("#coverage .seat-list").text_content() or "").count(",") > 400
    expect(page.locator("nav.page-sections a[href='#held']")).to_have_count(1)
    held = page.locator("#held").evaluate("s => s.getBoundingClientRect().top + scrollY")
    # The story prompts' table: its numbers and intervals fit a phone's width, in columns.
    experiment = page.locator("#experiment")
    experiment.screenshot(path=str(ARTIFACTS / f"layout-experiment-{width}.png"))
    wrap = experiment.locator(".table-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth"), "the table scrolls sideways"
    page.locator("#time-heading").scroll_into_view_if_needed()
    shot("campaign-charts", full_page=False)
    shot("campaign")
    assert held < 8000, f"the held letters start {held}px down the page"
    # The charts' labels (days, the scale, the map's states) are readable on a phone: they
    # were drawn inside the SVG and shrank with it, to about 5 px at 360 px.
    sizes: list[float] = page.evaluate(CHART_LABEL_SIZES)
    assert len(sizes) > 50, sizes  # the map's states, the bars' scale and days
    assert min(sizes) >= 11, f"a chart label is {min(sizes):.1f}px at {width}px"
    # The first day of a campaign is one bar of a bar's width with its day under it, not a
    # green block across the page (it was 1,036 px wide at 1,280).
    day_chart = page.locator("#time-heading ~ figure.bar-chart").first
    bar = day_chart.locator("rect").evaluate("r => r.getBoundingClientRect().width")
    axis = day_chart.locator(".chart-axis bdi").evaluate("b => b.getBoundingClientRect().width")
    assert 20 <= bar <= 48, f"one day's bar is {bar:.0f}px wide at {width}px"
    assert axis <= 80, axis

    # Wide tables scroll sideways in their box; a row is never a tall, mostly blank column.
    page.goto(f"{base}/channels")
    shot("channels", full_page=False)
    assert _tallest_row(page, "table.channel-map") < 200
    # The Mark column is a badge's width, not the widest label on one line beside the office.
    mark, office = (
        page.locator(f"table.channel-map thead th:nth-child({n})").evaluate(
            "th => th.getBoundingClientRect().width"
        )
        for n in (1, 2)
    )
    assert mark <= 180, (mark, office)
    page.goto(f"{base}/audit")
    shot("audit")
    assert _tallest_row(page, "table.audit-log") < 400
    # A declined letter's reasons are a list, and the letter a link to its paragraph; a new
    # partner reads as its fields, not JSON.
    declined = page.locator("table.audit-log tr", has_text="Held letter declined")
    expect(declined.locator("li")).to_have_text(list(REASONS))
    declined.get_by_role("link", name=f"Letter {vt}").click()
    expect(page).to_have_url(f"{base}#personal-{vt}")
    page.go_back()
    partners = page.locator("table.audit-log tr", has_text="Campaign edited").locator(
        ".audit-after"
    )
    expect(partners).to_contain_text("name: Action For Sama")
    expect(partners).not_to_contain_text('{"')
    # The details as they scroll into view in the table's box (at 360 px it scrolls sideways).
    table = page.locator("table.audit-log").locator("..")
    table.evaluate("wrap => { wrap.scrollLeft = wrap.scrollWidth; }")
    table.screenshot(path=str(ARTIFACTS / f"layout-audit-details-{width}.png"))
