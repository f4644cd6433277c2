"""The dashboard's "By office" and "Replies by office" tables on a phone: every column and the
whole caption on screen, no sideways scrolling (tests/artifacts/tables-*.png)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS
from tests.browser.editor import sign_in_admin
from tests.conftest import LiveServer
from tests.dashboard.helpers import release_leaked_sessions  # noqa: F401
from tests.dashboard.letters import PRESIDENT, Letter, Office, add_letters
from tests.dashboard.replies import add_answers
from webapp.models import DeliveryStatus, ReplyAnswer, SubmissionStatus

pytestmark = [pytest.mark.browser, PAGE_ONLY, pytest.mark.usefixtures("release_leaked_sessions")]

S = DeliveryStatus
SENATOR = Office(
    "official:S000001", "Sen. Alexandria Example-Longname", S.NEEDS_ACTION, "us_senate", "MI"
)
HOUSE = Office("official:R000001", "Rep. Bartholomew Example", S.SENT, "us_house", "MI", "12")


@pytest.fixture
def context_options(screen: str) -> dict[str, Any]:
    return {"viewport": SCREENS[screen], "locale": "en-US"}


def test_office_tables_fit_a_phone_with_every_column(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, screen: str
) -> None:
    # Offices with long status names (a hand-off waiting for the supporter) and a "Not sent"
    # column (a letter never confirmed), as on a day of action.
    cancelled = Office(PRESIDENT.key, PRESIDENT.name, S.CANCELLED)
    add_letters(
        app,
        default_campaign,
        [
            *(Letter(f"w{n}@example.org", offices=(PRESIDENT, SENATOR, HOUSE)) for n in range(3)),
            Letter("x@example.org", status=SubmissionStatus.EXPIRED, offices=(cancelled,)),
        ],
    )
    answers = [ReplyAnswer.REPLIED_ANSWERED] * 6 + [ReplyAnswer.NO_REPLY] * 5
    add_answers(app, default_campaign, SENATOR.key, SENATOR.name, answers)
    add_answers(app, default_campaign, HOUSE.key, HOUSE.name, [ReplyAnswer.NOT_EXPECTED] * 2)
    sign_in_admin(app, page, live_server)
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}")
    width = SCREENS[screen]["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, section in (("offices", "#targets-heading"), ("replies", "#replies-heading")):
        panel = page.locator(f"section:has({section})")
        panel.screenshot(path=str(ARTIFACTS / f"tables-{name}-{width}.png"))
        wrap = panel.locator(".table-wrap")
        assert wrap.count() == 1, name
        sizes = wrap.evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert sizes[0] <= sizes[1], f"the {name} table is {sizes[0]}px wide in {sizes[1]}px"
        # The caption wraps inside the box rather than running out of it.
        caption = wrap.locator("caption").evaluate(
            "c => [c.scrollWidth, c.getBoundingClientRect().right, innerWidth]"
        )
        assert caption[0] <= caption[2] and caption[1] <= caption[2], (name, caption)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
