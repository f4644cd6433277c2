"""Campaign files: YAML front matter and a Markdown letter body, parsed and checked in full."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import yaml
from email_validator import EmailNotValidError, validate_email

from webapp.campaigns import safe_yaml
from webapp.campaigns.prompts import Prompts, parse_prompts
from webapp.campaigns.translations import parse_campaign_translations, parse_target_translations
from webapp.letters.merge import MergeFieldError, check_template, has_merge_fields
from webapp.models.campaign import (
    Audience,
    CampaignStatus,
    Chamber,
    TargetKind,
    default_audience,
)

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,79}$")
PARTNER_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
COVER_LIMIT = 2000
BODY_LIMIT = 20000
SHORT_BODY_LIMIT = 1500  # leaves room for the supporter's own words in a 2,000-character form
_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n?(.*)\Z", re.DOTALL)


class CampaignFileError(ValueError):
    """Every problem found in a campaign file, each naming its key."""

    def __init__(self, origin: str, problems: list[str]) -> None:
        self.origin = origin
        self.problems = problems
        super().__init__(f"{origin}: " + "; ".join(problems))


@dataclass
class TargetSpec:
    kind: TargetKind
    name: str | None = None
    office: str | None = None
    address: str | None = None
    contact_url: str | None = None
    email: str | None = None
    salutation: str | None = None
    chambers: list[str] = field(default_factory=list)
    optional: bool = False
    # None: the default for its kind (lookup: constituents, custom: everyone)
    audience: Audience | None = None
    cover: str | None = None
    body: str | None = None
    form_limit: int | None = None
    post: bool = False  # custom targets: letters go on paper when the postal service is set
    post_batched: bool = False  # ...in one mailing a day per office (`post: batched`)
    translations: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class SignatorySpec:
    name: str
    member_of: str | None = None
    url: str | None = None


@dataclass
class PartnerSpec:
    code: str
    name: str
    consent_text: str | None = None


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


class _Reader:
    """Pulls typed values out of a mapping, collecting every problem instead of stopping."""

    def __init__(self, data: dict[str, Any], where: str, problems: list[str]) -> None:
        self.data, self.where, self.problems = data, where, problems

    def _problem(self, key: str, message: str) -> None:
        self.problems.append(f"{self.where}{key}: {message}")

    def text(self, key: str, limit: int, required: bool = False) -> str | None:
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self._problem(key, "is required")
            return None
        if not isinstance(value, str | int | float):
            self._problem(key, "must be text")
            return None
        result = str(value).strip()
        if len(result) > limit:
            self._problem(key, f"is {len(result)} characters; the limit is {limit}")
        return result

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self._problem(key, "must be true or false")
            return default
        return value

    def url(self, key: str) -> str | None:
        value = self.text(key, 500)
        if value and urlsplit(value).scheme not in {"http", "https"}:
            self._problem(key, "must be an http(s) URL")
        return value

    def email(self, key: str) -> str | None:
        value = self.text(key, 254)
        if value:
            try:
                validate_email(value, check_deliverability=False)
            except EmailNotValidError as exc:
                self._problem(key, str(exc))
        return value

    def template(self, key: str, limit: int, required: bool = False) -> str | None:
        value = self.text(key, limit, required)
        if value:
            try:
                check_template(value)
            except MergeFieldError as exc:
                self._problem(key, str(exc))
        return value

    def moment(self, key: str) -> datetime | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                self._problem(key, "must be an ISO date or date-time, e.g. 2026-12-01T09:00:00Z")
                return None
        if not isinstance(value, datetime):
            if hasattr(value, "isoformat"):  # a bare YAML date
                return datetime.fromisoformat(value.isoformat()).replace(tzinfo=UTC)
            self._problem(key, "must be a date")
            return None
        return value if value.tzinfo else value.replace(tzinfo=UTC)


def split_front_matter(text: str, origin: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER_RE.match(text.lstrip("\ufeff"))
    if not match:
        raise CampaignFileError(origin, ["the file must start with '---', YAML, then '---'"])
    try:
        meta = safe_yaml.load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CampaignFileError(origin, [f"front matter is not valid YAML: {exc}"]) from exc
    if not isinstance(meta, dict):
        raise CampaignFileError(origin, ["front matter must be a mapping of keys to values"])
    return meta, match.group(2).strip("\n") + "\n"


def parse_campaign_file(text: str, origin: str = "campaign file") -> CampaignFile:
    """Parse and check a campaign file; raise CampaignFileError listing every problem."""
    meta, body = split_front_matter(text, origin)
    problems: list[str] = []
    r = _Reader(meta, "", problems)
    slug = r.text("slug", 80, required=True) or ""
    if slug and not SLUG_RE.match(slug):
        problems.append("slug: use 2-80 lower-case letters, digits and hyphens")
    status_raw = r.text("status", 16) or CampaignStatus.LIVE.value
    if status_raw not in {s.value for s in CampaignStatus}:
        problems.append(f"status: must be one of draft, live, closed, not {status_raw!r}")
        status_raw = CampaignStatus.DRAFT.value
    body_editable = r.flag("body_editable", False)
    try:
        check_template(body)
    except MergeFieldError as exc:
        problems.append(f"body: {exc}")
    if not body.strip():
        problems.append("body: the letter is empty")
    elif len(body) > 20000:
        problems.append(f"body: is {len(body)} characters; the limit is 20000")
    if body_editable and has_merge_fields(body):
        problems.append(
            "body: an editable letter cannot contain merge fields (supporters would see them); "
            "lock the body or move merge fields to the salutation"
        )
    short_body = r.template("short_body", SHORT_BODY_LIMIT)
    if short_body and has_merge_fields(short_body):
        problems.append("short_body: cannot contain merge fields (it is pasted as it is)")
    goal = meta.get("goal")
    if goal is not None and (not isinstance(goal, int) or isinstance(goal, bool) or goal < 1):
        problems.append("goal: must be a whole number above zero")
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
        allowed_origins=_origins(meta.get("allowed_origins"), problems),
        sender_name=r.text("sender_name", 200),
        sender_email=r.email("sender_email"),
        consent_text=r.text("consent_text", 500),
        media_contact=r.text("media_contact", 500),
        language=language,
        external_id=r.text("external_id", 32),
        topics=_topics(meta.get("topics"), problems),
        short_body=short_body,
        targets=_targets(meta.get("targets"), problems, language),
        signatories=_signatories(meta.get("signatories"), problems),
        partners=_partners(meta.get("partners"), problems),
    )
    campaign.translations = parse_campaign_translations(
        meta.get("translations"), language, {s.name for s in campaign.signatories}, problems
    )
    campaign.prompts = parse_prompts(meta.get("prompts"), language, problems)
    if campaign.starts_at and campaign.ends_at and campaign.ends_at <= campaign.starts_at:
        problems.append("ends_at: must be after starts_at")
    if problems:
        raise CampaignFileError(origin, problems)
    return campaign


def _items(value: Any, key: str, problems: list[str]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(f"{key}: must be a list")
        return []
    return value


def _targets(value: Any, problems: list[str], language: str = "en") -> list[TargetSpec]:
    items = _items(value, "targets", problems)
    if not items:
        problems.append("targets: list at least one target")
    chamber_values = {c.value for c in Chamber}
    specs: list[TargetSpec] = []
    for index, item in enumerate(items, start=1):
        where = f"targets[{index}]."
        if not isinstance(item, dict):
            problems.append(f"{where[:-1]}: must be a mapping")
            continue
        r = _Reader(item, where, problems)
        kind = item.get("kind")
        if kind == TargetKind.CUSTOM.value:
            specs.append(
                TargetSpec(
                    kind=TargetKind.CUSTOM,
                    name=r.text("name", 200, required=True),
                    office=r.text("office", 200),
                    address=r.text("address", 500),
                    contact_url=r.url("contact_url"),
                    email=r.email("email"),
                    **_post(r),
                    **_own_letter(r, TargetKind.CUSTOM, language),
                )
            )
        elif kind == TargetKind.LOOKUP.value:
            chambers = item.get("chambers")
            if not isinstance(chambers, list) or not chambers:
                problems.append(f"{where}chambers: list one or more of {sorted(chamber_values)}")
                chambers = []
            unknown = [c for c in chambers if c not in chamber_values]
            if unknown:
                problems.append(f"{where}chambers: unknown chamber(s) {unknown}")
            specs.append(
                TargetSpec(
                    kind=TargetKind.LOOKUP,
                    chambers=[c for c in chambers if c in chamber_values],
                    optional=r.flag("optional", False),
                    **_own_letter(r, TargetKind.LOOKUP, language),
                )
            )
        else:
            problems.append(f"{where}kind: must be 'custom' or 'lookup', not {kind!r}")
    return specs


def _own_letter(r: _Reader, kind: TargetKind, language: str) -> dict[str, Any]:
    """Who may write to the target and its own letter: keys every kind of target accepts."""
    audience_raw = r.text("audience", 32) or default_audience(kind).value
    if audience_raw not in {a.value for a in Audience}:
        r.problems.append(
            f"{r.where}audience: must be constituents or everyone, not {audience_raw!r}"
        )
        audience_raw = default_audience(kind).value
    return {
        "audience": Audience(audience_raw),
        "salutation": r.template("salutation", 200),
        "cover": r.template("cover", COVER_LIMIT),
        "body": r.template("body", BODY_LIMIT),
        "form_limit": _form_limit(r),
        "translations": parse_target_translations(
            r.data.get("translations"), r.where, language, r.problems
        ),
    }


POST_CHOICES = {True: (True, False), False: (False, False), "per_letter": (True, False)}
POST_CHOICES |= {"batched": (True, True)}


def _post(r: _Reader) -> dict[str, Any]:
    """`post: true` (or `per_letter`): one mailing per letter; `post: batched`: one a day."""
    value = r.data.get("post", False)
    choice = POST_CHOICES.get(value) if isinstance(value, bool | str) else None
    if choice is None:
        r.problems.append(f"{r.where}post: must be true, false, per_letter or batched")
        choice = (False, False)
    return {"post": choice[0], "post_batched": choice[1]}


def _count(meta: dict[str, Any], key: str, problems: list[str]) -> int | None:
    value = meta.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        problems.append(f"{key}: must be a whole number of letters (0: no cap)")
        return None
    return value


def _form_limit(r: _Reader) -> int | None:
    value = r.data.get("form_limit")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 100_000:
        r.problems.append(f"{r.where}form_limit: must be a whole number of characters (100+)")
        return None
    return value


def _signatories(value: Any, problems: list[str]) -> list[SignatorySpec]:
    specs: list[SignatorySpec] = []
    for index, item in enumerate(_items(value, "signatories", problems), start=1):
        where = f"signatories[{index}]."
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            problems.append(f"{where[:-1]}: must be a name or a mapping with a name")
            continue
        r = _Reader(item, where, problems)
        specs.append(
            SignatorySpec(
                name=r.text("name", 200, required=True) or "",
                member_of=r.text("member_of", 200),
                url=r.url("url"),
            )
        )
    names = {s.name for s in specs}
    for spec in specs:
        if spec.member_of and spec.member_of not in names:
            problems.append(
                f"signatories: {spec.name!r} is a member of {spec.member_of!r}, "
                "which is not itself listed"
            )
    if len(names) != len(specs):
        problems.append("signatories: a name is listed twice")
    return specs


def _partners(value: Any, problems: list[str]) -> list[PartnerSpec]:
    specs: list[PartnerSpec] = []
    for index, item in enumerate(_items(value, "partners", problems), start=1):
        where = f"partners[{index}]."
        if not isinstance(item, dict):
            problems.append(f"{where[:-1]}: must be a mapping with code and name")
            continue
        r = _Reader(item, where, problems)
        code = r.text("code", 64, required=True) or ""
        if code and not PARTNER_CODE_RE.match(code):
            problems.append(f"{where}code: letters, digits, '-' and '_' only")
        specs.append(
            PartnerSpec(
                code=code,
                name=r.text("name", 200, required=True) or "",
                consent_text=r.text("consent_text", 500),
            )
        )
    if len({p.code for p in specs}) != len(specs):
        problems.append("partners: a code is listed twice")
    return specs


def _topics(value: Any, problems: list[str]) -> list[str]:
    from webapp.delivery.topics import LOC_TOPICS

    topics = [str(t) for t in _items(value, "topics", problems)]
    for topic in topics:
        if topic not in LOC_TOPICS:
            problems.append(
                f"topics: {topic!r} is not a Library of Congress policy area "
                "(see docs/campaign-files.md)"
            )
    return [t for t in topics if t in LOC_TOPICS]


def _origins(value: Any, problems: list[str]) -> list[str]:
    origins: list[str] = []
    for item in _items(value, "allowed_origins", problems):
        parts = urlsplit(str(item))
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            problems.append(f"allowed_origins: {item!r} is not an origin like https://example.org")
            continue
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return origins
