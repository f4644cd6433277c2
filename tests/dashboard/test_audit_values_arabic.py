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


def _labels(app: Flask, slug: str, before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The Arabic audit page's labels of a campaign edit's tables, in order."""
    with app.app_context(), write_transaction(db.session()):
        audit(db.session(), None, AuditAction.CAMPAIGN_UPDATED, utcnow(), campaign_id(app, slug),
              **changes(before, after))  # fmt: skip
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    html = unescape(signed_in(app, ADMIN).get(f"/dashboard/campaigns/{slug}/audit").text)
    return re.findall(r'<dt><span dir="auto">(.*?)</span>:</dt>', html)


def test_a_tables_keys_that_are_data_are_said_as_data_not_as_a_field(
    app: Flask, default_campaign: str
) -> None:
    """A story prompt's variant named "office" and a partner's code "status" are the
    organiser's names, not the office or the status; a copy's language is its name."""
    prompts = {"office": {"en": ["Why write?"], "ar": ["لماذا تكتب؟"]}}
    translation = {"ar": {"title": "رسالة", "partners": {"status": "Syria Relief"}}}
    before = {"prompts": json.dumps({}), "translations": json.dumps({})}
    after = {"prompts": json.dumps(prompts), "translations": json.dumps(translation)}
    labels = _labels(app, default_campaign, before, after)
    assert "office" in labels and "status" in labels, labels
    assert "المكتب" not in labels and "الحالة" not in labels, labels
    assert "ar" not in labels and "en" not in labels, labels
    assert labels.count("العربية") == 2 and "الإنجليزية" in labels, labels
    assert "العنوان" in labels, labels  # the copy's own fields are fields


def test_an_offices_and_a_partners_fields_keep_their_names_in_a_list(
    app: Flask, default_campaign: str
) -> None:
    """The campaign's partners are a list of records: their keys are fields, said in Arabic,
    and an office's own translations are by language."""
    partners = [{"code": "status", "name": "Syria Relief", "consent_text": "نعم"}]
    targets = [{"name": "A", "translations": {"ar": {"salutation": "السيد"}}}]
    before = {"partners": json.dumps([]), "targets": json.dumps([])}
    after = {"partners": json.dumps(partners), "targets": json.dumps(targets)}
    labels = _labels(app, default_campaign, before, after)
    assert "code" not in labels and "name" not in labels and "ar" not in labels, labels
    assert "العربية" in labels, labels
