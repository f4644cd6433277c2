"""On a 360 px phone in Chromium: a supporter abroad, a US voter abroad, and where things sit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS, SEND_BUTTON
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import house_member, load_civic_data, senators, single_district_zip
from tests.conftest import LiveServer
from tests.dashboard.helpers import signed_in
from webapp.civic.types import Residence
from webapp.database import db
from webapp.models import Delivery, Submission
from webapp.sealing import open_all

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 800}
WIDE = {"width": 1280, "height": 900}


@pytest.fixture(params=["phone", "wide"])
def viewport(request: pytest.FixtureRequest) -> dict[str, int]:
    return PHONE if request.param == "phone" else WIDE


@pytest.fixture
def context_options(viewport: dict[str, int]) -> dict[str, Any]:
    # axe is injected as an inline script, which our CSP (rightly) refuses otherwise.
    return {"viewport": viewport, "locale": "en-US", "bypass_csp": True}


@pytest.fixture
def loaded(app: Flask, default_campaign: str) -> str:
    load_civic_data(app)
    return default_campaign


def _shot(page: Page, name: str, viewport: dict[str, int]) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(ARTIFACTS / f"everyone-{name}-{viewport['width']}.png"), full_page=True
    )


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not laid out"
    return float(box["y"])


def _about_me(page: Page) -> None:
    page.get_by_label("First name", exact=True).fill("Rania")
    page.get_by_label("Last name", exact=True).fill("Haddad")
    page.get_by_label("Email", exact=True).fill("rania@example.org")


def _recorded(app: Flask) -> tuple[Submission, list[Delivery]]:
    with app.app_context():
        (submission,) = db.session.scalars(select(Submission)).all()
        deliveries = list(db.session.scalars(select(Delivery)))
        open_all([submission, *deliveries])  # sealed fields open only inside the app
        db.session.expunge_all()
        return submission, deliveries


def test_a_supporter_in_berlin_writes_to_the_president_and_is_counted_under_germany(
    app: Flask,
    live_server: LiveServer,
    loaded: str,
    page: Page,
    axe_path: Path,
    viewport: dict[str, int],
) -> None:
    audit = AxeAudit(page, axe_path)
    page.goto(f"{live_server.url}/campaigns/{loaded}")
    # The first question is on the first screen of a phone.
    assert _top(page, "select[name=country]") < 800
    audit.run("campaign page")
    _shot(page, "campaign", viewport)

    page.get_by_label("Where do you live?", exact=True).select_option("DE")
    expect(page.locator("[data-us-address]")).to_be_hidden()
    page.get_by_label("City or town where you live", exact=True).fill("Berlin")
    _about_me(page)
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    assert page.locator(".office").count() == 1
    expect(page.locator(".office").first).to_contain_text("The President of the United States")
    expect(page.locator(".office").first).to_contain_text("You will paste it into their website")
    send = page.get_by_role("button", name=SEND_BUTTON)
    expect(send).to_have_text("Record my letter, then send it to 1 office myself")
    assert _top(page, "[data-preview-actions] button[value=send]") < 1600
    # What pressing it leads to is read before the button, not squeezed under the buttons.
    expect(send).to_have_accessible_description(re.compile("^Once your letter is recorded"))
    hint = page.locator("#send-hint").bounding_box()
    assert hint is not None
    assert hint["y"] + hint["height"] + 8 <= _top(page, "[data-preview-actions]"), hint
    page.locator(".office-letter summary").first.click()
    expect(page.locator(".letter-signature").first).to_contain_text("Berlin, Germany")
    audit.run("preview")
    _shot(page, "abroad-preview", viewport)

    send.click()
    expect(page.get_by_role("heading", name="Thank you, Rania", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Ask someone in the US to write too")).to_be_visible()
    audit.run("receipt")
    _shot(page, "abroad-receipt", viewport)
    audit.assert_clean()

    submission, deliveries = _recorded(app)
    assert (submission.country, submission.residence) == ("DE", Residence.ABROAD)
    assert submission.signature_lines == ["Rania Haddad", "Berlin, Germany"]
    assert [d.recipient_chamber for d in deliveries] == [None]
    stats = page.request.get(f"{live_server.url}/api/campaigns/{loaded}/stats").json()
    assert stats["by_country"] == {"DE": 1}
    assert stats.get("by_state", {}) == {}
    organiser = signed_in(app, "organiser@example.org")
    data = organiser.get(f"/dashboard/campaigns/{loaded}/data.json").get_json()
    assert (data["by_country"], data["by_state"]) == ({"DE": 1}, {})
    board = organiser.get(f"/dashboard/campaigns/{loaded}")
    assert "<bdi>Germany</bdi> (DE)" in board.text


def test_a_us_citizen_abroad_writes_to_the_vermont_members_by_voting_address(
    app: Flask,
    live_server: LiveServer,
    loaded: str,
    page: Page,
    axe_path: Path,
    viewport: dict[str, int],
) -> None:
    audit = AxeAudit(page, axe_path)
    page.goto(f"{live_server.url}/campaigns/{loaded}")
    page.get_by_label("Where do you live?", exact=True).select_option("DE")
    page.get_by_label("City or town where you live", exact=True).fill("Berlin")
    expect(page.locator("[data-us-address]")).to_be_hidden()
    page.locator("input[name=us_voter]").check()
    expect(page.locator("[data-us-address]")).to_be_visible()
    page.get_by_label("City", exact=True).fill("Burlington")
    page.get_by_label("State", exact=True).select_option("VT")
    page.get_by_label("ZIP code", exact=True).fill(single_district_zip("VT", 0))
    _about_me(page)
    audit.run("campaign form, voting address")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    expect(page.get_by_text("Matched from the US address where you vote.")).to_be_visible()
    assert page.locator(".office").count() == 4
    audit.run("preview, voting address")
    _shot(page, "voter-preview", viewport)
    # Once the ticks change, the button and the note it is described by stop counting offices.
    box = page.locator(".offices input[type=checkbox]").first
    box.uncheck()
    box.check()
    send = page.get_by_role("button", name="Send my letter to the offices ticked above")
    expect(send).to_have_accessible_description(
        "Once your letter is recorded, your receipt shows, step by step, how to paste it into "
        "the websites of the offices that need it."
    )
    # Nor do the counts posted with it, which a page keeping the letter to send again would
    # name its button by.
    for count in ("send_offices", "send_by_me"):
        expect(page.locator(f"[data-preview-actions] input[name={count}]")).to_have_value("")
    send.click()
    expect(page.get_by_role("heading", name="Thank you, Rania", level=1)).to_be_visible()
    expect(
        page.get_by_text("You wrote as a constituent of the US address where you vote")
    ).to_be_visible()
    audit.assert_clean()

    submission, deliveries = _recorded(app)
    assert submission.residence is Residence.VOTING_ADDRESS
    members = {f"official:{b}" for b in (*senators("VT"), house_member("VT", 0))}
    assert {d.recipient_key for d in deliveries if d.recipient_chamber} == members


def test_back_from_the_privacy_page_shows_the_fields_of_the_country_chosen(
    live_server: LiveServer, loaded: str, page: Page, viewport: dict[str, int]
) -> None:
    """Reem chooses Germany, leaves for another page, and comes Back: the browser puts Germany
    back in the list, and the fields shown must be Germany's too, not the US address a first
    visit shows (the walk-through saw the US fields, leaving by the privacy link, which now
    opens a tab of its own)."""
    page.goto(f"{live_server.url}/campaigns/{loaded}?lang=ar")
    page.locator("select[name=country]").select_option("DE")
    page.locator("input[name=abroad_city]").fill("Berlin")
    page.goto(f"{live_server.url}/privacy")
    page.go_back()
    expect(page.locator("select[name=country]")).to_have_value("DE")
    expect(page.locator("input[name=abroad_city]")).to_have_value("Berlin")
    expect(page.locator("[data-abroad]")).to_be_visible()
    expect(page.locator("[data-us-address]")).to_be_hidden()


@pytest.mark.parametrize(
    "context_options",
    [{"viewport": PHONE, "locale": "en-US", "java_script_enabled": False}],
    ids=["no-js"],
)
@pytest.mark.parametrize("path", ["/campaigns/{slug}", "/widget/{slug}?mode=letter"])
def test_without_javascript_only_the_chosen_countrys_fields_show(
    live_server: LiveServer, loaded: str, page: Page, path: str
) -> None:
    """The walk-through's no-JavaScript supporter in Dearborn saw a second city field and the
    "US citizen" box meant for people abroad; CSS alone now shows one group or the other."""
    page.goto(live_server.url + path.format(slug=loaded))
    abroad, us_address = page.locator(".residence .abroad"), page.locator(".residence .us-address")
    expect(us_address).to_be_visible()
    expect(abroad).to_be_hidden()
    page.locator("select[name=country]").select_option("DE")
    expect(abroad).to_be_visible()
    expect(us_address).to_be_hidden()
    page.locator("input[name=us_voter]").check()  # a US citizen voting from Berlin
    expect(us_address).to_be_visible()
    expect(abroad).to_be_visible()
