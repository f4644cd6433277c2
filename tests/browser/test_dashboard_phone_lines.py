"""The dashboard's short texts on a phone, in English and Arabic: the channel map's caption
wraps inside the screen, the audit log's dates stay on a line, and "the 119th Congress" is
never broken before its number (screenshots: tests/artifacts/lines-*.png)."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import admin_signed_in
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import campaign_id
from tests.dashboard.letters import Letter, add_letters
from webapp.civic.index import ROSTER_DATASET
from webapp.database import db, utcnow, write_transaction
from webapp.models import RosterChange
from webapp.services.organisers import audit

pytestmark = [pytest.mark.browser, PAGE_ONLY]
BOTH = pytest.mark.parametrize("locale", ["en-US", "ar"])

# Each line box of an element's text, as [left, right, top] in CSS px.
LINES = """(el) => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const boxes = [...range.getClientRects()].filter((r) => r.width > 1);
  return boxes.map((r) => [r.left, r.right, r.top]);
}"""


def _shot(page: Page, name: str, screen: str, locale: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    width = SCREENS[screen]["width"]
    page.screenshot(path=str(ARTIFACTS / f"lines-{name}-{locale[:2]}-{width}.png"), full_page=True)


@BOTH
def test_the_channel_maps_caption_wraps_inside_the_screen(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    """The table is wider than a phone and scrolls in its box; its caption was as wide as the
    table, so "Offices with letters: 1 of 538 offices" ran out of sight past the box's edge."""
    page = screen_page
    load_civic_data(app)
    add_letters(app, default_campaign, [Letter("vt@example.org", state="VT")])
    admin_signed_in(app, live_server, page, locale)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}/channels?show=letters")
    _shot(page, "channels", screen, locale)
    wrap = page.locator(".table-wrap:has(> table.channel-map)")
    left, right = wrap.evaluate(
        "w => [w.getBoundingClientRect().left, w.getBoundingClientRect().right]"
    )
    lines = page.locator("table.channel-map caption").evaluate(LINES)
    assert lines, "no caption text"
    outside = [line for line in lines if line[0] < left - 1 or line[1] > right + 1]
    assert outside == [], f"caption lines past the box [{left}, {right}]: {outside}"
    # Scrolled to the table's far end, the caption is still in view.
    wrap.evaluate(
        "w => { const rtl = getComputedStyle(w).direction === 'rtl';"
        " w.scrollLeft = (rtl ? -1 : 1) * w.scrollWidth; }"
    )
    lines = page.locator("table.channel-map caption").evaluate(LINES)
    outside = [line for line in lines if line[0] < left - 1 or line[1] > right + 1]
    assert outside == [], f"scrolled: caption lines past the box [{left}, {right}]: {outside}"


@BOTH
def test_the_audit_logs_dates_read_on_one_line(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    """At 360 px the When column was squeezed to a word a line: "6 / ديسمبر / 2026، /
    8:22:17 / ص UTC"."""
    page = screen_page
    admin = admin_signed_in(app, live_server, page, locale)
    with app.app_context(), write_transaction(db.session()):
        audit(
            db.session(),
            admin,
            "campaign.edit",  # type: ignore[arg-type]  # an action older code wrote
            utcnow(),
            campaign_id(app, default_campaign),
            title=["Old title", "New title"],
        )
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}/audit")
    _shot(page, "audit", screen, locale)
    when = page.locator("table.audit-log tbody tr td").first
    tops = {round(line[2]) for line in when.evaluate(LINES)}
    assert len(tops) == 1, f"the date is on {len(tops)} lines: {when.inner_text()!r}"


@pytest.mark.parametrize("screen", ["phone"], indirect=True)
@pytest.mark.parametrize("locale", ["ar"])
def test_the_congress_ordinal_stays_with_its_noun(
    app: Flask,
    live_server: LiveServer,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    """Arabic puts the number last ("للكونغرس الـ119"), and it ended up alone on a line of
    the civic panel; English has "Congress" after it."""
    page = screen_page
    load_civic_data(app)
    admin_signed_in(app, live_server, page, locale)
    _shot(page, "home", screen, locale)
    ordinals = page.locator("#civic-status bdi", has_text="119")
    assert ordinals.count() >= 3
    for index in range(ordinals.count()):
        ordinal = ordinals.nth(index)
        # The word before "الـ119": the letter in front of the last space before its isolate.
        before, own = ordinal.evaluate(
            """(bdi) => {
              const text = bdi.previousSibling;
              const at = text.textContent.search(/\\s\\S*$/) - 1;
              const range = document.createRange();
              range.setStart(text, at);
              range.setEnd(text, at + 1);
              return [range.getBoundingClientRect().top, bdi.getBoundingClientRect().top];
            }"""
        )
        said = ordinal.evaluate("b => b.parentElement.textContent")
        assert abs(before - own) < 4, f"the number starts a line of its own: {said!r}"


@BOTH
def test_a_campaigns_roster_changes_keep_their_dates_on_a_line(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    """The campaign's list of roster changes: its When column, beside the change, was a word a
    line at 360 px, as the audit log's was."""
    page = screen_page
    admin_signed_in(app, live_server, page, locale)
    cid = campaign_id(app, default_campaign)
    with app.app_context(), write_transaction(db.session()):
        for state, district in (("TX", "23"), ("GA", "13")):
            db.session.add(
                RosterChange(
                    dataset=ROSTER_DATASET,
                    kind="vacant",
                    chamber="us_house",
                    state=state,
                    district=district,
                    detail=f"vacant: {state}-{district} (US House)",
                    campaign_ids=[cid],
                    detected_at=utcnow(),
                )
            )
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}#roster-heading")
    table = page.locator("table.roster-changes")
    table.scroll_into_view_if_needed()
    _shot(page, "campaign-roster", screen, locale)
    for when in table.locator("tbody time").all():
        tops = {round(line[2]) for line in when.evaluate(LINES)}
        assert len(tops) == 1, f"the date is on {len(tops)} lines: {when.inner_text()!r}"
    wrap = table.locator("..")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), "the list scrolls sideways"


# Each seat cell whose "district 4" / "الدائرة 4" starts a line with its number: the word's
# last letter and the number's first digit on different lines.
SPLIT_SEATS = r"""(cells) => {
  const split = [];
  for (const cell of cells) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const m = /(district|الدائرة)\s+(\d)/.exec(node.textContent);
      if (!m) continue;
      const top = (at) => {
        const range = document.createRange();
        range.setStart(node, at);
        range.setEnd(node, at + 1);
        return range.getBoundingClientRect().top;
      };
      const word = m.index + m[1].length - 1, digit = m.index + m[0].length - 1;
      if (Math.abs(top(word) - top(digit)) > 4) split.push(cell.textContent.trim());
    }
  }
  return split;
}"""


@pytest.mark.parametrize("screen", ["phone"], indirect=True)
@BOTH
def test_a_seat_keeps_district_and_its_number_on_a_line(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    screen_page: Page,
    screen: str,
    locale: str,
) -> None:
    """The offices page's Seat column at 360 px: "Florida, district / 4" (Arabic was fixed
    first, by a no-break space in its three district sentences)."""
    page = screen_page
    load_civic_data(app)
    admin_signed_in(app, live_server, page, locale)
    # Every office: the page lists only those with letters unless asked.
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}/offices?show=all")
    cells = page.locator("table tbody tr td:nth-child(2)")
    assert cells.count() > 400
    _shot(page, "offices", screen, locale)
    split = cells.evaluate_all(SPLIT_SEATS)
    assert split == [], f"{len(split)} seats broken before their number, e.g. {split[:5]}"
