"""Review r4 probes: the campaign title in the tab title of the campaign editor."""

from __future__ import annotations

import html
import re

from flask import Flask
from sqlalchemy import select

from tests.dashboard.helpers import ADMIN, signed_in
from webapp.database import db
from webapp.models import Campaign

TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)


def _retitle(app: Flask, slug: str, title: str) -> None:
    with app.app_context():
        campaign = db.session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        campaign.title = title
        db.session.commit()


def test_r4_editor_tab_title_escapes_the_campaign_title_once(
    app: Flask, default_campaign: str
) -> None:
    """error_title isolates (title_isolate: str()) the Markup _('Edit: %(title)s') already
    escaped: "Syria & the US" showed as "Syria &amp; the US" in the tab."""
    _retitle(app, default_campaign, "Syria & the US")
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{default_campaign}/edit").text
    found = TITLE_RE.search(page)
    assert found
    assert html.unescape(found.group(1)).startswith("Edit: Syria & the US"), found.group(1)


def test_r4_editor_tab_title_isolates_an_arabic_title_once(
    app: Flask, default_campaign: str
) -> None:
    """An Arabic title on the English dashboard: isolated inside "Edit: …", then the whole
    isolated again (two pairs of marks, the outer one changing nothing)."""
    _retitle(app, default_campaign, "خمس خطوات")
    admin = signed_in(app, ADMIN)
    page = admin.get(f"/dashboard/campaigns/{default_campaign}/edit").text
    found = TITLE_RE.search(page)
    assert found
    title = html.unescape(found.group(1))
    assert title.count("\u2068") == 1, ascii(title)
