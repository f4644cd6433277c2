"""Between the editor form and a campaign file: fill the form, build the file text."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import yaml
from flask_babel import gettext as _

from webapp.campaigns.problems import figure
from webapp.dashboard.editor_forms import (
    LETTER_FIELDS,
    LETTER_PARTS,
    LOOKUP_FIELDS,
    CampaignForm,
)
from webapp.dashboard.editor_problems import SummaryItem, add_error
from webapp.dashboard.editor_prompts import prompts_from_text, prompts_text
from webapp.dashboard.editor_reading import (
    campaign_translations,
    fill_reading,
    target_reading,
    target_translations,
)
from webapp.database import DB_INT_MAX
from webapp.models import Audience, Campaign, Chamber, Target, TargetKind
from webapp.services.recipients import lookup_targets

# A fixed office's reading copy in the editor: its Arabic name, office and cover.
ROW_READING_KEYS = ("name", "office", "cover")
TARGET_FIELDS = ("name", "office", "address", "contact_url", "email", "salutation", "cover", "body")
# Dashboard URLs that a campaign slug would shadow (/dashboard/campaigns/new, .../import).
RESERVED_SLUGS = frozenset({"new", "import"})


@dataclass
class Draft:
    """The campaign file built from the form, and where each listed item came from."""

    text: str
    # targets[i] of the file -> ("row", form row) or ("lookup", its first chamber's index)
    targets: list[tuple[str, int]] = field(default_factory=list)
    signatory_lines: list[int] = field(default_factory=list)
    partner_rows: list[int] = field(default_factory=list)
    general: list[SummaryItem] = field(default_factory=list)


def _local(moment: datetime | None) -> str:
    if moment is None:
        return ""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S" if moment.second else "%Y-%m-%dT%H:%M")


def _signatory_line(name: str, member_of: str | None, url: str | None) -> str:
    parts = [name, member_of or "", url or ""]
    while parts[-1] == "":
        parts.pop()
    return " | ".join(parts)


def fill_form(form: CampaignForm, campaign: Campaign) -> None:
    """Show a stored campaign in the form (GET of the edit page)."""
    for name in ("slug", "title", "subject", "salutation", "closing", "body", "sender_name"):
        form[name].data = getattr(campaign, name)
    for name in ("sender_email", "consent_text", "media_contact"):
        form[name].data = getattr(campaign, name) or ""
    form.body_editable.data = "editable" if campaign.body_editable else "locked"
    form.status.data = campaign.status.value
    form.goal.data = str(campaign.goal) if campaign.goal else ""
    form.starts_at.data = _local(campaign.starts_at)
    form.ends_at.data = _local(campaign.ends_at)
    form.require_confirmation.data = campaign.require_confirmation
    form.allowed_origins.data = "\n".join(campaign.allowed_origins)
    form.topics.data = list(campaign.topics)
    for target in campaign.targets:
        if target.kind is TargetKind.CUSTOM:
            row = {k: getattr(target, k) or "" for k in TARGET_FIELDS}
            reading = target_reading(target)
            for key in ROW_READING_KEYS:
                row[f"reading_{key}"] = reading.get(key) or ""
            row["post"] = "batched" if target.post_batched else "per_letter" if target.post else ""
            form.targets.append_entry({**row, "audience": target.audience.value})
    lookups = [t for t in campaign.targets if t.kind is TargetKind.LOOKUP]
    by_chamber = lookup_targets(campaign)
    for chamber, name in LOOKUP_FIELDS.items():
        form[name].data = chamber.value in by_chamber
        if chamber.value in by_chamber:
            letter = form[LETTER_FIELDS[chamber]].form
            for part in LETTER_PARTS:
                letter[part].data = getattr(by_chamber[chamber.value], part) or ""
            letter.reading_cover.data = target_reading(by_chamber[chamber.value]).get("cover")
    form.lookup_optional.data = any(t.optional for t in lookups)
    form.signatories.data = "\n".join(
        _signatory_line(s.name, s.member_of, s.url) for s in campaign.signatories
    )
    form.prompts.data = prompts_text(campaign.prompts, campaign.language)
    for partner in campaign.partners:
        form.partners.append_entry(
            {"code": partner.code, "name": partner.name, "consent_text": partner.consent_text or ""}
        )
    fill_reading(form, campaign)  # after the partner rows: it fills their Arabic wording


def _row_values(row: Any) -> dict[str, str]:
    return {name: sub.data for name, sub in row.form._fields.items() if sub.data}


def build_draft(form: CampaignForm, campaign: Campaign | None) -> Draft:
    """The campaign file text for the form's values; nothing is checked here but the line shape."""
    draft = Draft(text="")
    goal = (form.goal.data or "").strip()
    meta: dict[str, Any] = {
        "slug": campaign.slug if campaign else form.slug.data,
        "external_id": campaign.external_id if campaign else None,
        "language": campaign.language if campaign else None,
        "title": form.title.data,
        "subject": form.subject.data,
        "salutation": form.salutation.data,
        "closing": form.closing.data,
        "body_editable": form.body_editable.data == "editable",
        "status": form.status.data,
        "goal": _goal(goal),
        "starts_at": form.starts_at.data,
        "ends_at": form.ends_at.data,
        "require_confirmation": bool(form.require_confirmation.data),
        "allowed_origins": (form.allowed_origins.data or "").split(),
        "topics": list(form.topics.data or []),
        "sender_name": form.sender_name.data,
        "sender_email": form.sender_email.data,
        "consent_text": form.consent_text.data,
        "media_contact": form.media_contact.data,
        # Kept as the campaign file set them: the editor has no field for these yet.
        "short_body": campaign.short_body if campaign else None,
        "post_daily_limit": campaign.post_daily_limit if campaign else None,
        "post_total_limit": campaign.post_total_limit if campaign else None,
    }
    stored = (
        {t.name: t for t in campaign.targets if t.kind is TargetKind.CUSTOM} if campaign else {}
    )
    targets: list[dict[str, Any]] = []
    for index, row in enumerate(form.targets):
        if not row.form.is_empty():
            values = _row_values(row)
            target = stored.get(values.get("name"))
            texts = {key: values.pop(f"reading_{key}", None) for key in ROW_READING_KEYS}
            reading = target_translations(target, texts)
            limit = target.form_limit if target else None
            targets.append(
                {
                    "kind": TargetKind.CUSTOM.value,
                    **values,
                    **({"form_limit": limit} if limit else {}),
                    **({"translations": reading} if reading else {}),
                }
            )
            draft.targets.append(("row", index))
    for chambers, letter in _lookup_groups(form, campaign):
        targets.append(
            {
                "kind": TargetKind.LOOKUP.value,
                "chambers": _stored_order(campaign, chambers),
                "optional": bool(form.lookup_optional.data),
                **letter,
            }
        )
        draft.targets.append(("lookup", list(Chamber).index(Chamber(chambers[0]))))
    meta["targets"] = targets
    meta["signatories"] = _signatories(form, draft)
    partners: list[dict[str, str]] = []
    for index, row in enumerate(form.partners):
        if not row.form.is_empty():
            # The Arabic wording and name go into the file's translations (campaign_translations).
            partners.append(
                {k: v for k, v in _row_values(row).items() if not k.startswith("reading_")}
            )
            draft.partner_rows.append(index)
    meta["partners"] = partners
    meta["translations"] = campaign_translations(form, campaign)
    meta["prompts"] = prompts_from_text(form.prompts.data, campaign.language if campaign else "en")
    meta = {k: v for k, v in meta.items() if v not in (None, "", [], {})}
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100)
    draft.text = f"---\n{front}---\n{form.body.data or ''}\n"
    return draft


