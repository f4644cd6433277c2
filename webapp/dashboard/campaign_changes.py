"""Saving a campaign from the dashboard together with an audit entry of what changed."""

from __future__ import annotations

import enum
import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.services import CAMPAIGN_FIELDS, ImportResult, apply_campaign
from webapp.database import write_transaction
from webapp.delivery.channels import CwcReach
from webapp.models import AuditAction, Campaign, TargetKind
from webapp.services.office_corrections import follow_corrections, office_details
from webapp.services.organisers import audit

AUDIT_VALUE_LIMIT = 500
AUDIT_CONTEXT = 80  # characters shown before and after a change in a long value
_SCALARS = ("slug", *CAMPAIGN_FIELDS, "allowed_origins")


class CampaignExists(ValueError):
    """A new campaign's slug was taken, e.g. by another organiser a moment earlier."""


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, list):
        return list(value)
    return value


def snapshot(campaign: Campaign | None) -> dict[str, Any]:
    """The campaign's editable content as plain values, to compare before and after a save."""
    if campaign is None:
        return {}
    values = {name: _plain(getattr(campaign, name)) for name in _SCALARS}
    values["targets"] = [
        {**({"name": t.name, "office": t.office, "address": t.address,
             "contact_url": t.contact_url, "email": t.email}
            if t.kind is TargetKind.CUSTOM
            else {"lookup": list(t.chambers), "optional": t.optional}),
         "audience": _plain(t.audience), "salutation": t.salutation, "cover": t.cover,
         "body": t.body, "translations": dict(t.translations or {})}
        for t in campaign.targets
    ]  # fmt: skip
    values["translations"] = dict(campaign.translations or {})
    values["prompts"] = dict(campaign.prompts or {})
    values["signatories"] = [
        {"name": s.name, "member_of": s.member_of, "url": s.url} for s in campaign.signatories
    ]
    values["partners"] = [
        {"code": p.code, "name": p.name, "consent_text": p.consent_text}
        for p in sorted(campaign.partners, key=lambda p: p.code)
    ]
    return values


def _short(value: Any) -> Any:
    """Long text and lists are kept as (truncated) text, so one entry stays small."""
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and len(value) > AUDIT_VALUE_LIMIT:
        return value[: AUDIT_VALUE_LIMIT - 1] + "…"
    return value


def _as_text(value: Any) -> Any:
    """Lists and tables as the JSON the log keeps them in; anything else as it is."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value


def _window(text: str, start: int, stop: int) -> str:
    """text[start:stop] with some context after it, marked with … where cut, within the limit."""
    end = min(len(text), stop + AUDIT_CONTEXT)
    shown = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return shown if len(shown) <= AUDIT_VALUE_LIMIT else shown[: AUDIT_VALUE_LIMIT - 1] + "…"


def _pair(old: Any, new: Any) -> list[Any]:
    """[old, new], long ones cut around where they differ: a sentence changed at the end of a
    long letter must show in the log, not the letter's unchanged opening twice."""
    a, b = _as_text(old), _as_text(new)
    if not (isinstance(a, str) and isinstance(b, str)) or max(len(a), len(b)) <= AUDIT_VALUE_LIMIT:
        return [_short(old), _short(new)]
    same = 0
    while same < min(len(a), len(b)) and a[same] == b[same]:
        same += 1
    tail = 0
    while tail < min(len(a), len(b)) - same and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = max(0, same - AUDIT_CONTEXT)
    return [_window(a, start, len(a) - tail), _window(b, start, len(b) - tail)]


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    return {
        name: _pair(before.get(name), value)
        for name, value in after.items()
        if before.get(name) != value
    }


def save_campaign(
    session: Session,
    spec: CampaignFile,
    organiser_id: int | None,
    action: AuditAction,
    now: datetime,
    must_be_new: bool = False,
    reach: CwcReach | None = None,
) -> ImportResult:
    """Create or update the campaign and record who changed what, in one transaction.

    Submissions are never touched: each stores the text it was sent with, so editing a live
    letter affects only letters written afterwards. Where a letter goes is another matter: a
    fixed office's corrected contact details reach its letters still waiting for it
    (`follow_corrections`; `reach`, the channels switched on, decides which keep the old).
    """
    with write_transaction(session):
        existing = session.scalar(select(Campaign).where(Campaign.slug == spec.slug))
        if must_be_new and existing is not None:
            raise CampaignExists(spec.slug)
        before, offices = snapshot(existing), office_details(existing)
        campaign, result = apply_campaign(session, spec)
        session.flush()  # a new campaign needs its id for the audit entry
        moved = follow_corrections(session, campaign, offices, reach or CwcReach(), now)
        counts = {
            key: number
            for key, number in (
                ("letters_following_correction", moved.followed),
                ("letters_keeping_old_details", moved.kept),
            )
            if number
        }
        edits = changes(before, snapshot(campaign))
        audit(session, organiser_id, action, now, campaign.id, **edits, **counts)
    return replace(result, letters_followed=moved.followed, letters_kept=moved.kept)
