"""A campaign edit's values on an Arabic audit page: a status, an office's audience, the chambers
looked up and the letter's language said as the editor says them. h3 named each detail's key
in Arabic; the values stayed as the file spells them ("draft" → "live", "us_house")."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from flask import Flask

from tests.dashboard.helpers import ADMIN, campaign_id, signed_in
from webapp.dashboard.campaign_changes import changes
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditAction
from webapp.services.organisers import audit

BEFORE = {
    "status": "draft",
    "language": "en",
    "targets": json.dumps(
        [{"lookup": ["us_house"], "optional": False, "audience": "constituents"}]
    ),
}
AFTER = {
    "status": "live",
    "language": "fr",
    "targets": json.dumps(
        [{"lookup": ["us_house", "us_senate"], "optional": True, "audience": "everyone"}]
    ),
}


def _audit_page(app: Flask, slug: str, language: str) -> str:
    with app.app_context(), write_transaction(db.session()):
        audit(db.session(), None, AuditAction.CAMPAIGN_UPDATED, utcnow(), campaign_id(app, slug),
              **changes(BEFORE, AFTER))  # fmt: skip
    app.config["BABEL_DEFAULT_LOCALE"] = language
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/audit")
    assert page.status_code == 200
    details = page.text.split('class="audit-details">')[1].split("</td>")[0]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", details)))


def test_an_arabic_audit_page_says_a_campaign_edits_values_in_arabic(
    app: Flask, default_campaign: str
) -> None:
    details = _audit_page(app, default_campaign, "ar")
    for word in ("draft", "live", "us_house", "us_senate", "constituents", "everyone", "en", "fr"):
        assert not re.search(rf"\b{word}\b", details), (word, details)
    for said in ("مسودة", "منشورة", "مجلس الشيوخ", "الإنجليزية", "الفرنسية"):
        assert said in details, (said, details)


@pytest.mark.parametrize("language", ["en"])
def test_an_english_audit_page_says_them_as_the_editor_does(
    app: Flask, default_campaign: str, language: str
) -> None:
    details = _audit_page(app, default_campaign, language)
    for said in ("Draft", "Live", "United States House of Representatives", "United States Senate",
                 "Only the people it represents", "Everyone, wherever they live", "English",
                 "French"):  # fmt: skip
        assert said in details, (said, details)
