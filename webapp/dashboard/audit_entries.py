"""A campaign's audit log as organisers read it: lists as lists, values as text, letters by
where the dashboard shows them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.dashboard.audit_fields import field_label, field_value, table_key
from webapp.dashboard.audit_labels import action_label
from webapp.dashboard.data import held_shown, recent_personal
from webapp.dashboard.held_reasons import reason_text
from webapp.delivery.office_latest import key_table
from webapp.models import AuditEntry, Delivery, Organiser, Submission

ENTRIES_SHOWN = 500
# A campaign edit keeps these fields' lists and tables as JSON text (campaign_changes.snapshot)
# and its dates as ISO text; any other field's text is text, however it looks.
STRUCTURED = frozenset(
    ("targets", "translations", "prompts", "signatories", "partners", "topics", "allowed_origins")
)
MOMENTS = frozenset(("starts_at", "ends_at"))
# Deeper lists and tables are shown as their JSON text: a campaign's own are shallower, and
# the page (and the template's recursive macro) must not follow a value down hundreds of levels.
MAX_DEPTH = 6
_ISO_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$")


@dataclass(frozen=True)
class LetterRef:
    """A letter an entry names: its number, and where the dashboard lists it (an anchor on
    the campaign's page), if it does."""

    number: int
    anchor: str | None = None
    deleted: bool = False


@dataclass(frozen=True)
class Shown:
    """One value as the page shows it: text, a moment, a letter, a list or named fields."""

    kind: str  # "text", "moment", "letter", "list" or "fields"
    text: str = ""
    moment: datetime | None = None
    letter: LetterRef | None = None
    items: tuple[Shown, ...] = ()
    fields: tuple[tuple[str, Shown], ...] = ()


@dataclass(frozen=True)
class Detail:
    label: str
    value: Shown | None = None
    change: tuple[Shown, Shown] | None = None  # a campaign edit: (before, after)


@dataclass(frozen=True)
class ShownEntry:
    entry: AuditEntry
    who: str
    what: str  # the action in words
    details: list[Detail] = field(default_factory=list)


def audit_page(session: Session, campaign_id: int) -> list[ShownEntry]:
    """The campaign's latest audit entries, newest first, each ready to show."""
    entries = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.campaign_id == campaign_id)
            .order_by(AuditEntry.id.desc())
            .limit(ENTRIES_SHOWN)
        )
    )
    ids = {e.organiser_id for e in entries if e.organiser_id}
    rows = session.execute(select(Organiser.id, Organiser.email).where(Organiser.id.in_(ids)))
    who = {organiser: email for organiser, email in rows}
    letters = _letters(session, campaign_id, entries)
    offices = _offices(session, campaign_id, entries)
    return [
        ShownEntry(
            entry=e,
            who=who.get(e.organiser_id, "—") if e.organiser_id else "—",
            what=action_label(e.action),
            details=[
                _detail(e, key, value, letters, offices) for key, value in sorted(e.details.items())
            ],
        )
        for e in entries
    ]


@dataclass(frozen=True)
class _Listed:
    """A letter of the campaign as it is now: when it was written, where the dashboard lists it."""

    created_at: datetime
    anchor: str | None


def _letters(session: Session, campaign_id: int, entries: list[AuditEntry]) -> dict[int, _Listed]:
    """Each letter the entries name that the campaign still has, with where the dashboard lists
    it now (the same lists the campaign's page draws), so the log names no one: the dashboard
    does."""
    numbers = {
        e.details["submission_id"]
        for e in entries
        if isinstance(e.details.get("submission_id"), int)
    }
    if not numbers:
        return {}
    found = session.execute(
        select(Submission.id, Submission.created_at).where(
            Submission.id.in_(numbers), Submission.campaign_id == campaign_id
        )
    )
    personal = set(session.scalars(recent_personal(campaign_id).with_only_columns(Submission.id)))
    held = set(session.scalars(held_shown(campaign_id).with_only_columns(Submission.id)))
    listed = {}
    for number, created_at in found:
        anchor = None
        if number in held:  # waiting to be released or declined: the place to act on it
            anchor = f"held-{number}"
        elif number in personal:
            anchor = f"personal-{number}"
        listed[number] = _Listed(created_at, anchor)
    return listed


