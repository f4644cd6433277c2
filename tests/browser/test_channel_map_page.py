"""The channel map page: behind sign-in, admins only, and no serious axe-core violation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser.conftest import squeezed_isolates
from tests.browser.test_accessibility import AxeAudit
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import ADMIN, PASSWORD, create_account
from tests.dashboard.letters import Letter, add_letters

pytestmark = pytest.mark.browser


@pytest.fixture
def context_options() -> dict[str, Any]:
    # Playwright injects axe as an inline script, which our CSP (rightly) refuses otherwise.
    return {"viewport": {"width": 360, "height": 800}, "locale": "en-US", "bypass_csp": True}


def test_channel_map_is_behind_sign_in_and_accessible(
    app: Flask, live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path
) -> None:
    load_civic_data(app)
    add_letters(app, default_campaign, [Letter("vt@example.org", state="VT")])
    create_account(app, ADMIN)
    path = f"{live_server.url}/dashboard/campaigns/{default_campaign}/channels"
    page.goto(path)
    expect(page).to_have_url(
        f"{live_server.url}/dashboard/login?next=%2Fdashboard%2Fcampaigns%2F{default_campaign}%2Fchannels"
    )
    page.get_by_label("Email", exact=True).fill(ADMIN)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(path)
    expect(page.get_by_role("heading", name="Channel map", exact=False)).to_be_visible()
    expect(page.get_by_text("form limit: 2,000 characters")).to_be_visible()
    assert page.locator(":is(p, li, label, summary, h2) bdi").count() > 0  # in a sentence
    assert squeezed_isolates(page) == []  # the office and letter counts keep their spaces
    audit = AxeAudit(page, axe_path)
    audit.run("channel map")
    audit.assert_clean()
