"""With JavaScript the campaign editor's preview follows the typing, without saving anything."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from tests.browser.conftest import PAGE_ONLY, ConsoleLog
from tests.browser.editor import open_editor
from tests.conftest import LiveServer
from webapp.database import db
from webapp.models import Campaign

pytestmark = [pytest.mark.browser, PAGE_ONLY]


def test_live_preview_follows_the_salutation_as_it_is_typed(
    app: Flask, default_campaign: str, live_server: LiveServer, page: Page, console: ConsoleLog
) -> None:
    open_editor(app, page, live_server, default_campaign)

    preview = page.locator("#editor-preview")
    expect(preview).not_to_contain_text("Sample Supporter")
    salutation = page.get_by_label("Salutation", exact=True)
    salutation.fill("")
    salutation.press_sequentially("Hello {{ supporter.city }} friends,", delay=10)
    expect(preview).to_contain_text("Hello Dearborn friends,")
    expect(preview).to_contain_text("Sample Supporter")
    expect(page.locator("#preview-status")).to_have_text("Preview updated.")

    salutation.fill("Hello {{ supporter.nickname }}")
    expect(preview).to_contain_text("unknown merge field supporter.nickname")
    with app.app_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == default_campaign))
        assert campaign is not None and campaign.salutation == "Dear President Biden,"
    assert console.errors() == []
