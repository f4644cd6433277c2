"""Review r4: the privacy link in the widget on a partner's page, the letter form's privacy link
and the preview's To:/Subject: lines, in Arabic and English at 360 and 1280 px. Screenshots
tests/artifacts/r4-*.png."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect

from tests.browser import widget_host
from tests.browser.conftest import ARTIFACTS, PAGE_ONLY, SCREENS, squeezed_isolates
from tests.browser.test_accessibility import AxeAudit
from tests.browser.widget_host import Embed, HostPage, HostSite, widget_frame
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page
NAMES = {
    "en": ("Who receives what, and for how long we keep it", "(opens in a new tab)"),
    "ar": ("من يتلقّى ماذا، وإلى متى نحتفظ به", "(تُفتح في علامة تبويب جديدة)"),
}


@pytest.mark.parametrize("lang", ["ar", "en"])
@pytest.mark.parametrize("width", [360, 1280])
def test_r4_widget_privacy_link_opens_a_tab_from_a_partner_page(
    live_server: LiveServer,
    default_campaign: str,
    host_site: HostSite,
    host_page: HostPage,
    lang: str,
    width: int,
) -> None:
    page = host_page(width)
    embed = Embed("cl", {"campaign": default_campaign, "lang": lang})
    page.goto(host_site.serve(live_server.url, [embed]))
    frame = widget_frame(page, "cl")
    shown, said = NAMES[lang]
    link = frame.get_by_role("link", name=f"{shown} {said}")
    expect(link).to_be_visible()
    # The words for screen readers take no room on screen.
    hidden = link.locator(".visually-hidden").bounding_box()
    assert hidden and hidden["width"] <= 1, hidden
    link.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"r4-widget-privacy-{lang}-{width}.png"))
    with page.context.expect_page() as opened:
        link.click()
    notice = opened.value
    notice.wait_for_load_state("load")
    assert notice.evaluate("() => document.documentElement.lang") == lang
    assert "/privacy" in notice.url
    # The partner's page and its widget stay where they were.
    assert page.url.endswith("/host.html")
    expect(frame.get_by_role("link", name=f"{shown} {said}")).to_be_visible()


@pytest.fixture
def context_options(screen: str, lang: str) -> dict[str, Any]:
    mobile = {"is_mobile": True, "has_touch": True} if screen == "phone" else {}
    return {"viewport": SCREENS[screen], "locale": lang, "bypass_csp": True, **mobile}


@pytest.mark.parametrize("lang", ["ar", "en"])
def test_r4_letter_form_privacy_link_and_preview_envelope(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    page: Page,
    screen: str,
    lang: str,
    axe_path: Path,
) -> None:
    width = SCREENS[screen]["width"]
    axe = AxeAudit(page, axe_path)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}?lang={lang}")
    shown, said = NAMES[lang]
    link = page.get_by_role("link", name=f"{shown} {said}")
    link.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"r4-form-privacy-{lang}-{width}.png"))
    axe.run("form")
    page.fill("[name=first_name]", "رانيا" if lang == "ar" else "Rania")
    page.fill("[name=last_name]", "حداد" if lang == "ar" else "Haddad")
    if lang == "ar":
        page.fill("[name=latin_first_name]", "Rania")
        page.fill("[name=latin_last_name]", "Haddad")
    page.fill("[name=email]", "rania@example.org")
    page.fill("[name=city]", "Dearborn")
    page.select_option("[name=state]", "MI")
    page.fill("[name=zip_code]", "48126")
    page.fill(
        "[name=personal_message]",
        "عائلتي من حلب. هاتفي 313-555-0100 أو +49 176 12345678، واتساب https://wa.me/+963933123456",
    )
    page.locator("form button[name=action][value=preview]").click()
    expect(page.locator("h1")).to_be_visible()
    page.locator(".office-letter summary").first.click()
    letter = page.locator("article.letter:not(.letter-reading)").first
    letter.locator(".letter-subject").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / f"r4-preview-{lang}-{width}.png"), full_page=True)
    axe.run("preview")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    assert squeezed_isolates(page) == []
    axe.assert_clean()
    # The supporter's paragraph's text as a browser copies it: the link unbroken.
    personal = page.locator(".letter-personal").first.inner_text()
    assert "https://wa.me/+963933123456" in personal, ascii(personal)
