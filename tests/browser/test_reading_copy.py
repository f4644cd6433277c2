"""The English letter beside its Arabic reading copy, in a real browser (locale ar).

On a 360 px phone the two are tabs (the tab pattern with JavaScript, links to each pane
without); at 1280 px they stand side by side. Screenshots go to tests/artifacts/reading-*.png.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser import test_arabic
from tests.browser.conftest import ARTIFACTS, DEFAULT_TIMEOUT_MS
from tests.browser.test_accessibility import AxeAudit
from tests.conftest import LiveServer

pytestmark = pytest.mark.browser
# The Arabic pages' set-up: SQLite, locale ar, a 360 x 800 phone and a 1280 x 900 screen.
backend = test_arabic.backend
size = test_arabic.size
context_options = test_arabic.context_options

ENGLISH_TAB = "الإنجليزية (المُرسَلة)"
ARABIC_TAB = "العربية (للقراءة)"
UNOFFICIAL = "ترجمة غير رسمية، للقراءة فقط."
ARABIC_WORDS = "عائلتي من حلب، وأكتب إليكم باسمها."
ENGLISH_WORDS = "My family is from Aleppo, and I write in its name."


def _shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reading-{name}.png"), full_page=True)


def _side_by_side(first: Locator, second: Locator) -> bool:
    a, b = first.bounding_box(), second.bounding_box()
    assert a is not None and b is not None
    # Right to left: the pane first in the page stands on the right.
    return abs(a["y"] - b["y"]) < 5 and b["x"] + b["width"] <= a["x"] + 1


def _check_pair(page: Page, pair: Locator, size: str, copy_first: bool) -> None:
    """Tabs on the phone (keyboard included), the first one open; side by side on the wide
    screen, the first pane on the start side. `copy_first`: the reading copy comes first."""
    sent, copy = pair.locator(".reading-pane-sent"), pair.locator(".reading-pane-copy")
    first_pane, second_pane = (copy, sent) if copy_first else (sent, copy)
    if size == "phone":
        tablist = pair.get_by_role("tablist")
        expect(tablist).to_be_visible()
        english, arabic = (
            tablist.get_by_role("tab", name=ENGLISH_TAB),
            tablist.get_by_role("tab", name=ARABIC_TAB),
        )
        first, second = (arabic, english) if copy_first else (english, arabic)
        expect(first).to_have_attribute("aria-selected", "true")
        expect(first_pane).to_be_visible()
        expect(second_pane).to_be_hidden()
        second.click()
        expect(second).to_have_attribute("aria-selected", "true")
        expect(second_pane).to_be_visible()
        expect(first_pane).to_be_hidden()
        expect(second_pane).to_have_attribute("role", "tabpanel")
        # Right to left, the previous tab is to the right.
        second.press("ArrowRight")
        expect(first).to_have_attribute("aria-selected", "true")
        expect(first).to_be_focused()
        expect(first_pane).to_be_visible()
        first.press("ArrowLeft")
        expect(second).to_be_focused()
        expect(second_pane).to_be_visible()
    else:
        expect(pair.locator("[data-reading-tabs]")).to_be_hidden()
        assert pair.get_by_role("tablist").count() == 0
        expect(sent).to_be_visible()
        expect(copy).to_be_visible()
        assert _side_by_side(first_pane, second_pane), (
            first_pane.bounding_box(),
            second_pane.bounding_box(),
        )


def test_campaign_page_and_preview_show_the_letter_beside_its_reading_copy(
    live_server: LiveServer, default_campaign: str, page: Page, axe_path: Path, size: str
) -> None:
    audit = AxeAudit(page, axe_path)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    pair = page.locator("#letter [data-reading-pair]")
    expect(pair.locator(".reading-pane-sent")).to_contain_text("Dear President Biden,")
    copy = pair.locator(".reading-pane-copy")
    expect(copy).to_contain_text(UNOFFICIAL)
    assert copy.locator(".reading-text").get_attribute("lang") == "ar"
    assert copy.locator(".reading-text").get_attribute("dir") == "rtl"
    # Finding out what the letter says: the Arabic first, as in the widget.
    pair.screenshot(path=str(ARTIFACTS / f"reading-{size}-campaign-letter.png"))
    _check_pair(page, pair, size, copy_first=True)
    expect(copy).to_contain_text("السيد الرئيس بايدن المحترم،")
    expect(copy).to_contain_text("الخوذ البيضاء")  # the signatories, named in Arabic
    audit.run(f"campaign page ({size})")
    _shoot(page, f"{size}-campaign")

    # A supporter who writes in Arabic: the Latin name, then an English version of the words.
    _write_in_arabic(page)
    expect(page.locator("#latin_first_name-error")).to_be_visible()
    expect(page.locator("[name=personal_message]")).to_have_value(ARABIC_WORDS)
    expect(page.locator("[name=first_name]")).to_have_value("رانيا")
    audit.run(f"latin name asked ({size})")
    _shoot(page, f"{size}-latin-name")
    page.fill("[name=latin_first_name]", "Rania")
    page.fill("[name=latin_last_name]", "Haddad")
    page.get_by_role("button", name="معاينة رسالتي").click()
    expect(page.get_by_role("heading", name="المكاتب تقرأ الإنجليزية")).to_be_visible()
    page.fill("[name=personal_english]", ENGLISH_WORDS)
    page.get_by_label("أدرِج كلماتي بالعربية أيضًا، تحت النص الإنجليزي").check()
    page.get_by_role("button", name="اعرض رسالتي بهذه الصيغة").click()
    expect(page.get_by_role("heading", name="راجع رسالتك", level=1)).to_be_visible()
    expect(page.locator("[name=personal_english]")).to_have_value(ENGLISH_WORDS)
    office = page.locator(".office-letter").first
    office.locator("summary").click()
    pair = office.locator("[data-reading-pair]")
    sent = pair.locator(".reading-pane-sent")
    expect(sent).to_contain_text(ENGLISH_WORDS)
    expect(sent).to_contain_text(ARABIC_WORDS)  # ticked: the Arabic follows the English
    expect(sent).to_contain_text("Rania Haddad")
    # Checking what is sent in their name: the English first.
    _check_pair(page, pair, size, copy_first=False)
    reading = pair.locator(".reading-pane-copy")
    expect(reading).to_contain_text(ARABIC_WORDS)
    expect(reading).to_contain_text("رانيا حداد")
    audit.run(f"preview ({size})")
    _shoot(page, f"{size}-preview")

    page.locator("button[name=action][value=send]").click()
    expect(page.get_by_role("heading", name="شكرًا لك يا رانيا", level=1)).to_be_visible()
    audit.run(f"receipt ({size})")
    _shoot(page, f"{size}-receipt")
    audit.assert_clean()


def test_tabs_work_without_javascript(
    live_server: LiveServer, default_campaign: str, browser: Browser
) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 800}, locale="ar", java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    pair = page.locator("#letter [data-reading-pair]")
    sent, copy = pair.locator(".reading-pane-sent"), pair.locator(".reading-pane-copy")
    expect(sent).to_be_visible()
    # Both shown until a tab is followed, the reading copy above.
    copy_box, sent_box = copy.bounding_box(), sent.bounding_box()
    assert copy_box is not None and sent_box is not None
    assert copy_box["y"] + copy_box["height"] <= sent_box["y"] + 1, (copy_box, sent_box)
    pair.get_by_role("link", name=ARABIC_TAB).click()
    expect(copy).to_be_visible()
    expect(sent).to_be_hidden()
    pair.get_by_role("link", name=ENGLISH_TAB).click()
    expect(sent).to_be_visible()
    expect(copy).to_be_hidden()
    _shoot(page, "phone-no-javascript")
    context.close()


# The widest line box of each visible paragraph, label and field on the page outside the
# letter's two panes, in CSS px, with the start of its text.
WIDE_LINES = """() => {
  const found = [];
  for (const el of document.querySelectorAll("main p, main label, main textarea, main h1")) {
    if (el.closest("[data-reading-pair]") || !el.getClientRects().length) continue;
    const range = document.createRange();
    range.selectNodeContents(el);
    const lines = el.tagName === "TEXTAREA" ? [el.getBoundingClientRect()]
      : [...range.getClientRects()];
    const widest = Math.max(0, ...lines.map((r) => r.width));
    found.push([Math.round(widest), (el.innerText || el.name || "").slice(0, 40)]);
  }
  return found;
}"""


def _write_in_arabic(page: Page) -> None:
    """Rania writes from Dearborn with her name and her words in Arabic, and asks to preview."""
    page.fill("[name=first_name]", "رانيا")
    page.fill("[name=last_name]", "حداد")
    page.fill("[name=email]", "rania@example.org")
    page.fill("[name=city]", "Dearborn")
    page.select_option("[name=state]", "MI")
    page.fill("[name=zip_code]", "48126")
    page.fill("[name=personal_message]", ARABIC_WORDS)
    page.get_by_role("button", name="معاينة رسالتي").click()


@pytest.mark.parametrize("size", ["wide"], indirect=True)
def test_the_wide_preview_keeps_its_sentences_at_a_reading_width(
    live_server: LiveServer, default_campaign: str, page: Page, size: str
) -> None:
    """The preview widens to 72rem at 1280 px for the letter's two panes side by side; every
    other sentence took that width too, lines of some 150 characters ("تقرأ المكاتب
    الإنجليزية…" and its 1,000 px box)."""
    page.goto(f"{live_server.url}/campaigns/{default_campaign}")
    _write_in_arabic(page)
    page.fill("[name=latin_first_name]", "Rania")
    page.fill("[name=latin_last_name]", "Haddad")
    page.get_by_role("button", name="معاينة رسالتي").click()
    expect(page.get_by_role("heading", name="راجع رسالتك", level=1)).to_be_visible()
    office = page.locator(".office-letter").first
    office.locator("summary").click()
    pair = office.locator("[data-reading-pair]")
    _check_pair(page, pair, size, copy_first=False)  # the panes still stand side by side
    _shoot(page, "wide-preview-width")
    # main's own reading width (46rem) less a panel's padding: some 700 px.
    limit = 46 * 16
    wide = [(width, text) for width, text in page.evaluate(WIDE_LINES) if width > limit]
    assert wide == [], f"lines wider than {limit}px outside the letter: {wide}"
