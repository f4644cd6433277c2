"""Campaign files: YAML front matter and a Markdown letter body, parsed and checked in full."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import yaml

from webapp.campaigns import safe_yaml
from webapp.campaigns.field_reader import FieldReader
from webapp.campaigns.problems import Kind, Problem
from webapp.campaigns.prompts import Prompts, parse_prompts
from webapp.campaigns.sections import (
    PartnerSpec,
    SignatorySpec,
    TargetSpec,
    parse_origins,
    parse_partners,
    parse_signatories,
    parse_targets,
    parse_topics,
)
from webapp.campaigns.translations import parse_campaign_translations
from webapp.letters.bare_fields import bare_fields
from webapp.letters.merge import MergeFieldError, check_template, has_merge_fields
from webapp.models.campaign import CampaignStatus, TargetKind

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
BODY_LIMIT = 20000
SHORT_BODY_LIMIT = 1500  # leaves room for the supporter's own words in a 2,000-character form
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)


class CampaignFileError(ValueError):
    """Every problem found in a campaign file, each naming its key (a Problem: in English as
    text, and `said()` in the page's language)."""

    def __init__(self, origin: str, problems: list[Problem]) -> None:
        self.origin = origin
        self.problems = problems
        super().__init__(f"{origin}: " + "; ".join(problems))


@dataclass
class CampaignFile:
    slug: str
    title: str
    subject: str
    salutation: str
    body: str
    closing: str = "Sincerely,"
    body_editable: bool = False
    status: CampaignStatus = CampaignStatus.LIVE
    goal: int | None = None
    # Letters posted a UTC day and in all (0: no cap); None: the POST_* settings.
    post_daily_limit: int | None = None
    post_total_limit: int | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    require_confirmation: bool = False
    allowed_origins: list[str] = field(default_factory=list)
    sender_name: str | None = None
    sender_email: str | None = None
    consent_text: str | None = None
    media_contact: str | None = None
    language: str = "en"
    external_id: str | None = None
    topics: list[str] = field(default_factory=list)
    short_body: str | None = None
    targets: list[TargetSpec] = field(default_factory=list)
    signatories: list[SignatorySpec] = field(default_factory=list)
    partners: list[PartnerSpec] = field(default_factory=list)
    # Reading copies per language (offices always get `body`): see docs/campaign-files.md.
    translations: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Story prompts per variant and language: see webapp/campaigns/prompts.py.
    prompts: Prompts = field(default_factory=dict)


def split_front_matter(text: str, origin: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER_RE.match(text.lstrip("\ufeff"))
    if not match:
        raise CampaignFileError(origin, [Problem("", Kind.NO_FRONT_MATTER)])
    try:
        meta = safe_yaml.load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        text = f"front matter is not valid YAML: {exc}"  # the parser's words, on the command line
        raise CampaignFileError(origin, [Problem("", Kind.BAD_YAML, text)]) from exc
    if not isinstance(meta, dict):
        raise CampaignFileError(origin, [Problem("", Kind.FRONT_NOT_MAPPING)])
    return meta, match.group(2).strip("\n") + "\n"


def parse_campaign_file(text: str, origin: str = "campaign file") -> CampaignFile:
    """Parse and check a campaign file; raise CampaignFileError listing every problem."""
    meta, body = split_front_matter(text, origin)
    problems: list[Problem] = []
    r = FieldReader(meta, "", problems)
    slug = r.text("slug", 80, required=True) or ""
    if slug and not SLUG_RE.match(slug):
        problems.append(Problem("slug", Kind.SLUG))
    status_raw = r.text("status", 16) or CampaignStatus.LIVE.value
    if status_raw not in {s.value for s in CampaignStatus}:
        problems.append(Problem("status", Kind.STATUS, value=repr(status_raw)))
        status_raw = CampaignStatus.DRAFT.value
    body_editable = r.flag("body_editable", False)
    try:
        check_template(body)
    except MergeFieldError as exc:
        problems.append(exc.at("body"))
    if not body.strip():
        problems.append(Problem("body", Kind.EMPTY_LETTER))
    # Without the newline split_front_matter ends it with: the letter as typed is measured.
    elif (length := len(body.rstrip("\n"))) > BODY_LIMIT:
        problems.append(Problem("body", Kind.TOO_LONG, length=length, limit=BODY_LIMIT))
    if body_editable and has_merge_fields(body):
        problems.append(
            Problem("body", Kind.EDITABLE_MERGE, field="body_editable", other_field="salutation")
        )
    short_body = r.template("short_body", SHORT_BODY_LIMIT)
    if has_merge_fields(str(meta.get("title") or "")):
        # It heads pages, emails and share links, none of them merged: it would show raw.
        problems.append(Problem("title", Kind.NOT_MERGED))
    if short_body and has_merge_fields(short_body):
        problems.append(Problem("short_body", Kind.SHORT_BODY_MERGE))
    goal = meta.get("goal")
    if goal is not None and (not isinstance(goal, int) or isinstance(goal, bool) or goal < 1):
        problems.append(Problem("goal", Kind.GOAL))
        goal = None
    language = r.text("language", 16) or "en"
    campaign = CampaignFile(
        slug=slug,
        title=r.text("title", 300, required=True) or "",
        subject=r.template("subject", 300, required=True) or "",
        salutation=r.template("salutation", 200, required=True) or "",
        body=body,
        closing=r.template("closing", 200) or "Sincerely,",
        body_editable=body_editable,
        status=CampaignStatus(status_raw),
        goal=goal,
        post_daily_limit=_count(meta, "post_daily_limit", problems),
        post_total_limit=_count(meta, "post_total_limit", problems),
        starts_at=r.moment("starts_at"),
        ends_at=r.moment("ends_at"),
        require_confirmation=r.flag("require_confirmation", False),
        allowed_origins=parse_origins(meta.get("allowed_origins"), problems),
        sender_name=r.text("sender_name", 200),
        sender_email=r.email("sender_email"),
        consent_text=r.text("consent_text", 500),
        media_contact=r.text("media_contact", 500),
        language=language,
        external_id=r.text("external_id", 32),
        topics=parse_topics(meta.get("topics"), problems),
        short_body=short_body,
        targets=parse_targets(meta.get("targets"), problems, language),
        signatories=parse_signatories(meta.get("signatories"), problems),
        partners=parse_partners(meta.get("partners"), problems),
    )
    campaign.translations = parse_campaign_translations(
        meta.get("translations"),
        language,
        {s.name for s in campaign.signatories},
        frozenset(p.code for p in campaign.partners),
        problems,
    )
    _check_consent_translations(campaign, problems)
    _check_fixed_greetings(campaign, problems)
    campaign.prompts = parse_prompts(meta.get("prompts"), language, problems)
    if campaign.starts_at and campaign.ends_at and campaign.ends_at <= campaign.starts_at:
        problems.append(Problem("ends_at", Kind.AFTER, field="starts_at"))
    if problems:
        raise CampaignFileError(origin, problems)
    return campaign


def _count(meta: dict[str, Any], key: str, problems: list[Problem]) -> int | None:
    value = meta.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        problems.append(Problem(key, Kind.CAP))
        return None
    return value


# A fixed office has a name and an office, never a member's title or last name.
_MEMBERS_ONLY = frozenset({"title", "last_name"})


def _check_fixed_greetings(campaign: CampaignFile, problems: list[Problem]) -> None:
    """A fixed office with no salutation of its own is greeted by the campaign's: one written
    for members ("Dear {{ target.title }} {{ target.last_name }},") opened its letters to the
    State Department's envoy with "Dear  ,", as the editor's preview showed and no check said."""
    fields = bare_fields(campaign.salutation, "target", _MEMBERS_ONLY)
    if not fields:
        return
    for index, target in enumerate(campaign.targets, start=1):
        if target.kind is TargetKind.CUSTOM and not target.salutation:
            where = f"targets[{index}].salutation"
            problems.append(Problem(where, Kind.FIXED_GREETING, fields=tuple(fields)))


def _check_consent_translations(campaign: CampaignFile, problems: list[Problem]) -> None:
    """A translated consent sentence needs the sentence itself: without it there is no box."""
    consenting = {p.code for p in campaign.partners if p.consent_text}
    for language, copy in campaign.translations.items():
        if copy.get("consent_text") and not campaign.consent_text:
            problems.append(Problem(f"translations.{language}.consent_text", Kind.NO_CONSENT))
        for code in copy.get("partners", {}):
            if code not in consenting:
                where = f"translations.{language}.partners"
                problems.append(Problem(where, Kind.PARTNER_NO_CONSENT, code=repr(code)))
