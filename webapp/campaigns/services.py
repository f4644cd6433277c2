"""Importing campaign files into the database (idempotently) and exporting them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from webapp.campaigns.fileformat import CampaignFile, CampaignFileError, parse_campaign_file
from webapp.campaigns.problems import Kind, Problem
from webapp.campaigns.sections import TargetSpec
from webapp.campaigns.translations import exported
from webapp.database import DB_INT_MAX, write_transaction
from webapp.models import Campaign, CampaignStatus, Partner, Signatory, Target, TargetKind
from webapp.models.campaign import default_audience

DEFAULT_CAMPAIGN_FILE = Path(__file__).parent / "default" / "syria-five-steps.md"
# Years a campaign may open or close in: a typo like 0202 or 20260 would not survive the
# conversion to UTC or the database.
FIRST_YEAR, LAST_YEAR = 1970, 2999
# Built once: every letter page asks for its campaign, and building the query cost a fifth of
# a millisecond each time.
_BY_SLUG = select(Campaign).where(Campaign.slug == bindparam("slug"))


# Campaign columns copied one to one from a campaign file (lists and rows are handled apart).
CAMPAIGN_FIELDS = (
    "title",
    "subject",
    "salutation",
    "body",
    "closing",
    "body_editable",
    "status",
    "goal",
    "post_daily_limit",
    "post_total_limit",
    "starts_at",
    "ends_at",
    "require_confirmation",
    "sender_name",
    "sender_email",
    "consent_text",
    "media_contact",
    "language",
    "topics",
    "short_body",
)


@dataclass(frozen=True)
class ImportResult:
    slug: str
    created: bool
    targets_added: int
    targets_removed: int
    # Set by the dashboard's save (campaign_changes): waiting letters to a corrected office
    # that now go to its corrected details, and those that keep the old ones.
    letters_followed: int = 0
    letters_kept: int = 0


def _target_key(kind: TargetKind, name: str | None, chambers: list[Any]) -> tuple[str, str]:
    # Fixed targets are recognised by name, lookup rules by their chambers, so re-importing
    # keeps target ids (and the deliveries that point at them) stable.
    return (
        (kind.value, name or "") if kind is TargetKind.CUSTOM else (kind.value, ",".join(chambers))
    )


def _apply_target(target: Target, spec: TargetSpec, position: int) -> None:
    target.position = position
    target.kind = spec.kind
    target.name = spec.name
    target.office = spec.office
    target.address = spec.address
    target.contact_url = spec.contact_url
    target.email = spec.email
    target.salutation = spec.salutation
    target.chambers = list(spec.chambers)
    target.optional = spec.optional
    target.audience = spec.audience or default_audience(spec.kind)
    target.cover = spec.cover
    target.body = spec.body
    target.form_limit = spec.form_limit
    target.post = spec.post
    target.post_batched = spec.post_batched
    target.translations = dict(spec.translations)


def read_campaign_file(text: str, origin: str) -> CampaignFile:
    """`parse_campaign_file`, then what the format allows but the database cannot store."""
    spec = parse_campaign_file(text, origin)
    problems: list[Problem] = []
    for key in ("goal", "post_daily_limit", "post_total_limit"):
        number: int | None = getattr(spec, key)
        if number is not None and number > DB_INT_MAX:
            problems.append(Problem(key, Kind.AT_MOST, limit=DB_INT_MAX))
    for key in ("starts_at", "ends_at"):
        moment: datetime | None = getattr(spec, key)
        if moment is not None and not FIRST_YEAR <= moment.year <= LAST_YEAR:
            years = {"first": str(FIRST_YEAR), "last": str(LAST_YEAR)}  # years, not amounts
            problems.append(Problem(key, Kind.YEARS, **years))
    if problems:
        raise CampaignFileError(origin, problems)
    return spec


def campaign_by_slug(session: Session, slug: str) -> Campaign | None:
    return session.scalar(_BY_SLUG, {"slug": slug})


def open_campaigns(session: Session, now: datetime) -> list[Campaign]:
    """The live campaigns taking letters now, oldest first (the home page's list)."""
    live = session.scalars(
        select(Campaign).where(Campaign.status == CampaignStatus.LIVE).order_by(Campaign.created_at)
    )
    return [campaign for campaign in live if campaign.is_open(now)]


def import_campaign(session: Session, spec: CampaignFile) -> ImportResult:
    """Create or update the campaign named by `spec.slug`; its submissions are kept."""
    with write_transaction(session):
        return apply_campaign(session, spec)[1]


def apply_campaign(session: Session, spec: CampaignFile) -> tuple[Campaign, ImportResult]:
    """`import_campaign` inside the caller's transaction (the editor adds its audit entry)."""
    campaign = session.scalar(select(Campaign).where(Campaign.slug == spec.slug))
    created = campaign is None
    if campaign is None:
        campaign = Campaign(slug=spec.slug)
        session.add(campaign)
    for name in CAMPAIGN_FIELDS:
        setattr(campaign, name, getattr(spec, name))
    campaign.allowed_origins = list(spec.allowed_origins)
    campaign.translations = dict(spec.translations)
    campaign.prompts = dict(spec.prompts)
    if spec.external_id:
        campaign.external_id = spec.external_id

    existing = {_target_key(t.kind, t.name, t.chambers): t for t in campaign.targets}
    kept: list[Target] = []
    for position, target_spec in enumerate(spec.targets):
        key = _target_key(target_spec.kind, target_spec.name, target_spec.chambers)
        target = existing.pop(key, None) or Target(kind=target_spec.kind)
        _apply_target(target, target_spec, position)
        kept.append(target)
    added = sum(1 for t in kept if t.id is None)
    campaign.targets = kept

    campaign.signatories = [
        Signatory(position=i, name=s.name, member_of=s.member_of, url=s.url)
        for i, s in enumerate(spec.signatories)
    ]
    partners = {p.code: p for p in campaign.partners}
    for partner_spec in spec.partners:
        partner = partners.get(partner_spec.code)
        if partner is None:
            partner = Partner(code=partner_spec.code)
            campaign.partners.append(partner)
        partner.name = partner_spec.name
        partner.consent_text = partner_spec.consent_text
    # Partners missing from the file are kept: submissions are attributed to them.
    return campaign, ImportResult(spec.slug, created, added, len(existing))


def import_campaign_path(session: Session, path: Path) -> ImportResult:
    spec = read_campaign_file(path.read_text(encoding="utf-8"), origin=str(path))
    return import_campaign(session, spec)


def ensure_default_campaign(session: Session, path: Path | None = None) -> ImportResult | None:
    """Import the shipped campaign unless a campaign with its slug already exists."""
    source = path or DEFAULT_CAMPAIGN_FILE
    spec = parse_campaign_file(source.read_text(encoding="utf-8"), origin=str(source))
    if session.scalar(select(Campaign.id).where(Campaign.slug == spec.slug)) is not None:
        return None
    return import_campaign(session, spec)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _export_target(t: Target) -> dict[str, Any]:
    item: dict[str, Any]
    if t.kind is TargetKind.CUSTOM:
        item = {
            "kind": "custom",
            "name": t.name,
            "office": t.office,
            "address": t.address,
            "contact_url": t.contact_url,
            "email": t.email,
            "post": "batched" if t.post and t.post_batched else (t.post or None),
        }
    else:
        item = {"kind": "lookup", "chambers": list(t.chambers), "optional": t.optional}
    item |= {
        "audience": t.audience.value,
        "salutation": t.salutation,
        "cover": t.cover,
        "body": t.body,
        "form_limit": t.form_limit,
        "translations": exported(t.translations) or None,
    }
    return {k: v for k, v in item.items() if v is not None}


def export_campaign(campaign: Campaign) -> str:
    """The campaign as a campaign file that `import_campaign` reads back unchanged."""
    targets = [_export_target(t) for t in campaign.targets]
    meta: dict[str, Any] = {
        "slug": campaign.slug,
        "external_id": campaign.external_id,
        "title": campaign.title,
        "subject": campaign.subject,
        "salutation": campaign.salutation,
        "closing": campaign.closing,
        "body_editable": campaign.body_editable,
        "status": campaign.status.value,
        "goal": campaign.goal,
        "post_daily_limit": campaign.post_daily_limit,
        "post_total_limit": campaign.post_total_limit,
        "starts_at": _iso(campaign.starts_at),
        "ends_at": _iso(campaign.ends_at),
        "require_confirmation": campaign.require_confirmation,
        "allowed_origins": list(campaign.allowed_origins),
        "sender_name": campaign.sender_name,
        "sender_email": campaign.sender_email,
        "consent_text": campaign.consent_text,
        "media_contact": campaign.media_contact,
        "language": campaign.language,
        "topics": list(campaign.topics),
        "short_body": campaign.short_body,
        "targets": targets,
        "signatories": [
            s.name
            if not (s.member_of or s.url)
            else {
                k: v
                for k, v in {"name": s.name, "member_of": s.member_of, "url": s.url}.items()
                if v
            }
            for s in campaign.signatories
        ],
        "partners": [
            {
                k: v
                for k, v in {"code": p.code, "name": p.name, "consent_text": p.consent_text}.items()
                if v
            }
            for p in campaign.partners
        ],
        "translations": exported(campaign.translations),
        "prompts": dict(campaign.prompts or {}),
    }
    meta = {k: v for k, v in meta.items() if v not in (None, [], "", {})}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    return f"---\n{front}---\n{campaign.body.strip()}\n"


def stored_problems(campaign: Campaign) -> list[Problem]:
    """What the campaign file checks refuse in the campaign as stored: one saved before a check
    was added, or changed outside the editor, still takes letters (merge.render leaves out what
    cannot be filled in) and its organisers must learn what to correct."""
    try:
        read_campaign_file(export_campaign(campaign), campaign.slug)
    except CampaignFileError as refused:
        return refused.problems
    return []
