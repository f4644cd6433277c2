"""The plain-frame snippet as the embed page gives it: it holds the phone form, and it shows on
partner pages that send a strict Referrer-Policy (and still nowhere else)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Frame, expect
from sqlalchemy import select

from tests.browser import widget_host
from tests.browser.conftest import PAGE_ONLY
from tests.browser.widget_host import HostPage, HostSite, shoot, widget_frame
from tests.civic.data import load_civic_data
from tests.conftest import LiveServer
from tests.dashboard.helpers import add_partner
from tests.widget.helpers import widget_campaign
from webapp.dashboard.embed_snippets import embed_snippets
from webapp.database import db
from webapp.models import Campaign

pytestmark = pytest.mark.browser
cookieless_browser = widget_host.cookieless_browser
host_site = widget_host.host_site
host_page = widget_host.host_page


def plain_frame(app: Flask, slug: str, code: str, base: str, arabic: bool = False) -> str:
    """The plain-frame snippet a partner copies from the embed page, with an id to find it."""
    with app.test_request_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        sid = "iframe-ar" if arabic else "iframe"
        text = next(s.text for s in embed_snippets(campaign, code, base) if s.sid == sid)
    return text.replace("<iframe ", '<iframe id="plain" ', 1)


def serve(site: HostSite, snippet: str, head: str = "", **headers: str) -> str:
    """A partner page holding `snippet` as pasted; its URL on the host's origin."""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>Partner site</title><link rel="icon" href="data:,">{head}</head>'
        f"<body><main><h1>Partner site</h1>{snippet}</main></body></html>"
    )
    site.stub.reply("/page.html", 200, body.encode(), {"Content-Type": "text/html", **headers})
    return f"{site.origin}/page.html"


STRICT = {
    "meta same-origin": ('<meta name="referrer" content="same-origin">', {}),
    "header no-referrer": ("", {"Referrer-Policy": "no-referrer"}),
}


@PAGE_ONLY
@pytest.mark.parametrize("policy", sorted(STRICT))
def test_the_plain_frame_shows_on_an_allowed_site_with_a_strict_referrer_policy(
    app: Flask,
    live_server: LiveServer,
    tmp_path: Path,
    host_site: HostSite,
    host_page: HostPage,
    policy: str,
) -> None:
    slug = widget_campaign(app, tmp_path, origins=(host_site.origin,))
    head, headers = STRICT[policy]
    page = host_page(360)
    snippet = plain_frame(app, slug, "riverside", live_server.url)

    page.goto(serve(host_site, snippet, head, **headers))

    frame = widget_frame(page, "plain")
    expect(frame.get_by_role("button", name="Preview my letter")).to_be_attached()
    assert "cannot be shown here" not in frame.content()
    # The same page with the frame as it was (no referrerpolicy): the policy does hide the site,
    # and the refusal says what to do about it.
    old = snippet.replace(' referrerpolicy="origin"', "")
    page.goto(serve(host_site, old, head, **headers))
    frame = widget_frame(page, "plain")
    expect(frame.get_by_text("This letter cannot be shown here.")).to_be_visible()
    expect(frame.get_by_text("It hides its address from the letter form")).to_be_visible()


@PAGE_ONLY
def test_the_plain_frame_is_still_refused_on_a_site_not_allowed(
    app: Flask, live_server: LiveServer, tmp_path: Path, host_site: HostSite, host_page: HostPage
) -> None:
    slug = widget_campaign(app, tmp_path, origins=("https://www.partner.example",))
    head, headers = STRICT["header no-referrer"]
    page = host_page(360)

    page.goto(
        serve(host_site, plain_frame(app, slug, "riverside", live_server.url), head, **headers)
    )

    frame = widget_frame(page, "plain")
    expect(frame.get_by_text("This letter cannot be shown here.")).to_be_visible()
    # The site names itself even so, and is told which address to have added.
    expect(frame.get_by_text(f"add {host_site.origin} to the sites")).to_be_visible()
    assert frame.locator("form").count() == 0


# The form's own Preview: the language switch puts a hidden one before it (Enter previews).
PREVIEW = "#widget-form button[value=preview]"


def _fits(frame: Frame, step: str) -> str | None:
    """None if the frame holds its page with Preview in view; else what is cut off."""
    m = frame.evaluate(
        """(PREVIEW) => ({tall: document.documentElement.scrollHeight, frame: innerHeight,
            button: Math.ceil(document.querySelector(PREVIEW)
                .getBoundingClientRect().bottom)})""",
        PREVIEW,
    )
    if m["tall"] <= m["frame"] and m["button"] <= m["frame"]:
        return None
    return f"{step}: {m['tall']}px of page, Preview at {m['button']}px, in a {m['frame']}px frame"


@PAGE_ONLY
@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("arabic", [False, True], ids=["en", "ar"])
def test_the_plain_frame_holds_the_whole_form_with_no_scroll_of_its_own(
    app: Flask,
    live_server: LiveServer,
    default_campaign: str,
    host_site: HostSite,
    host_page: HostPage,
    width: int,
    arabic: bool,
) -> None:
    """The shipped campaign with a partner's consent box, a split ZIP's note and the step that
    lists errors: the tallest a supporter meets before Preview (Arabic taller than English)."""
    load_civic_data(app)
    add_partner(app, default_campaign, "forum", "Syrian Forum", "Syrian Forum may email me.")
    page = host_page(width)
    page.goto(
        serve(host_site, plain_frame(app, default_campaign, "forum", live_server.url, arabic))
    )
    frame = widget_frame(page, "plain")
    expect(frame.locator(PREVIEW)).to_be_attached()
    problems = [_fits(frame, "empty form")]

    frame.locator(PREVIEW).click()  # nothing typed: every error listed
    expect(frame.locator("#error-summary")).to_be_attached()
    problems.append(_fits(frame, "errors"))
    for name, value in {"street": "16901 Michigan Ave", "city": "Dearborn"}.items():
        frame.locator(f"#{name}").fill(value)
    frame.locator("#state").select_option("MI")
    frame.locator("#zip_code").press_sequentially("48126", delay=20)
    expect(frame.locator(".zip-hint")).not_to_be_empty()
    frame.locator("#partner_consent").check()
    problems.append(_fits(frame, "errors, split ZIP"))

    shoot(page, f"plain-frame-{width}px-{'ar' if arabic else 'en'}")
    assert [p for p in problems if p] == []
