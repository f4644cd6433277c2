"""The widget's language switch in a real frame on a partner's English page, at 360 and 1280 px.
Screenshots: tests/artifacts/widget-language-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import widget_host
from tests.browser.conftest import PAGE_ONLY
from tests.browser.widget_host import Embed, HostPage, HostSite, shoot, widget_frame
from tests.conftest import LiveServer

pytestmark = [pytest.mark.browser, PAGE_ONLY]
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page


@pytest.mark.parametrize("width", [360, 1280])
def test_a_reader_switches_the_frame_to_arabic_and_keeps_what_was_typed(
    live_server: LiveServer,
    default_campaign: str,
    host_site: HostSite,
    host_page: HostPage,
    width: int,
) -> None:
    page = host_page(width)
    embed = Embed("cl", {"campaign": default_campaign, "lang": "en"})
    page.goto(host_site.serve(live_server.url, [embed]))
    frame = widget_frame(page, "cl")
    frame.get_by_label("First name", exact=True).fill("Rasha")
    frame.get_by_label("Email", exact=True).fill("rasha@example.org")
    shoot(page, f"widget-language-{width}px-en")

    frame.get_by_role("button", name="العربية").click()
    expect(frame.locator("html")).to_have_attribute("lang", "ar")
    expect(frame.locator("html")).to_have_attribute("dir", "rtl")
    expect(frame.get_by_role("navigation")).to_contain_text("English")
    expect(frame.locator("input[name=first_name]")).to_have_value("Rasha")
    expect(frame.locator("input[name=email]")).to_have_value("rasha@example.org")
    expect(frame.locator("#error-summary")).to_have_count(0)  # nothing checked on a switch
    shoot(page, f"widget-language-{width}px-ar")

    # Enter (a phone keyboard's Go) previews, in Arabic: the rest of the form is empty, so the
    # letter comes back with its errors, never with the language switched again.
    frame.locator("input[name=email]").press("Enter")
    expect(frame.locator("#error-summary")).to_be_visible()
    expect(frame.locator("html")).to_have_attribute("lang", "ar")
    shoot(page, f"widget-language-{width}px-ar-enter")


def test_in_sign_up_mode_the_first_step_switches_too_and_enter_continues(
    live_server: LiveServer,
    default_campaign: str,
    host_site: HostSite,
    host_page: HostPage,
) -> None:
    page = host_page(360)
    embed = Embed("cl", {"campaign": default_campaign, "lang": "en", "mode": "signup"})
    page.goto(host_site.serve(live_server.url, [embed]))
    frame = widget_frame(page, "cl")
    frame.get_by_label("First name", exact=True).fill("Rasha")
    frame.get_by_label("Email", exact=True).fill("rasha@example.org")
    shoot(page, "widget-language-signup-360px-en")
    frame.get_by_role("button", name="العربية").click()
    expect(frame.locator("html")).to_have_attribute("lang", "ar")
    expect(frame.locator("input[name=first_name]")).to_have_value("Rasha")
    expect(frame.locator("input[name=email]")).to_have_value("rasha@example.org")
    shoot(page, "widget-language-signup-360px-ar")

    # Enter on the first step continues, in the snippet's language.
    page.goto(host_site.serve(live_server.url, [embed]))
    frame = widget_frame(page, "cl")
    frame.get_by_label("Email", exact=True).fill("rasha@example.org")
    frame.locator("input[name=email]").press("Enter")
    expect(frame.locator("input[name=street]")).to_be_visible()
    expect(frame.locator("html")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("width", [360, 1280])
def test_the_arabic_preview_in_the_frame_heads_its_english_version_below_its_title(
    live_server: LiveServer,
    default_campaign: str,
    host_site: HostSite,
    host_page: HostPage,
    width: int,
) -> None:
    """Words in Arabic bring the "Offices read English" section to the frame's preview: its
    heading took the browser's 1.5em, larger than the frame's own title ("راجع رسالتك",
    1.15rem) above it (u3's walk, 360 and 1280 px)."""
    page = host_page(width)
    embed = Embed("cl", {"campaign": default_campaign, "lang": "ar"})
    page.goto(host_site.serve(live_server.url, [embed]))
    frame = widget_frame(page, "cl")
    frame.select_option("[name=country]", "TR")
    frame.fill("[name=abroad_city]", "Gaziantep")
    frame.fill("[name=first_name]", "عمر")
    frame.fill("[name=last_name]", "الخطيب")
    frame.fill("[name=latin_first_name]", "Omar")
    frame.fill("[name=latin_last_name]", "Al-Khatib")
    frame.fill("[name=email]", "omar@example.org")
    frame.fill("[name=personal_message]", "بيتنا في إدلب دُمّر، وأكتب من أجل من بقي هناك.")
    frame.locator("button.button-primary[name=action][value=preview]").click()
    section = frame.get_by_role("heading", name="المكاتب تقرأ الإنجليزية", level=2)
    expect(section).to_be_visible()
    shoot(page, f"widget-preview-{width}px-ar-english-version")
    title = frame.get_by_role("heading", level=1)
    size = "h => parseFloat(getComputedStyle(h).fontSize)"
    assert section.evaluate(size) < title.evaluate(size)
    # The section's last button stood against the next heading ("How much of your letter is in
    # your own words"), with no space between them.
    button = frame.get_by_role("button", name="اعرض رسالتي بهذه الصيغة")
    bottom = button.evaluate("b => b.getBoundingClientRect().bottom")
    label = frame.locator(".own-words-label").first
    top = label.evaluate("l => l.getBoundingClientRect().top")
    assert top - bottom >= 8, f"{top - bottom:.1f}px between the section and the next"
