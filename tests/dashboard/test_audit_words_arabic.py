"""The audit log's details on an Arabic page: every field an entry keeps is named in Arabic, and a
held letter's reasons read in Arabic. They showed as the campaign file spells them
("post_daily_limit", "contact_url") and as the risk checks store them, in English."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

from flask import Flask
from flask_babel import force_locale

from tests.dashboard.helpers import ADMIN, campaign_id, signed_in
from webapp.campaigns.translations import CAMPAIGN_KEYS, PARTNER_KEYS, TARGET_KEYS
from webapp.dashboard.audit_fields import field_label
from webapp.dashboard.campaign_changes import changes, snapshot
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditAction, Campaign
from webapp.services.member_corrections import CHANGES, FOLLOWED, KEPT, MEMBERS
from webapp.services.organisers import audit

LATIN = re.compile(r"[A-Za-z]")
# What the actions keep besides a campaign edit's fields (see each audit() call).
ACTION_KEYS = ("submission_id", "delivery_id", "reasons", "office", "letters", "emails")


def _keys(value: Any) -> set[str]:
    """Every key of the tables inside `value`, however deep."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_every_key_an_entry_keeps_is_named_in_arabic(app: Flask, default_campaign: str) -> None:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id(app, default_campaign))
        kept = snapshot(campaign)
    # The campaign's fields, its offices', signatories' and partners' (not the translations'
    # language codes, which are data), and what each action keeps.
    keys = set(kept) | _keys([kept["targets"], kept["signatories"], kept["partners"]])
    keys -= {"ar"}
    keys |= {*CAMPAIGN_KEYS, *PARTNER_KEYS, *TARGET_KEYS, "signatories", "partners"}
    keys |= {*ACTION_KEYS, FOLLOWED, KEPT, MEMBERS, CHANGES, "address", "contact_url", "email"}
    with app.test_request_context("/"), force_locale("ar"):
        english = {k: field_label(k) for k in sorted(keys) if LATIN.search(field_label(k))}
    english.pop("slug", None)  # "الاسم في عنوان الصفحة (slug)": the file's word, as the editor
    assert english == {}


def test_an_arabic_audit_page_names_each_detail_in_arabic(
    app: Flask, default_campaign: str
) -> None:
    cid = campaign_id(app, default_campaign)
    before = [{"name": "A", "email": "a@example.org", "contact_url": None}]
    after = [{"name": "A", "email": "b@example.org", "contact_url": "https://a.example.org"}]
    edit = changes(
        {"targets": json.dumps(before), "post_daily_limit": None, "starts_at": None},
        {"targets": json.dumps(after), "post_daily_limit": 40, "starts_at": None},
    )
    reasons = ["sent 1.2 s after opening the form", "disposable email domain"]
    with app.app_context(), write_transaction(db.session()):
        now = utcnow()
        audit(db.session(), None, AuditAction.CAMPAIGN_UPDATED, now, cid, **edit)
        audit(db.session(), None, AuditAction.MODERATION_DECLINE, now, cid, reasons=reasons)
        audit(db.session(), None, AuditAction.PACKETS_DELIVERED, now, cid, office="x", letters=2)
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}/audit")
    html = unescape(page.text)
    labels = re.findall(r'<div class="audit-detail"><strong>(.*?)</strong>', html)
    labels += re.findall(r'<dt><span dir="auto">(.*?)</span>:</dt>', html)
    assert len(labels) >= 8, labels  # targets, post_daily_limit, reasons, office, letters; rows
    assert [label for label in labels if LATIN.search(label)] == []
    assert "أُرسلت بعد \u20681.2\u2069 ث من فتح النموذج" in html
    assert "نطاق بريد إلكتروني مؤقت" in html and "disposable" not in html
