"""With JavaScript the recipients appear as the ZIP is typed; unticking one carries to the send."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, SEND_BUTTON, ConsoleLog
from tests.civic.data import load_civic_data, single_district_zip, split_zip
from tests.conftest import LiveServer
from webapp.database import db
from webapp.models import Delivery

pytestmark = [pytest.mark.browser, PAGE_ONLY]


def _in_dearborn(page: Page, url: str, first: str, last: str, email: str | None = None) -> None:
    """Open the letter form at `url` and fill a Dearborn, Michigan supporter's name, email,
    city and state (the ZIP is left to the test, which types it)."""
    page.goto(url)
    page.get_by_label("First name", exact=True).fill(first)
    page.get_by_label("Last name", exact=True).fill(last)
    page.get_by_label("Email", exact=True).fill(email or f"{first.lower()}@example.org")
    page.get_by_label("City", exact=True).fill("Dearborn")
    page.get_by_label("State", exact=True).select_option("MI")


def test_recipients_appear_as_the_zip_is_typed_and_choices_are_kept(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, console: ConsoleLog
) -> None:
    load_civic_data(app)
    zip_code = single_district_zip("MI", 12)
    _in_dearborn(page, f"{live_server.url}/campaigns/{default_campaign}", "Omar", "Saleh")
    live = page.locator("#targets-live")
    expect(live).to_be_hidden()
    page.get_by_label("ZIP code", exact=True).press_sequentially(zip_code, delay=30)
    expect(live).to_be_visible()
    expect(live).to_contain_text("The President of the United States")
    boxes = live.locator('input[name="recipients"]')
    expect(boxes).to_have_count(3)  # two senators and the representative, all optional
    expect(live).to_contain_text("Representative")
    # One flat list: no bullets (test_the_recipients_read_as_one_flat_list for the lines).
    marks = live.locator("li.recipient").evaluate_all(
        "items => items.map(i => [!!i.querySelector('input'), getComputedStyle(i).listStyleType])"
    )
    assert sorted(marks) == [[False, "none"], [True, "none"], [True, "none"], [True, "none"]]
    first_senator = boxes.first
    kept_out = first_senator.get_attribute("value")
    first_senator.uncheck()
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter")).to_be_visible()
    expect(page.locator(f'input[name="recipients"][value="{kept_out}"]')).not_to_be_checked()
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.get_by_role("heading", name="Thank you, Omar")).to_be_visible()
    with app.app_context():
        keys = set(db.session.scalars(select(Delivery.recipient_key)))
    assert kept_out not in keys
    assert len(keys) == 3 and any(k.startswith("target:") for k in keys)
    assert console.errors() == []


def test_a_representative_found_on_the_preview_joins_the_offices_ticked_as_typed(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, console: ConsoleLog
) -> None:
    """A ZIP split between districts: the list shown as the ZIP is typed has the senators only;
    the district chosen on the next step adds a Representative, ticked like the others."""
    load_civic_data(app)
    zip_code, districts = split_zip("MI")
    _in_dearborn(page, f"{live_server.url}/campaigns/{default_campaign}", "Samir", "Haddad")
    live = page.locator("#targets-live")
    page.get_by_label("ZIP code", exact=True).press_sequentially(zip_code, delay=30)
    expect(live).to_contain_text("The President of the United States")
    expect(live.locator('input[name="recipients"]')).to_have_count(2)  # the senators
    expect(live).not_to_contain_text("Representative")
    page.get_by_label("Street address", exact=False).fill("13615 Michigan Ave")
    page.get_by_role("button", name="Preview my letter").click()
    # The address service cannot be reached from tests: the district is asked for instead.
    expect(page.locator("#district-error")).to_contain_text("The address service did not answer")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#district").screenshot(path=str(ARTIFACTS / "district-choice-wide.png"))
    page.locator(f"#district-{districts[0]}").check()
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter")).to_be_visible()
    boxes = page.locator('input[type="checkbox"][name="recipients"]')
    expect(boxes).to_have_count(3)
    for n in range(3):
        expect(boxes.nth(n)).to_be_checked()
    expect(page.get_by_text("not writing to this office")).to_have_count(0)
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.get_by_role("heading", name="Thank you, Samir")).to_be_visible()
    with app.app_context():
        keys = set(db.session.scalars(select(Delivery.recipient_key)))
    assert len(keys) == 4  # the President, two senators and the Representative
    # The step that asked for the district answered 422, which Chromium logs; nothing else.
    assert [e for e in console.errors() if "422" not in e] == []


def test_a_representative_unticked_on_the_preview_stays_unticked_through_change_something(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, console: ConsoleLog
) -> None:
    """The live list (senators only, in a split ZIP) redrawn after "Change something" must not
    forget the Representative the supporter unticked on the preview."""
    load_civic_data(app)
    zip_code, districts = split_zip("MI")
    url = f"{live_server.url}/campaigns/{default_campaign}"
    _in_dearborn(page, url, "Samir", "Haddad", "samir.two@example.org")
    page.get_by_label("Street address", exact=True).fill("13615 Michigan Ave")
    page.get_by_label("ZIP code", exact=True).press_sequentially(zip_code, delay=30)
    expect(page.locator("#targets-live input[name=recipients]")).to_have_count(2)
    page.get_by_role("button", name="Preview my letter").click()
    # The page asking for the district fills the ZIP's district hint, above the radios, once
    # its script and request answer; on a busy machine a click before then landed where the
    # hint pushed the radio down ("did not change its state", in a clean run).
    page.wait_for_load_state("networkidle")
    page.locator(f"#district-{districts[0]}").check()
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter")).to_be_visible()
    representative = page.locator("input[type=checkbox][name=recipients]").last
    rep_key = representative.get_attribute("value")
    representative.uncheck()
    page.get_by_role("button", name="Change something").click()
    expect(page.locator("#targets-live input[name=recipients]")).to_have_count(2)
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter")).to_be_visible()
    expect(page.locator(f'input[name="recipients"][value="{rep_key}"]')).not_to_be_checked()
    expect(page.get_by_text("not writing to this office")).to_have_count(1)
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.get_by_role("heading", name="Thank you, Samir")).to_be_visible()
    with app.app_context():
        keys = set(db.session.scalars(select(Delivery.recipient_key)))
    assert rep_key not in keys and len(keys) == 3
    assert [e for e in console.errors() if "422" not in e] == []


NON_VOTING = {"en": "non-voting member of Congress", "ar": "عضو في الكونغرس بلا حق التصويت"}


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(("state", "zip_code"), [("DC", "20001"), ("PR", "00901")])
def test_a_delegate_is_said_to_be_non_voting_in_the_live_list_as_on_the_preview(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    page: Page,
    console: ConsoleLog,
    lang: str,
    state: str,
    zip_code: str,
) -> None:
    """The live list named DC's and the territories' members "Delegate" or "Resident
    Commissioner" and stopped there; the preview says too that they are non-voting members."""
    load_civic_data(app)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={lang}")
    page.locator("[name=state]").select_option(state)
    page.locator("[name=zip_code]").press_sequentially(zip_code, delay=30)
    member = page.locator("#targets-live li.recipient").filter(has=page.locator("input"))
    expect(member).to_have_count(1)
    expect(member).to_contain_text(NON_VOTING[lang])
    live_words = member.inner_text()
    for name, value in {"first_name": "Rasha", "last_name": "Haddad", "city": "Washington"}.items():
        page.fill(f"[name={name}]", value)
    page.fill("[name=email]", "rasha@example.org")
    page.locator("form button[name=action][value=preview]").click()
    shown = page.locator("ul.offices li.office").filter(has=page.locator("input"))
    expect(shown).to_have_count(1)
    expect(shown.locator("p.hint")).to_contain_text(NON_VOTING[lang])
    # The same title and the same words for the party as the preview's.
    title, details = shown.locator("label").inner_text(), shown.locator("p.hint").inner_text()
    assert title in live_words and details.split(" · ")[0] in live_words
    page.screenshot(path=str(ARTIFACTS / f"delegate-preview-{state}-{lang}.png"), full_page=True)
    assert console.errors_but_favicon() == []


