"""Saving a campaign from the dashboard together with an audit entry of what changed."""

from __future__ import annotations

import enum
import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.services import CAMPAIGN_FIELDS, ImportResult, apply_campaign
from webapp.database import write_transaction
from webapp.models import Campaign, TargetKind
from webapp.services.organisers import audit

AUDIT_VALUE_LIMIT = 500
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


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    return {
        name: [_short(before.get(name)), _short(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


def save_campaign(
    session: Session,
    spec: CampaignFile,
    organiser_id: int,
    action: str,
    now: datetime,
    must_be_new: bool = False,
) -> ImportResult:
    """Create or update the campaign and record who changed what, in one transaction.

    Submissions are never touched: each stores the text it was sent with, so editing a live
    letter affects only letters written afterwards.
    """
    with write_transaction(session):
        existing = session.scalar(select(Campaign).where(Campaign.slug == spec.slug))
        if must_be_new and existing is not None:
            raise CampaignExists(spec.slug)
        before = snapshot(existing)
        campaign, result = apply_campaign(session, spec)
        session.flush()  # a new campaign needs its id for the audit entry
        audit(
            session, organiser_id, action, now, campaign.id, **changes(before, snapshot(campaign))
        )
    return result
