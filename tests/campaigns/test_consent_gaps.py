"""The editor warns when a save leaves a consent sentence with no wording in a language the
campaign has a reading copy in: its readers would be asked in English inside an Arabic page."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.campaigns.test_consent_translations import _arabic_partner_campaign
from tests.conftest import csrf_token
from tests.dashboard.test_editor import admin, edit_form, edit_url

__all__ = ["admin"]  # the signed-in organiser fixture

LINK = '<a href="/dashboard/campaigns/{}/edit#{}">Edit the Arabic wording</a>'


def _warnings(page: str) -> list[str]:
    found = re.findall(
        r'<p class="flash flash-warning" role="status"><strong>Warning:</strong> (.*?)</p>', page
    )
    return [html.unescape(w) for w in found]


def test_a_new_partner_without_arabic_wording_is_warned_about_once(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    form = edit_form(admin, slug)
    empty = next(i for i in range(9) if not form.get(f"partners-{i}-code"))
    form[f"partners-{empty}-code"] = "noor"
    form[f"partners-{empty}-name"] = "Noor Foundation"
    form[f"partners-{empty}-consent_text"] = "Keep me updated by email."
    saved = admin.post(edit_url(slug), data=form, follow_redirects=True)
    assert saved.status_code == 200 and "Saved." in saved.text
    assert _warnings(saved.text) == [
        "Partner \u2068noor\u2069's consent sentence has no Arabic wording: readers of the page "
        "in Arabic are asked in the campaign's own language. "
        + LINK.format(slug, "partners-heading")
    ]
    # Saved again unchanged: the gap is known, and not repeated on every save.
    again = admin.post(edit_url(slug), data=edit_form(admin, slug), follow_redirects=True)
    assert _warnings(again.text) == []


def test_removing_the_campaigns_arabic_consent_wording_is_warned_about(
    app: Flask, admin: FlaskClient, tmp_path: Path
) -> None:
    slug = _arabic_partner_campaign(app, tmp_path)
    form = edit_form(admin, slug)
    form["reading_consent"] = ""
    saved = admin.post(edit_url(slug), data=form, follow_redirects=True)
    assert _warnings(saved.text) == [
        "The consent sentence has no Arabic wording: readers of the page in Arabic are asked "
        "in the campaign's own language. " + LINK.format(slug, "reading_consent")
    ]


def test_importing_a_new_campaign_with_an_arabic_copy_but_english_consents_warns(
    admin: FlaskClient, default_campaign: str
) -> None:
    exported = admin.get(f"/dashboard/campaigns/{default_campaign}/file").text
    renamed = exported.replace(f"slug: {default_campaign}", "slug: syria-copy", 1)
    renamed = re.sub(r"\nexternal_id: .*", "", renamed, count=1)  # a new campaign's own
    consent_ar = re.search(r"\n    consent_text: .*", renamed)
    assert consent_ar, "the shipped campaign has an Arabic consent wording"
    changed = renamed.replace(consent_ar[0], "", 1)
    page = admin.get("/dashboard/campaigns/import")
    upload = {
        "csrf_token": csrf_token(page.text),
        "campaign_file": (io.BytesIO(changed.encode()), "campaign.md"),
    }
    saved = admin.post("/dashboard/campaigns/import", data=upload, follow_redirects=True)
    assert "Campaign created." in saved.text
    assert _warnings(saved.text) == [
        "The consent sentence has no Arabic wording: readers of the page in Arabic are asked "
        "in the campaign's own language. " + LINK.format("syria-copy", "reading_consent")
    ]
