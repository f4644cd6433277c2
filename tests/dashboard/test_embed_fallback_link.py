"""The one-line snippet carries its own way on: a link to the campaign's page after the script."""

from __future__ import annotations

import html
import re

from flask import Flask
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, add_partner, signed_in
from webapp.database import db
from webapp.models import Campaign


def _snippet(page: str, sid: str) -> str:
    found = re.search(rf'<textarea id="snippet-alpha-{sid}"[^>]*>([^<]*)</textarea>', page)
    assert found, sid
    return html.unescape(found[1])


def test_the_one_line_snippet_ends_with_a_link_to_the_campaign_page(
    app: Flask, default_campaign: str
) -> None:
    add_partner(app, default_campaign, "alpha", "Alpha Org")
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/embed").text
    base, slug = "http://localhost", default_campaign
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        title, title_ar = campaign.title, campaign.reading_title("ar")
    script = f'<script src="{base}/embed.js" data-campaign="{slug}" data-partner="alpha"'
    assert _snippet(page, "script") == (
        f"{script} async></script>"
        f'<a href="{base}/campaigns/{slug}?partner=alpha" lang="en">{title}</a>'
    )
    assert _snippet(page, "script-ar") == (
        f'{script} data-lang="ar" async></script>'
        f'<a href="{base}/campaigns/{slug}?partner=alpha&amp;lang=ar" lang="ar">{title_ar}</a>'
    )
