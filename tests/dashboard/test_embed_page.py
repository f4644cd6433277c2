"""The embed page tells a partner where the form shows and gives it its own credited links."""

from __future__ import annotations

import html
import re
from pathlib import Path

from flask import Flask

from tests.dashboard.helpers import ADMIN, signed_in
from tests.widget.helpers import widget_campaign
from webapp.models import Role

PARTNER_SITE = "https://www.partner.example"
BASE = "http://localhost"


def _embed(app: Flask, slug: str, partner: str | None = None) -> str:
    client = (
        signed_in(app, f"{partner}@partner.example.org", Role.PARTNER, partner)
        if partner
        else signed_in(app, ADMIN)
    )
    response = client.get(f"/dashboard/campaigns/{slug}/embed")
    assert response.status_code == 200, response.text
    return response.text


def _text(page: str) -> str:
    """The page's words, tags dropped."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_a_restricted_campaign_tells_a_partner_what_to_send_before_it_pastes(
    app: Flask, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path, origins=(PARTNER_SITE,))
    page = _embed(app, slug, "riverside")
    words = _text(page)
    assert "The letter form shows only on these sites: https://www.partner.example" in words
    assert f'<bdi dir="ltr">{PARTNER_SITE}</bdi>' in page
    assert "send the campaign’s organisers its address" in words
    assert "for example <bdi>https://www.example.org</bdi>" in page
    assert "With www and without www are two different sites" in words
    assert "Paste one of these into any page" not in words
    # The live preview runs here, where it always works: the page says so.
    preview = page[page.index("<details>") :]
    assert "shown on this site, not on yours: it works even while your site is not" in preview
    assert "Organisers add a partner’s site in the campaign editor" not in words
    admin = _text(_embed(app, slug))
    assert "Organisers add a partner’s site in the campaign editor, under “Sites allowed" in admin


def test_an_open_campaign_says_any_site_may_show_it(app: Flask, tmp_path: Path) -> None:
    """No allowed_origins means any site (webapp/widget/security.py embedding_allowed)."""
    slug = widget_campaign(app, tmp_path)
    words = _text(_embed(app, slug, "riverside"))
    assert "The letter form shows on any site: you need not ask" in words
    assert "shows only on these sites" not in words
    assert "This preview is shown on this site, not on yours." in words


def test_the_plain_frame_says_it_cannot_resize_itself(app: Flask, tmp_path: Path) -> None:
    words = _text(_embed(app, widget_campaign(app, tmp_path), "riverside"))
    assert "The plain frame cannot resize itself: it is 3,200 pixels tall" in words
    assert "Use it only if your site removes scripts." in words


def _copy_link(page: str, lid: str) -> tuple[str, str]:
    """(label, URL) of the copyable link `lid`, with its copy button."""
    label = re.search(rf'<label for="{lid}" id="{lid}-label">(.*?)</label>', page)
    value = re.search(rf'<input id="{lid}" type="url" value="([^"]+)" readonly dir="ltr">', page)
    assert label and value, lid
    assert f'data-copy-target="{lid}" aria-describedby="{lid}-label"' in page
    return _text(label[1]), html.unescape(value[1])


def test_a_partner_gets_its_own_credited_link_in_english_and_arabic(
    app: Flask, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    page = _embed(app, slug, "riverside")
    assert _copy_link(page, "link-riverside") == (
        "Link to the campaign page that credits Riverside Parents",
        f"{BASE}/campaigns/{slug}?partner=riverside",
    )
    assert _copy_link(page, "link-riverside-ar") == (
        "Link to the campaign page in Arabic that credits Riverside Parents",
        f"{BASE}/campaigns/{slug}?partner=riverside&lang=ar",
    )
    assert "eastside" not in page


def test_an_admin_sees_each_partners_link(app: Flask, tmp_path: Path) -> None:
    slug = widget_campaign(app, tmp_path)
    page = _embed(app, slug)
    for code in ("riverside", "eastside"):
        assert _copy_link(page, f"link-{code}")[1] == f"{BASE}/campaigns/{slug}?partner={code}"


def test_a_partner_accounts_public_page_link_credits_the_partner(
    app: Flask, tmp_path: Path
) -> None:
    slug = widget_campaign(app, tmp_path)
    partner = signed_in(app, "r@partner.example.org", Role.PARTNER, "riverside")
    own = partner.get(f"/dashboard/campaigns/{slug}").text
    assert f'<a href="/campaigns/{slug}?partner=riverside">Public page</a>' in own
    admin = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}").text
    assert f'<a href="/campaigns/{slug}">Public page</a>' in admin


def test_the_page_says_a_page_opened_as_a_file_cannot_show_the_form(
    app: Flask, tmp_path: Path
) -> None:
    """A partner trying the snippet in a page saved on its computer met a broken frame: the
    app's frame-ancestors * matches only http(s) pages. The page says how to try it instead."""
    slug = widget_campaign(app, tmp_path)
    page = _embed(app, slug)
    assert "its address starting with <bdi>file://</bdi>, cannot show the letter form" in page
    assert "a small web server on your own computer will do" in _text(page)
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    arabic = _embed(app, slug, "riverside")
    assert "التي يبدأ عنوانها بـ<bdi>file://</bdi>، فلا يمكنها عرض نموذج الرسالة" in arabic
