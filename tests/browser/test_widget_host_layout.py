"""The widget in partners' own layouts: a header that stays on screen, flex and grid columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Frame, Page, expect

from tests.browser import widget_host
from tests.browser.conftest import PAGE_ONLY
from tests.browser.widget_host import Embed, FitLog, HostPage, HostSite, shoot, widget_frame
from tests.conftest import LiveServer
from tests.widget.helpers import widget_campaign

pytestmark = [pytest.mark.browser, PAGE_ONLY]
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page

# A header that stays at the top as the page scrolls, 70 px tall, over the widget's frame.
STICKY = (
    "<style>body{margin:0} header{position:sticky;top:0;z-index:9;block-size:70px;"
    "box-sizing:border-box;background:#234;color:#fff;padding:12px}</style>"
)
FIXED_BAR = (  # a bar fixed to the top, and a header under it once stuck
    "<style>body{margin:0;padding-block-start:40px} .bar{position:fixed;inset-block-start:0;"
    "inset-inline:0;block-size:40px;background:#fc0;z-index:10}"
    "header{position:sticky;top:40px;z-index:9;block-size:50px;background:#234}</style>"
)


@pytest.fixture
def slug(app: Flask, tmp_path: Path) -> str:
    return widget_campaign(app, tmp_path)


def _frame_top(page: Page) -> float:
    return float(
        page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().top")
    )


def _errors_step(page: Page, frame: Frame) -> None:
    """Press Preview on the empty form, at its foot: the errors step starts at the frame's top,
    far above the button on a phone."""
    frame.get_by_role("button", name="Preview my letter").click()
    expect(frame.locator("#error-summary")).to_be_focused()


def _settled_top(page: Page) -> float:
    """The frame's top once the host page stops scrolling."""
    page.wait_for_function(
        """() => new Promise(done => { const y = scrollY;
             setTimeout(() => done(scrollY === y), 300); })""",
        polling=100,
    )
    return _frame_top(page)


@pytest.mark.parametrize(
    ("case", "head", "top", "attrs"),
    [
        ("sticky", STICKY, 70, {}),
        ("fixed-and-sticky", FIXED_BAR, 90, {}),
        ("data-offset", "", 100, {"offset": "100"}),  # nothing to find: the snippet says
    ],
)
@pytest.mark.parametrize("width", [360, 1280])
def test_a_new_step_starts_below_the_host_pages_header(
    live_server: LiveServer,
    slug: str,
    host_site: HostSite,
    host_page: HostPage,
    case: str,
    head: str,
    top: int,
    attrs: dict[str, str],
    width: int,
) -> None:
    bar = '<div class="bar">Donate</div>' if case == "fixed-and-sticky" else ""
    script = Embed("wa", {"campaign": slug, **attrs}).markup(live_server.url)
    body = (
        f"{bar}<header>Partner</header><main><h1>Write to them</h1><p>Our members wrote.</p>"
        f'{script}<footer style="block-size:300px">Footer</footer></main>'
    )
    page = host_page(width)
    page.goto(host_site.serve_page(body, head))
    frame = widget_frame(page, "wa")

    _errors_step(page, frame)

    assert abs(_settled_top(page) - top) <= 2, f"the frame's top is not just below {top}px"
    summary = frame.locator("#error-summary").bounding_box()
    assert summary is not None and summary["y"] >= top
    shoot(page, f"widget-header-{case}-{width}px")