def _lookup_groups(
    form: CampaignForm, campaign: Campaign | None
) -> list[tuple[list[str], dict[str, Any]]]:
    """The ticked chambers grouped into lookup rules: one rule per distinct letter.

    A chamber keeps the audience its stored rule had (the editor does not show it, since a
    lookup finds the supporter's own representatives).
    """
    stored: dict[str, Target] = lookup_targets(campaign) if campaign else {}
    groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
    targets: dict[tuple[tuple[str, str], ...], Target | None] = {}
    for chamber in form.lookup_chambers():
        letter_form = form[LETTER_FIELDS[chamber]].form
        letter = letter_form.parts()
        target = stored.get(chamber.value)
        if target is not None and target.audience is not Audience.CONSTITUENTS:
            letter["audience"] = target.audience.value
        if letter_form.reading_cover.data:
            letter["reading_cover"] = letter_form.reading_cover.data
        key = tuple(letter.items())
        groups.setdefault(key, []).append(chamber.value)
        targets.setdefault(key, target)
    result = []
    for key, chambers in groups.items():
        letter = dict(key)
        reading = target_translations(targets[key], {"cover": letter.pop("reading_cover", None)})
        result.append((chambers, {**letter, **({"translations": reading} if reading else {})}))
    return result


def _goal(text: str) -> int | str:
    """The goal as the file check needs it; a number too long to store is capped, not parsed."""
    # Text that is not a number goes through as text, so the file check reports it.
    if not (text.isascii() and text.isdigit()):
        return text
    digits = text.lstrip("0") or "0"
    return int(digits) if len(digits) <= 10 else DB_INT_MAX + 1


def _stored_order(campaign: Campaign | None, chambers: list[str]) -> list[str]:
    # Lookup rules are matched by their chambers in order; keep the stored order so the rule
    # (and the deliveries pointing at it) keeps its id when the same boxes stay ticked.
    for target in campaign.targets if campaign else []:
        if target.kind is TargetKind.LOOKUP and set(target.chambers) == set(chambers):
            return list(target.chambers)
    return chambers


def _signatories(form: CampaignForm, draft: Draft) -> list[Any]:
    items: list[Any] = []
    for number, line in enumerate((form.signatories.data or "").split("\n"), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 3:
            add_error(
                form.signatories,
                _("Line %(number)s: write Name | Member of | Web address.", number=figure(number)),
            )
            continue
        parts += [""] * (3 - len(parts))
        item = {"name": parts[0], "member_of": parts[1], "url": parts[2]}
        items.append({k: v for k, v in item.items() if v} or {"name": ""})
        draft.signatory_lines.append(number)
    return items


def chamber_ticked(form: CampaignForm, chambers: tuple[Chamber, ...]) -> bool:
    return any(form[LOOKUP_FIELDS[c]].data for c in chambers)
