"""The "By office" tables on a phone, in English and Arabic: one office a block, each figure
under its column's name, instead of four columns whose statuses wrapped a word or two a line
into rows some 200 px tall. On a wide screen they stay a table (tests/artifacts/office-rows-*)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Locator, Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import admin_signed_in
from tests.conftest import LiveServer
from tests.dashboard.helpers import release_leaked_sessions  # noqa: F401
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from webapp.models import DeliveryStatus, SubmissionStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY, pytest.mark.usefixtures("release_leaked_sessions")]

S = DeliveryStatus
SENATOR = Office(
    "official:S000001", "Sen. Alexandria Example-Longname", S.NEEDS_ACTION, "us_senate", "MI"
)
HOUSE = Office("official:R000001", "Rep. Bartholomew Example", S.SENT, "us_house", "MI", "12")
PENDING = Office(PRESIDENT.key, PRESIDENT.name, S.PENDING)

# Each office row's cells: its text, the lines it takes, its width, and how wide its text is on
# one line; the table's width; whether the cell shows (a figure is never hidden).
ROWS = """(table) => [...table.querySelectorAll("tbody tr")].map((tr) => [...tr.cells].map((c) => {
  const range = document.createRange();
  range.selectNodeContents(c);
  const lines = new Set([...range.getClientRects()].filter((r) => r.width > 1)
    .map((r) => Math.round(r.top))).size;
  const probe = document.createElement("span");
  probe.style.whiteSpace = "nowrap";
  probe.textContent = c.innerText.replace(/\\s+/g, " ");
  c.append(probe);
  const oneLine = probe.getBoundingClientRect().width;
  probe.remove();
  const shown = c.getClientRects().length > 0 && getComputedStyle(c).visibility !== "hidden";
  return { text: c.textContent.trim(), lines, oneLine, width: c.getBoundingClientRect().width,
    table: table.getBoundingClientRect().width, shown, display: getComputedStyle(c).display,
    said: getComputedStyle(c, "::before").content };
}))"""


@pytest.fixture
def context_options(screen: str, locale: str) -> dict[str, Any]:
    return {"viewport": SCREENS[screen], "locale": locale}


def _letters(app: Flask, slug: str) -> None:
    add_letters(
        app,
        slug,
        [
            *(Letter(f"w{n}@example.org", offices=(PRESIDENT, SENATOR, HOUSE)) for n in range(3)),
            Letter("q@example.org", offices=(PENDING,)),
            Letter("h@example.org", status=SubmissionStatus.UNCONFIRMED, offices=(PENDING,)),
            Letter(
                "x@example.org",
                status=SubmissionStatus.EXPIRED,
                offices=(Office(PRESIDENT.key, PRESIDENT.name, S.CANCELLED),),
            ),
        ],
    )


def _check(table: Locator, phone: bool) -> list[str]:
    problems = []
    columns = table.locator("thead th").all_text_contents()
    for row in table.evaluate(ROWS):
        for column, cell in zip(columns, row, strict=True):
            if cell["text"] and not cell["shown"]:
                problems.append(f"hidden: {cell['text']!r}")
            # On a phone each figure is said after its column's name (the office's own name
            # heads its block).
            if phone and cell["shown"] and column != columns[0] and column not in cell["said"]:
                problems.append(f"{cell['text']!r} without {column!r}: {cell['said']}")
            if not phone:
                if cell["display"] != "table-cell":
                    problems.append(f"not a table cell at full width: {cell['text']!r}")
                continue
            # Wrapped only as far as the table's width makes it: two or three words a line
            # in a narrow column were rows a phone's screen tall.
            room = max(1, -(-cell["oneLine"] // cell["table"]))
            if cell["lines"] > room + 1:
                problems.append(f"{cell['text']!r} on {cell['lines']} lines")
    return problems


@pytest.mark.parametrize("locale", ["en-US", "ar"])
def test_the_office_tables_read_one_office_at_a_time_on_a_phone(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    screen: str,
    locale: str,
) -> None:
    _letters(app, default_campaign)
    admin_signed_in(app, live_server, page, locale[:2])
    width = SCREENS[screen]["width"]
    phone = screen == "phone"
    base = f"{live_server.url}/dashboard/campaigns/{default_campaign}"
    problems: list[str] = []
    for name, path, table in (
        ("campaign", base, "section:has(#targets-heading) table"),
        ("offices", f"{base}/offices", "section:has(#offices-heading) table"),
    ):
        page.goto(path)
        shown = page.locator(table)
        shown.screenshot(path=str(ARTIFACTS / f"office-rows-{name}-{locale[:2]}-{width}.png"))
        problems += [f"{name}: {p}" for p in _check(shown, phone)]
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width, name
    assert problems == [], "\n".join(problems)
