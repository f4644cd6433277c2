"""axe-core (from npm) on every supporter step, the widget, the counter and the dashboard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import PAGE_ONLY, SEND_BUTTON
from tests.browser.widget_host import Embed, HostSite
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, add_partner, create_account
from tests.dashboard.letters import Letter, add_letters

pytestmark = [pytest.mark.browser, PAGE_ONLY]

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = {"serious", "critical"}
CONSENT = "Partner Org may email me about Syria."


@pytest.fixture
def context_options() -> dict[str, Any]:
    # Playwright injects axe as an inline script, which our CSP (rightly) refuses otherwise.
    return {"viewport": {"width": 1280, "height": 900}, "locale": "en-US", "bypass_csp": True}


# Pages a supporter meets are checked on a phone and on a wide screen.
BOTH_WIDTHS = pytest.mark.parametrize(
    "context_options",
    [
        {"viewport": {"width": width, "height": 800}, "locale": "en-US", "bypass_csp": True}
        for width in (360, 1280)
    ],
    ids=["360", "1280"],
)


@pytest.fixture(scope="module")
def axe_path() -> Path:
    if not AXE.is_file():
        pytest.fail(
            f"{AXE} is missing: run `npm install --no-save axe-core` in {PROJECT_ROOT} "
            "(`make test` does this before pytest)",
            pytrace=False,
        )
    return AXE


class AxeAudit:
    """Runs axe on pages as a supporter reaches them, keeping serious and critical findings."""

    def __init__(self, page: Page, axe: Path) -> None:
        self.page, self.axe = page, axe
        self.findings: dict[str, list[str]] = {}
        self.audited: list[str] = []

    def run(self, step: str) -> None:
        self.page.wait_for_load_state("load")
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.add_script_tag(path=str(self.axe))
        # Every rule still runs on every element; only violations are reported node by node.
        # The other result types keep one node per rule (a rule that passed is still listed),
        # so axe skips building a selector and an HTML excerpt for every element that passed
        # or did not apply: two thirds of a run on the 540-office pages.
        result = self.page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})"
        )
        assert result["passes"], f"{step}: axe checked nothing"
        self.audited.append(step)
        serious = [v for v in result["violations"] if v.get("impact") in SERIOUS]
        if serious:
            self.findings[step] = [_describe(v) for v in serious]

    def assert_clean(self) -> None:
        lines = [f"[{step}] {line}" for step, found in self.findings.items() for line in found]
        assert not self.findings, (
            f"axe found serious/critical violations (audited: {', '.join(self.audited)}):\n"
            + "\n".join(lines)
        )


def _describe(violation: dict[str, Any]) -> str:
    nodes = "; ".join(
        f"{' '.join(map(str, n['target']))} -> {n.get('failureSummary', '').splitlines()[-1]}"
        for n in violation["nodes"][:6]
    )
    return f"{violation['id']} ({violation['impact']}): {violation['help']} | {nodes}"


def _fill(page: Page, **extra: str) -> None:
    values = {
        "First name": "Rasha",
        "Last name": "Haddad",
        "Email": "rasha@example.org",
        "City": "Dearborn",
        "ZIP code": "48126",
        **extra,
    }
    for label, value in values.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_label("State", exact=True).select_option("MI")


@BOTH_WIDTHS
def test_campaign_page_preview_and_receipt_have_no_serious_violations(
    live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path
) -> None:
    audit = AxeAudit(page, axe_path)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    audit.run("campaign page")
    _fill(page, **{"ZIP code": "10001"})
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.run("campaign form with errors")
    page.get_by_label("ZIP code", exact=True).fill("48126")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter", level=1)).to_be_visible()
    audit.run("preview")
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.get_by_role("heading", name="Thank you, Rasha", level=1)).to_be_visible()
    audit.run("receipt")
    audit.assert_clean()


@BOTH_WIDTHS
def test_widget_steps_and_counter_have_no_serious_violations(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path
) -> None:
    add_partner(app, default_campaign, "partner-org", "Partner Org", CONSENT)
    add_letters(app, default_campaign, [Letter("writer@example.org")])
    audit = AxeAudit(page, axe_path)
    widget = f"{live_server.url}/widget/{default_campaign}"
    page.goto(f"{widget}?mode=signup&partner=partner-org")
    audit.run("widget sign-up")
    page.goto(f"{widget}?partner=partner-org&source=axe")
    audit.run("widget letter form")
    _fill(page, **{"ZIP code": "10001"})
    page.get_by_label(CONSENT, exact=True).check()
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.run("widget letter form with errors")
    page.get_by_label("ZIP code", exact=True).fill("48126")
    page.get_by_role("button", name="Preview my letter").click()
    expect(page.get_by_role("heading", name="Check your letter")).to_be_visible()
    audit.run("widget preview")
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.get_by_role("heading", name="Thank you, Rasha")).to_be_visible()
    audit.run("widget done")
    page.goto(f"{widget}?mode=counter")
    expect(page.locator(".counter-number")).to_be_visible()
    audit.run("widget counter")
    audit.assert_clean()


def test_partner_page_with_the_embed_names_the_widget_frame(
    live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path
) -> None:
    site = HostSite()
    try:
        embed = Embed("wa", {"campaign": default_campaign, "title": "Write to the President"})
        page.goto(site.serve(live_server.url, [embed]))
        frame = page.locator("#wa + iframe")
        expect(frame).to_have_attribute("title", "Write to the President")
        audit = AxeAudit(page, axe_path)
        audit.run("partner page with the widget")
        audit.assert_clean()
    finally:
        site.close()


def test_dashboard_campaign_page_has_no_serious_violations(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path
) -> None:
    add_partner(app, default_campaign, "partner-org", "Partner Org", CONSENT)
    # A letter from abroad fills the "By country" table beside the state map.
    abroad = Letter("b@example.org", state=None, zip_code=None, district=None, country="DE")
    add_letters(app, default_campaign, [abroad, Letter("vt@example.org", state="VT")])
    create_account(app, ADMIN)
    audit = AxeAudit(page, axe_path)
    page.goto(f"{live_server.url}/dashboard/login")
    audit.run("dashboard sign-in")
    page.get_by_label("Email", exact=True).fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    page.goto(f"{live_server.url}/dashboard/campaigns/{default_campaign}")
    expect(page.get_by_role("heading", name="At a glance")).to_be_visible()
    audit.run("dashboard campaign page")
    # The embed snippets have their own page, linked from the dashboard's top.
    page.get_by_role("link", name="Put it on your site (embed snippets)").click()
    expect(page.get_by_role("heading", name="Partner Org (partner-org)")).to_be_visible()
    audit.run("embed snippets page")
    page.get_by_text("Live preview", exact=True).click()
    audit.run("embed snippets page, live preview open")
    audit.assert_clean()


def test_lost_receipt_link_pages_have_no_serious_violations(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path
) -> None:
    add_letters(app, default_campaign, [Letter("rasha@example.org")])
    audit = AxeAudit(page, axe_path)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    _fill(page)
    page.get_by_role("button", name="Preview my letter").click()
    page.get_by_role("button", name=SEND_BUTTON).click()
    expect(page.get_by_role("heading", name="Your letter was already recorded")).to_be_visible()
    audit.run("already sent, with the receipt link form")
    page.get_by_role("button", name="Email me my receipt link").click()
    expect(page.get_by_text("If this address wrote to this campaign")).to_be_visible()
    audit.run("receipt link page, after asking")
    # Valid for the browser, refused by the server: the field shows its error.
    page.get_by_label("Your email address").fill("rasha@example")
    page.get_by_role("button", name="Email me my receipt link").click()
    expect(page.locator("#receipt-link-email-error")).to_be_visible()
    audit.run("receipt link page, with an error")
    audit.assert_clean()