# The script's container a flex item (QA's partner page: `div {display: flex}`), a grid item in
# an auto column, a flex container itself; and a sidebar 280 px wide, which must stay 280.
LAYOUTS = {
    "flex-item": (
        "<style>div{display:flex} body{margin:0;padding:8px} main{padding:10px 30px}"
        " iframe{max-width:300px}</style>",
        "<div><nav>Menu</nav><main><h1>Partner</h1><div><p>Intro</p></div>{snippet}"
        "<p>After</p></main></div>",
        "main",
    ),
    "grid-item": (
        "<style>body{margin:0;display:grid;grid-template-columns:auto}</style>",
        "<main><h1>Partner</h1>{snippet}</main>",
        "main",
    ),
    "flex-container": (
        "<style>body{margin:0} .row{display:flex;gap:16px}</style>",
        "<div class='row'><p>Side note</p>{snippet}</div>",
        ".row",
    ),
    "sidebar": (
        "<style>body{margin:0;display:flex} aside{inline-size:280px;flex:none}"
        " main{flex:1}</style>",
        "<main><h1>Partner</h1></main><aside>{snippet}</aside>",
        "aside",
    ),
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_frame_fills_its_container_in_flex_and_grid_layouts(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage, layout: str
) -> None:
    head, body, container = LAYOUTS[layout]
    script = Embed("wa", {"campaign": slug}).markup(live_server.url)
    page = host_page(1280)
    page.goto(host_site.serve_page(body.replace("{snippet}", script), head))
    expect(widget_frame(page, "wa").locator("h1")).to_be_visible()

    widths = page.evaluate(
        """sel => { const box = document.querySelector(sel), f = document.querySelector('iframe');
            const s = getComputedStyle(box);
            return {frame: f.getBoundingClientRect().width, page: innerWidth,
                    inner: box.clientWidth - parseFloat(s.paddingInlineStart)
                           - parseFloat(s.paddingInlineEnd)}; }""",
        container,
    )
    shoot(page, f"widget-width-{layout}-1280px")
    if layout == "sidebar":
        assert widths["frame"] == 280
    elif layout == "flex-container":
        assert widths["frame"] > widths["inner"] / 2, widths  # beside its sibling, the most
    else:
        assert widths["frame"] >= widths["page"] - 120, widths
        assert widths["frame"] <= widths["inner"] + 0.5, widths


# A theme's rules for every iframe on its pages (videos), with !important, as page builders
# write them: a 16:9 box, its own height, padding and border, and links always shown.
THEME_IFRAMES = (
    "<style>body{margin:0} main{padding:0 16px}"
    " iframe{inline-size:100%!important;block-size:auto!important;aspect-ratio:16/9!important;"
    "max-block-size:300px!important;min-block-size:200px!important;padding:20px!important;"
    "border:4px solid #333!important;box-sizing:content-box!important}"
    " a{display:block!important}</style>"
)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_themes_important_iframe_rules_leave_the_frame_its_size(
    live_server: LiveServer, slug: str, host_site: HostSite, host_page: HostPage, width: int
) -> None:
    script = Embed("wa", {"campaign": slug}).markup(live_server.url)
    link = f'<a href="{live_server.url}/campaigns/{slug}">Write to them</a>'
    page = host_page(width)
    page.goto(host_site.serve_page(f"<main><h1>Partner</h1>{script}{link}</main>", THEME_IFRAMES))
    frame = widget_frame(page, "wa")
    expect(frame.locator("h1")).to_be_visible()

    fits = FitLog()
    fits.check(frame, "the letter form")
    shoot(page, f"widget-theme-iframes-{width}px")
    fits.assert_all_fitted()  # the whole form shown: not a 16:9 box with an inner scroll
    box = page.evaluate(
        """() => { const f = document.querySelector('iframe'), m = document.querySelector('main');
            const s = getComputedStyle(m);
            return {frame: f.getBoundingClientRect().width, inner: m.clientWidth
                    - parseFloat(s.paddingInlineStart) - parseFloat(s.paddingInlineEnd),
                    page: document.documentElement.scrollWidth, view: innerWidth}; }"""
    )
    assert box["frame"] == box["inner"] and box["page"] <= box["view"], box
    # The snippet's link is for when the widget cannot show: hidden while it does.
    expect(page.get_by_role("link", name="Write to them")).to_be_hidden()
