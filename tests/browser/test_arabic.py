"""The Arabic interface in a real browser (locale ar), on a phone and a wide screen.

Each page must be `<html lang="ar" dir="rtl">`, show no interface text without Arabic (the
English letter and isolated user data aside), and have no serious axe violation. Screenshots
go to tests/artifacts/arabic-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Frame, Page, expect

from tests.browser import widget_host
from tests.browser.conftest import ARTIFACTS, DEFAULT_TIMEOUT_MS, squeezed_isolates
from tests.browser.test_accessibility import AxeAudit
from tests.browser.widget_host import Embed, HostSite, shoot, widget_frame
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site

SIZES = {"phone": (360, 800), "wide": (1280, 900)}
# Visible text nodes, except in isolated user data (<bdi>, dir="auto": names, the English
# letter) and in elements in another language (the switch's "English"), that have no Arabic
# letter and are not only digits and punctuation.
UNTRANSLATED = r"""() => {
  const arabic = /[\u0600-\u06FF]/, neutral = /^[\d\s\p{P}\p{S}]*$/u, found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim(), el = node.parentElement;
    if (!text || !el || el.closest("bdi, [dir=auto], script, style, option, .hp")) { continue; }
    const lang = el.closest("[lang]");
    if (lang && !lang.lang.startsWith("ar")) { continue; }
    if (!el.checkVisibility() || !el.getClientRects().length) { continue; }
    if (!arabic.test(text) && !neutral.test(text)) { found.push(text); }
  }
  return found;
}"""
ROOT_ATTRS = "() => [document.documentElement.lang, document.documentElement.dir]"


@pytest.fixture
def backend() -> str:
    return "sqlite"  # the pages are the same on PostgreSQL; one backend is enough here


@pytest.fixture(params=sorted(SIZES))
def size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def context_options(size: str) -> dict[str, Any]:
    width, height = SIZES[size]
    mobile = {"is_mobile": True, "has_touch": True} if width < 500 else {}
    # bypass_csp: Playwright injects axe as an inline script.
    return {
        "viewport": {"width": width, "height": height},
        "locale": "ar",
        "bypass_csp": True,
        **mobile,
    }


# Whether the first group of a number shown in the supporter's paragraph lies left of its last.
PHONE_GROUPS_LEFT_TO_RIGHT = r"""(phone) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(phone);
    if (at < 0 || !node.parentElement.closest(".letter-personal")) continue;
    const box = (from, to) => {
      const range = document.createRange();
      range.setStart(node, from);
      range.setEnd(node, to);
      return range.getBoundingClientRect();
    };
    const first = box(at, at + 3), last = box(at + phone.length - 4, at + phone.length);
    return Math.abs(first.top - last.top) < first.height / 2 && first.left < last.left;
  }
  return false;
}"""


class ArabicCheck:
    """Checks each page or frame in turn and reports every problem at the end."""

    def __init__(self, page: Page, axe: Path, size: str) -> None:
        self.page, self.size = page, size
        self.axe = AxeAudit(page, axe)
        self.problems: list[str] = []

    def check(self, where: Page | Frame, step: str, shot: bool = True) -> None:
        where.wait_for_load_state("load")
        lang, direction = where.evaluate(ROOT_ATTRS)
        if (lang, direction) != ("ar", "rtl"):
            self.problems.append(f"{step}: <html lang={lang!r} dir={direction!r}>")
        untranslated = where.evaluate(UNTRANSLATED)
        if untranslated:
            self.problems.append(f"{step}: text without Arabic: {untranslated[:8]}")
        squeezed = squeezed_isolates(where)
        if squeezed:
            self.problems.append(f"{step}: no space around an isolated value: {squeezed[:8]}")
        self.axe.page = where  # type: ignore[assignment]  # a Frame runs axe the same way
        self.axe.run(f"{step} ({self.size})")
        if shot:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            name = f"arabic-{self.size}-{step.replace(' ', '-')}.png"
            self.page.screenshot(path=str(ARTIFACTS / name), full_page=True)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)
        self.axe.assert_clean()


def test_supporter_pages_in_arabic(
    live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path, size: str
) -> None:
    check = ArabicCheck(page, axe_path, size)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    check.check(page, "campaign page")
    page.fill("[name=first_name]", "رانيا")
    page.fill("[name=last_name]", "حداد")
    # An Arabic name comes with its Latin spelling, which offices receive (issue 14, part 5).
    page.fill("[name=latin_first_name]", "Rania")
    page.fill("[name=latin_last_name]", "Haddad")
    page.fill("[name=email]", "rania@example.org")
    page.fill("[name=city]", "Dearborn")
    page.select_option("[name=state]", "MI")
    page.fill("[name=zip_code]", "10001")
    page.fill("[name=personal_message]", "عائلتي من حلب، وأكتب إليكم باسمها. هاتفي 313-555-0100.")
    page.get_by_role("button", name="معاينة رسالتي").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check.check(page, "form errors")
    page.fill("[name=zip_code]", "48126")
    page.get_by_role("button", name="معاينة رسالتي").click()
    expect(page.get_by_role("heading", name="راجع رسالتك", level=1)).to_be_visible()
    page.locator(".office-letter summary").first.click()
    check.check(page, "preview")
    # The phone number in the Arabic paragraph reads as written, its area code on the left.
    assert page.evaluate(PHONE_GROUPS_LEFT_TO_RIGHT, "313-555-0100"), "phone number reversed"
    # The English letter's To: and Subject: values start where its body does, on a phone too.
    letter = page.locator("article.letter:not(.letter-reading)").first
    body_left = letter.locator(".letter-body p").first.bounding_box()
    for line in ("letter-to", "letter-subject"):
        value = letter.locator(f".{line} > bdi").bounding_box()
        assert value and body_left and abs(value["x"] - body_left["x"]) < 2, (
            line,
            value,
            body_left,
        )
    page.locator("button[name=action][value=send]").click()
    expect(page.get_by_role("heading", name="شكرًا لك يا رانيا", level=1)).to_be_visible()
    # The English titles the office's form lists: one English run inside the brackets, on one
    # line (tests/browser/test_handoff_card.py looks at its order on a phone).
    titles = page.locator(".handoff").first.locator("bdi[lang=en]", has_text="Mr.")
    expect(titles).to_have_text("Mr., Ms., Mx., Dr.")
    check.check(page, "receipt")
    page.goto(f"{live_server.url}/privacy")
    check.check(page, "privacy")
    page.goto(f"{live_server.url}/campaigns/no-such-campaign")
    expect(page.get_by_role("heading", name="الصفحة غير موجودة")).to_be_visible()
    check.check(page, "error page")
    check.assert_clean()


def test_language_switch_keeps_what_was_typed(
    live_server: LiveServer, default_campaign: str, page: Page, size: str
) -> None:
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    page.fill("[name=first_name]", "رانيا")
    page.fill("[name=personal_message]", "عائلتي من حلب.")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Add your name")).to_be_visible()
    expect_root(page, "en", "ltr")
    expect(page.locator("[name=first_name]")).to_have_value("رانيا")
    expect(page.locator("[name=personal_message]")).to_have_value("عائلتي من حلب.")
    # Back at the field last filled, not at the top of the page.
    assert page.url.endswith("#personal_message")
    expect(page.locator("[name=personal_message]")).to_be_in_viewport()
    # The form's own link opens the notice in a tab of its own, in the language chosen.
    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Who receives what, and for how long we keep it").click()
    notice = opened.value
    notice.wait_for_load_state("load")
    expect(notice.get_by_role("heading", level=1)).to_be_visible()
    expect_root(notice, "en", "ltr")  # the choice outlasts the browser's own
    notice.get_by_role("link", name="العربية").click()
    notice.wait_for_url(re.compile(r"/privacy\?(.*&)?lang=ar"))
    expect_root(notice, "ar", "rtl")
    expect(page.locator("[name=first_name]")).to_have_value("رانيا")  # the form, untouched


def expect_root(page: Page, lang: str, direction: str) -> None:
    """Wait (with the usual timeout) until the page's root carries this language and direction."""
    root = page.locator("html")
    expect(root).to_have_attribute("lang", lang)
    expect(root).to_have_attribute("dir", direction)