# Where each line of the live list starts, in the page's direction: the name (its box or tick
# before it) and the line itself; and whether any list marker shows.
LINES = """list => [...list.querySelectorAll("li.recipient")].map(li => {
  const rtl = getComputedStyle(li).direction === "rtl";
  const start = (box) => rtl ? -box.right : box.left;
  const name = li.querySelector(":scope > span, label > span").getBoundingClientRect();
  return {
    line: Math.round(start(li.getBoundingClientRect())),
    name: Math.round(start(name)),
    marker: getComputedStyle(li).listStyleType,
    box: !!li.querySelector("input[type=checkbox]"),
    width: li.getBoundingClientRect().width,
  };
})"""


@pytest.mark.parametrize("locale", ["en", "ar"])
@pytest.mark.parametrize("where", ["page", "widget"])
def test_the_recipients_read_as_one_flat_list(
    app: Flask,
    default_campaign: str,
    live_server: LiveServer,
    screen_page: Page,
    console: ConsoleLog,
    screen: str,
    locale: str,
    where: str,
) -> None:
    """The President (fixed) and the members of Congress (a box each) are lines of one list:
    no bullets, every line and every name starting at the same edge (the right one in
    Arabic), at 360 px and 1280 px. A bulleted President over boxes without bullets read as
    offices nested under the President."""
    load_civic_data(app)
    page = screen_page
    path = f"/campaigns/{default_campaign}" if where == "page" else f"/widget/{default_campaign}"
    page.goto(f"{live_server.url}{path}?lang={locale}&mode=letter")
    page.select_option("[name=state]", "MI")
    page.locator("[name=zip_code]").press_sequentially(single_district_zip("MI", 12), delay=30)
    live = page.locator("#targets-live")
    expect(live.locator("input[name=recipients]")).to_have_count(3)

    lines = live.locator("ul.recipients").evaluate(LINES)
    assert [line["box"] for line in lines] == [False, True, True, True], lines
    assert {line["marker"] for line in lines} == {"none"}, lines
    assert len({line["line"] for line in lines}) == 1, lines
    assert len({line["name"] for line in lines}) == 1, lines
    # The names start after the mark's column (the box's width and the gap), not at the edge.
    assert lines[0]["name"] - lines[0]["line"] >= 24, lines
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREENS[screen]["width"]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    live.screenshot(path=str(ARTIFACTS / f"live-recipients-{where}-{locale}-{screen}.png"))
    assert console.errors_but_favicon() == [] and console.csp_violations() == []
