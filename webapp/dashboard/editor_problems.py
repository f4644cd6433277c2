"""Map campaign file problems back onto the editor form, and list every message for the summary."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from webapp.dashboard.editor_forms import (
    LETTER_FIELDS,
    LETTER_PARTS,
    READING_LANGUAGE,
    CampaignForm,
)
from webapp.dashboard.editor_reading import reading_problem
from webapp.i18n import isolate
from webapp.models import Chamber

if TYPE_CHECKING:
    from webapp.dashboard.editor_convert import Draft

_PROBLEM_RE = re.compile(
    r"^(?P<key>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>[a-z_]+))?: (?P<msg>.*)$", re.S
)
_UNLISTED_RE = re.compile(
    rf"^translations\.{READING_LANGUAGE}\.signatories: (?P<name>'.*'|\".*\") is not a listed"
    r" signatory$",
    re.S,
)
_TOP_LEVEL = frozenset(
    {
        "slug", "title", "subject", "salutation", "closing", "body", "body_editable", "status",
        "goal", "starts_at", "ends_at", "require_confirmation", "allowed_origins", "topics",
        "sender_name", "sender_email", "consent_text", "media_contact", "signatories",
    }
)  # fmt: skip


@dataclass(frozen=True)
class SummaryItem:
    """One line of the error summary: a message and the id of the control it is about."""

    anchor: str
    label: str
    message: str


def add_error(target: Any, message: str) -> None:
    # Fields that were never validated hold their errors in a tuple.
    target.errors = [*target.errors, message]


def _sentence(message: str) -> str:
    if message == "is required":  # the commonest problem, said as an instruction
        return str(_("Fill this in."))
    return message[:1].upper() + message[1:]


_KEY_RE = re.compile(r"\b(" + "|".join(sorted(_TOP_LEVEL)) + r")\b")


def _labelled(form: CampaignForm, message: str) -> str:
    """A file rule's message names other fields by their file key ("must be after starts_at"):
    in the editor they are named as their labels say ("must be after “Opens at”")."""

    def label(match: re.Match[str]) -> str:
        field = form._fields.get(match[1])
        if field is None:
            return match[0]
        return f"“{str(field.label.text).split(' (')[0]}”"

    return _KEY_RE.sub(label, message)


def _unlisted_signatory(problem: str) -> str | None:
    """The file check's refusal of an Arabic name given for an organisation no longer listed
    (renamed above, its Arabic line left as it was), in the page's language: the file check
    words it in English for the command line, and the editor showed that on Arabic pages."""
    match = _UNLISTED_RE.match(problem)
    if match is None:
        return None
    name = ast.literal_eval(match["name"])  # the check wrote it with repr()
    return str(
        _(
            "%(name)s is no longer a signatory organisation: write its Arabic name beside its"
            " new name, or remove its line.",
            name=isolate(name),
        )
    )


def apply_problems(form: CampaignForm, draft: Draft, problems: list[str]) -> None:
    """Put each CampaignFileError problem on the field it names; the rest go in `general`."""
    for problem in problems:
        if (unlisted := _unlisted_signatory(problem)) is not None:
            add_error(form.reading_signatories, unlisted)
            continue
        if reading_problem(form, draft.targets, problem):
            continue
        if problem.startswith("prompts"):
            add_error(form.prompts, problem)
            continue
        match = _PROBLEM_RE.match(problem)
        if match is None:
            draft.general.append(SummaryItem("campaign-form", "", _sentence(problem)))
            continue
        key, index, sub, msg = match["key"], match["index"], match["sub"], match["msg"]
        position = int(index) - 1 if index else None
        if key in _TOP_LEVEL and position is None:
            add_error(form[key], _sentence(_labelled(form, msg)))
        elif key == "signatories" and position is not None:
            line, problem = draft.signatory_lines[position], f"{sub} {msg}"
            add_error(
                form.signatories, _("Line %(number)d: %(problem)s", number=line, problem=problem)
            )
        elif key == "targets" and position is not None and draft.targets[position][0] == "row":
            row = form.targets[draft.targets[position][1]].form
            add_error(row[sub if sub in row._fields else "name"], _sentence(msg))
        elif key == "targets" and position is not None and sub in LETTER_PARTS:
            chamber = list(Chamber)[draft.targets[position][1]]
            add_error(form[LETTER_FIELDS[chamber]].form[sub], _sentence(msg))
        elif key == "partners" and position is not None:
            row = form.partners[draft.partner_rows[position]].form
            add_error(row[sub if sub in row._fields else "code"], _sentence(msg))
        elif key == "targets":
            draft.general.append(SummaryItem("targets-heading", _("Targets"), _sentence(msg)))
        elif key == "partners":
            draft.general.append(SummaryItem("partners-heading", _("Partners"), _sentence(msg)))
        else:
            draft.general.append(SummaryItem("campaign-form", key, _sentence(msg)))


def _row_name(field_list: str, number: int) -> str:
    """A row as its legend names it: "Partner 2", "Office 1"."""
    if field_list == "partners":
        return str(_("Partner %(number)s", number=number))
    return str(_("Office %(number)s", number=number))


def error_summary(form: CampaignForm, general: list[SummaryItem]) -> list[SummaryItem]:
    """Every message on the page, each linking to its control (rows included)."""
    items: list[SummaryItem] = []
    for f in form:
        if f.type == "CSRFTokenField":
            continue
        if f.type == "FieldList":
            for number, row in enumerate(f, start=1):
                for sub in row.form:
                    # "Partner 2, Partner code": which row, as its legend names it.
                    label = f"{_row_name(f.name, number)}, {sub.label.text}"
                    items += [SummaryItem(sub.id, label, e) for e in sub.errors]
        elif f.type == "FormField":
            for sub in f.form:
                label = f"{f.label.text}, {sub.label.text}"
                items += [SummaryItem(sub.id, label, e) for e in sub.errors]
        else:
            items += [SummaryItem(f.id, str(f.label.text), str(e)) for e in f.errors]
    return items + general