def test_widget_modes_in_arabic_on_a_left_to_right_host_page(
    live_server: LiveServer,
    default_campaign: str,
    host_site: HostSite,
    cookieless_browser: Browser,
    axe_path: Path,
    size: str,
) -> None:
    embeds = [
        Embed(f"w{mode}", {"campaign": default_campaign, "mode": mode, "lang": "ar"})
        for mode in ("letter", "signup", "counter")
    ]
    # The host page's browser speaks English: the widget's language comes from data-lang.
    width, height = SIZES[size]
    context = cookieless_browser.new_context(
        viewport={"width": width, "height": height}, locale="en-US", bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page.goto(host_site.serve(live_server.url, embeds))
    assert page.evaluate(ROOT_ATTRS) == ["en", "ltr"]
    check = ArabicCheck(page, axe_path, size)
    for embed in embeds:
        frame = widget_frame(page, embed.element_id)
        frame.frame_element().scroll_into_view_if_needed()
        check.check(frame, f"widget {embed.attrs['mode']}", shot=False)
        assert page.eval_on_selector(f"#{embed.element_id} + iframe", "f => f.title")
    shoot(page, f"arabic-{size}-widget-host")
    context.close()
    check.assert_clean()


def test_a_letter_from_berlin_sent_from_the_arabic_widget_is_thanked_right_to_left(
    live_server: LiveServer,
    default_campaign: str,
    host_site: HostSite,
    cookieless_browser: Browser,
    size: str,
) -> None:
    """The thank-you step, built from the values the send wrote, in Arabic on an English page."""
    width, height = SIZES[size]
    context = cookieless_browser.new_context(
        viewport={"width": width, "height": height}, locale="en-US"
    )
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page.goto(
        host_site.serve(
            live_server.url, [Embed("wl", {"campaign": default_campaign, "lang": "ar"})]
        )
    )
    frame = widget_frame(page, "wl")
    # The letter to read in Arabic comes first, right to left and inside the frame's width.
    reading = frame.locator("details.widget-letter").first
    reading.locator("summary").click()
    expect(reading.locator("[lang=ar]")).to_contain_text("قبل عام، حين أصبحتم رئيسًا")
    assert reading.locator("[lang=ar]").evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert frame.evaluate("() => document.documentElement.scrollWidth <= innerWidth")
    # On a host page that gives the frame its whole width, lines keep a reading measure (the
    # site's 46rem): at 1280 px they ran about 1,130 px.
    widest = reading.locator("[lang=ar] p").evaluate_all(
        "ps => Math.max(...ps.map(p => p.getBoundingClientRect().width))"
    )
    assert widest <= 46 * 16, f"the reading copy's lines are {widest}px wide"
    frame.frame_element().scroll_into_view_if_needed()
    shoot(page, f"arabic-{size}-widget-reading")
    reading.locator("summary").click()
    frame.locator("select[name=country]").select_option("DE")
    fields = {
        "abroad_city": "Berlin",
        "first_name": "رشا",
        "latin_first_name": "Rasha",
        "last_name": "حداد",
        "latin_last_name": "Haddad",
        "email": "rasha.berlin@example.org",
    }
    for name, value in fields.items():
        frame.locator(f"input[name={name}]").fill(value)
    frame.locator("form button[name=action][value=preview]").click()
    # The President's office takes letters on its website: the note on pasting precedes Send.
    expect(frame.locator("#send-hint")).to_contain_text("بعد تسجيل رسالتك")
    frame.frame_element().scroll_into_view_if_needed()
    shoot(page, f"arabic-{size}-widget-preview")
    frame.locator("button[name=action][value=send]").click()
    expect(frame.locator("h1.widget-title")).to_contain_text("رشا")
    assert frame.evaluate(ROOT_ATTRS) == ["ar", "rtl"]
    assert frame.locator("ul.deliveries li").count() == 1
    # Nothing has reached the President's office yet: the next step is the page's one button.
    step = frame.get_by_role("link", name="أرسلها إلى هذا المكتب الآن")
    expect(step).to_be_visible()
    assert "/receipts/" in (step.get_attribute("href") or "")
    assert step.evaluate("e => e.target") == "_blank"
    expect(frame.locator("a.share").first).to_be_visible()
    frame.frame_element().scroll_into_view_if_needed()
    shoot(page, f"arabic-{size}-widget-sent")
    context.close()
