"""Campaign file sections: targets, signatories, partners, topics and origins, each checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from webapp.campaigns.field_reader import FieldReader
from webapp.campaigns.problems import Kind, Problem
from webapp.campaigns.translations import FIXED_ONLY_KEYS, parse_target_translations
from webapp.models.campaign import Audience, Chamber, TargetKind, default_audience

PARTNER_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
COVER_LIMIT = 2000
BODY_LIMIT = 20000


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


def _items(value: Any, key: str, problems: list[Problem]) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(key, Kind.LIST))
        return []
    return value


def parse_targets(value: Any, problems: list[Problem], language: str = "en") -> list[TargetSpec]:
    items = _items(value, "targets", problems)
    if not items:
        problems.append(Problem("targets", Kind.NO_TARGET))
    chamber_values = {c.value for c in Chamber}
    specs: list[TargetSpec] = []
    for index, item in enumerate(items, start=1):
        where = f"targets[{index}]."
        if not isinstance(item, dict):
            problems.append(Problem(where[:-1], Kind.MAPPING))
            continue
        r = FieldReader(item, where, problems)
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
                choices = tuple(repr(c) for c in sorted(chamber_values))  # said as a list
                problems.append(Problem(f"{where}chambers", Kind.CHAMBERS, choices=choices))
                chambers = []
            unknown = [c for c in chambers if c not in chamber_values]
            if unknown:
                problems.append(
                    Problem(
                        f"{where}chambers",
                        Kind.UNKNOWN_CHAMBERS,
                        chambers=tuple(repr(c) for c in unknown),
                    )
                )
            specs.append(
                TargetSpec(
                    kind=TargetKind.LOOKUP,
                    chambers=[c for c in chambers if c in chamber_values],
                    optional=r.flag("optional", False),
                    **_own_letter(r, TargetKind.LOOKUP, language),
                )
            )
        else:
            problems.append(Problem(f"{where}kind", Kind.TARGET_KIND, value=repr(kind)))
    return specs


def _own_letter(r: FieldReader, kind: TargetKind, language: str) -> dict[str, Any]:
    """Who may write to the target and its own letter: keys every kind of target accepts."""
    audience_raw = r.text("audience", 32) or default_audience(kind).value
    if audience_raw not in {a.value for a in Audience}:
        r.problems.append(Problem(f"{r.where}audience", Kind.AUDIENCE, value=repr(audience_raw)))
        audience_raw = default_audience(kind).value
    translations = parse_target_translations(
        r.data.get("translations"), r.where, language, r.problems
    )
    if kind is TargetKind.LOOKUP:
        for code, copy in translations.items():
            for key in FIXED_ONLY_KEYS:
                if copy.pop(key, None) is not None:
                    where = f"{r.where}translations.{code}.{key}"
                    r.problems.append(Problem(where, Kind.FIXED_ONLY))
    return {
        "audience": Audience(audience_raw),
        "salutation": r.template("salutation", 200),
        "cover": r.template("cover", COVER_LIMIT),
        "body": r.template("body", BODY_LIMIT),
        "form_limit": _form_limit(r),
        "translations": {code: copy for code, copy in translations.items() if copy},
    }


POST_CHOICES = {True: (True, False), False: (False, False), "per_letter": (True, False)}
POST_CHOICES |= {"batched": (True, True)}


def _post(r: FieldReader) -> dict[str, Any]:
    """`post: true` (or `per_letter`): one mailing per letter; `post: batched`: one a day."""
    value = r.data.get("post", False)
    choice = POST_CHOICES.get(value) if isinstance(value, bool | str) else None
    if choice is None:
        r.problems.append(Problem(f"{r.where}post", Kind.POST))
        choice = (False, False)
    return {"post": choice[0], "post_batched": choice[1]}


def _form_limit(r: FieldReader) -> int | None:
    value = r.data.get("form_limit")
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 100 <= value <= 100_000:
        r.problems.append(Problem(f"{r.where}form_limit", Kind.FORM_LIMIT))
        return None
    return value


def parse_signatories(value: Any, problems: list[Problem]) -> list[SignatorySpec]:
    specs: list[SignatorySpec] = []
    for index, item in enumerate(_items(value, "signatories", problems), start=1):
        where = f"signatories[{index}]."
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            problems.append(Problem(where[:-1], Kind.SIGNATORY_ITEM))
            continue
        r = FieldReader(item, where, problems)
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
                Problem(
                    "signatories",
                    Kind.MEMBER_UNLISTED,
                    name=repr(spec.name),
                    member_of=repr(spec.member_of),
                )
            )
    if len(names) != len(specs):
        problems.append(Problem("signatories", Kind.NAME_TWICE))
    return specs


def parse_partners(value: Any, problems: list[Problem]) -> list[PartnerSpec]:
    specs: list[PartnerSpec] = []
    for index, item in enumerate(_items(value, "partners", problems), start=1):
        where = f"partners[{index}]."
        if not isinstance(item, dict):
            problems.append(Problem(where[:-1], Kind.PARTNER_ITEM))
            continue
        r = FieldReader(item, where, problems)
        code = r.text("code", 64, required=True) or ""
        if code and not PARTNER_CODE_RE.match(code):
            problems.append(Problem(f"{where}code", Kind.PARTNER_CODE))
        specs.append(
            PartnerSpec(
                code=code,
                name=r.text("name", 200, required=True) or "",
                consent_text=r.text("consent_text", 500),
            )
        )
    if len({p.code for p in specs}) != len(specs):
        problems.append(Problem("partners", Kind.CODE_TWICE))
    return specs


def parse_topics(value: Any, problems: list[Problem]) -> list[str]:
    from webapp.delivery.topics import LOC_TOPICS

    topics = [str(t) for t in _items(value, "topics", problems)]
    for topic in topics:
        if topic not in LOC_TOPICS:
            problems.append(Problem("topics", Kind.TOPIC, topic=repr(topic)))
    return [t for t in topics if t in LOC_TOPICS]


def parse_origins(value: Any, problems: list[Problem]) -> list[str]:
    origins: list[str] = []
    for item in _items(value, "allowed_origins", problems):
        parts = urlsplit(str(item))
        if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path not in {"", "/"}:
            problems.append(Problem("allowed_origins", Kind.ORIGIN, origin=repr(item)))
            continue
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return origins