def _offices(session: Session, campaign_id: int, entries: list[AuditEntry]) -> dict[str, str]:
    """The name each office the entries name (a packet delivered, letters tried again) went by
    on one of its letters: the log keeps its key ("target:3", "official:S000148"), which tells
    an organiser nothing. An office whose letters are all erased keeps its key."""
    keys = sorted(
        {e.details["office"] for e in entries if isinstance(e.details.get("office"), str)}
    )
    if not keys:
        return {}
    office = key_table(session, keys).table_valued("value").alias("office")
    name = (
        select(Delivery.recipient_name)
        .where(Delivery.campaign_id == campaign_id, Delivery.recipient_key == office.c.value)
        .limit(1)
        .scalar_subquery()
    )
    return {key: found for key, found in session.execute(select(office.c.value, name)) if found}


def _letter(number: int, entry: AuditEntry, letters: dict[int, _Listed]) -> LetterRef:
    """The letter an entry names. A letter written after the entry is another one: SQLite can
    give an erased letter's id to the next, whose writer the entry must not point at."""
    now = letters.get(number)
    if now is None or now.created_at > entry.created_at:
        return LetterRef(number, deleted=True)
    return LetterRef(number, now.anchor)


def _detail(
    entry: AuditEntry, key: str, value: Any, letters: dict[int, _Listed], offices: dict[str, str]
) -> Detail:
    label = field_label(key)
    if key == "submission_id" and isinstance(value, int):
        return Detail(label, Shown("letter", letter=_letter(value, entry, letters)))
    if key == "office" and isinstance(value, str):
        return Detail(label, Shown("text", offices.get(value, value)))
    if entry.action.startswith("campaign.") and isinstance(value, list) and len(value) == 2:
        return Detail(label, change=(_edited(key, value[0]), _edited(key, value[1])))
    if key == "reasons" and isinstance(value, list) and value:
        # The risk checks' reasons as they are stored, in English: worded as the held
        # letter's line words them (one this version does not know, as stored).
        worded = (reason_text(str(r)) or str(r) for r in value)
        return Detail(label, Shown("list", items=tuple(Shown("text", w) for w in worded)))
    return Detail(label, shown(value))


def _edited(key: str, value: Any) -> Shown:
    """A campaign edit's value: a structured field's JSON text as lists and tables (a cut one
    stays text), a date as a moment, anything else as it is."""
    if isinstance(value, str) and key in STRUCTURED:
        try:
            return shown(json.loads(value), key=key)
        except (ValueError, RecursionError):
            pass
    if isinstance(value, str) and key in MOMENTS and _ISO_RE.match(value):
        return Shown("moment", moment=datetime.fromisoformat(value))
    return shown(value, key=key)


def shown(value: Any, depth: int = 0, key: str | None = None, listed: bool = False) -> Shown:
    """`value` as an organiser reads it: lists and tables below MAX_DEPTH as their JSON text;
    a campaign edit's value of the field `key` (inside an office too) in words (field_value);
    a table's keys as table_key says them (`listed`: an item of a list)."""
    if value is None:
        return Shown("text", "—")
    if isinstance(value, bool):
        return Shown("text", _("yes") if value else _("no"))
    if isinstance(value, list | tuple | dict) and not value:
        return Shown("text", _("none"))
    if isinstance(value, list | tuple | dict) and depth >= MAX_DEPTH:
        return Shown("text", json.dumps(value, ensure_ascii=False, default=str))
    if isinstance(value, list | tuple):
        return Shown("list", items=tuple(shown(item, depth + 1, key, True) for item in value))
    if isinstance(value, dict):
        named = ((table_key(key, listed, str(k)), v) for k, v in value.items())
        fields = tuple((label, shown(v, depth + 1, inner)) for (label, inner), v in named)
        return Shown("fields", fields=fields)
    return Shown("text", str(value) if key is None else field_value(key, str(value)))
