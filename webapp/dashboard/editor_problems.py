"""Map campaign file problems back onto the editor form, and list every message for the summary."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from webapp.campaigns.problems import Kind, Problem, figure, isolated
from webapp.dashboard.audit_fields import field_label
from webapp.dashboard.editor_forms import (
    LETTER_FIELDS,
    LETTER_PARTS,
    READING_LANGUAGE,
    CampaignForm,
)
from webapp.dashboard.editor_reading import reading_problem
from webapp.i18n import isolate, quoted
from webapp.models import Chamber

if TYPE_CHECKING:
    from webapp.dashboard.editor_convert import Draft

_PROBLEM_RE = re.compile(
    r"^(?P<key>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<sub>[a-z_]+))?: (?P<msg>.*)$", re.S
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


def sentence(problem: Problem, form: CampaignForm | None = None) -> str:
    """A file check's problem in the page's language, as a sentence about its field; another
    field it names is named as its label says, quoted as the page's language quotes ("must be
    after “Opens at”", not "starts_at")."""
    if problem.kind is Kind.REQUIRED:  # the commonest problem, said as an instruction
        return str(_("Fill this in."))

    def label(key: str) -> str:
        field = form._fields.get(key) if form is not None else None
        return key if field is None else quoted(str(field.label.text).split(" (")[0])

    message = problem.said(label)
    return message[:1].upper() + message[1:]


def keyed(problem: Problem) -> str:
    """A problem with the file's key it is about ("targets[2].email: is required"), for a page
    that lists a file's problems apart from any field (the import page, the prompts box)."""
    return f"{isolated(problem.where)}: {problem.said()}" if problem.where else problem.said()


def prompt_problem(problem: Problem) -> str:
    """A problem of the prompts box about its lines as the organiser writes them: a variant as
    its heading line ("[family]"), a language as the prefix of its questions ("ar"), not as
    the campaign file's key ("prompts.family.ar"), which the box never shows."""
    if problem.where == "prompts":  # about the whole box ("at most 6 variants")
        return problem.said()
    rest = problem.where.removeprefix("prompts.")  # "" for an empty "[]"
    # A refused name is the whole rest (it may hold a dot); a valid one has none.
    name, _dot, code = (rest, "", "") if problem.kind is Kind.VARIANT_NAME else rest.partition(".")
    if problem.kind is Kind.LETTER_QUESTIONS:
        code = ""  # its lines have no prefix, and the message names the letter's language
    where = isolated(f"[{name}]")
    if code:
        where = _in_part(where, isolated(code))
    return f"{where}: {problem.said()}"


def labelled(problem: Problem) -> str:
    """A problem of the campaign as stored, for a page apart from the editor: a field of the
    campaign named in words ("salutation: line 1: …", "التحية: …"); a key inside a list or a
    translation as the campaign file writes it."""
    if not problem.where:
        return problem.said()
    name = field_label(problem.where) if problem.where in _TOP_LEVEL else problem.where
    return f"{isolated(name)}: {problem.said()}"


def _unlisted_signatory(problem: Problem) -> str | None:
    """The file check's refusal of an Arabic name given for an organisation no longer listed
    (renamed above, its Arabic line left as it was), worded for the editor's box."""
    if problem.kind is not Kind.SIGNATORY_UNLISTED or not problem.where.startswith(
        f"translations.{READING_LANGUAGE}."
    ):
        return None
    name = ast.literal_eval(str(problem.params["name"]))  # the check wrote it with repr()
    return str(
        _(
            "%(name)s is no longer a signatory organisation: write its Arabic name beside its"
            " new name, or remove its line.",
            name=isolate(name),
        )
    )


def apply_problems(form: CampaignForm, draft: Draft, problems: list[Problem]) -> None:
    """Put each CampaignFileError problem on the field it names, in the page's language; the
    rest go in `general`."""
    for problem in problems:
        if (unlisted := _unlisted_signatory(problem)) is not None:
            add_error(form.reading_signatories, unlisted)
            continue
        if reading_problem(form, draft.targets, problem, sentence(problem, form)):
            continue
        if problem.startswith("prompts"):
            add_error(form.prompts, prompt_problem(problem))
            continue
        match = _PROBLEM_RE.match(problem)
        said = sentence(problem, form)
        if match is None:
            draft.general.append(SummaryItem("campaign-form", "", said))
            continue
        key, index, sub = match["key"], match["index"], match["sub"]
        position = int(index) - 1 if index else None
        if key in _TOP_LEVEL and position is None:
            add_error(form[key], said)
        elif key == "signatories" and position is not None:
            line, about = draft.signatory_lines[position], f"{field_label(sub or 'name')}: {said}"
            add_error(
                form.signatories,
                _("Line %(number)s: %(problem)s", number=figure(line), problem=about),
            )
        elif key == "targets" and position is not None and draft.targets[position][0] == "row":
            row = form.targets[draft.targets[position][1]].form
            add_error(row[sub if sub in row._fields else "name"], said)
        elif key == "targets" and position is not None and sub in LETTER_PARTS:
            chamber = list(Chamber)[draft.targets[position][1]]
            add_error(form[LETTER_FIELDS[chamber]].form[sub], said)
        elif key == "partners" and position is not None:
            row = form.partners[draft.partner_rows[position]].form
            add_error(row[sub if sub in row._fields else "code"], said)
        elif key == "targets":
            draft.general.append(SummaryItem("targets-heading", _("Targets"), said))
        elif key == "partners":
            draft.general.append(SummaryItem("partners-heading", _("Partners"), said))
        else:
            draft.general.append(SummaryItem("campaign-form", field_label(key), said))


def _row_name(field_list: str, number: int) -> str:
    """A row as its legend names it: "Partner 2", "Office 1"."""
    if field_list == "partners":
        return str(_("Partner %(number)s", number=number))
    return str(_("Office %(number)s", number=number))


def _in_part(part: Any, field: Any) -> str:
    """A field of a row or a group, with the page language's comma ("المكتب 1، الاسم")."""
    return str(_("%(part)s, %(field)s", part=str(part), field=str(field)))


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
                    label = _in_part(_row_name(f.name, number), sub.label.text)
                    items += [SummaryItem(sub.id, label, e) for e in sub.errors]
        elif f.type == "FormField":
            for sub in f.form:
                label = _in_part(f.label.text, sub.label.text)
                items += [SummaryItem(sub.id, label, e) for e in sub.errors]
        else:
            items += [SummaryItem(f.id, str(f.label.text), str(e)) for e in f.errors]
    return items + general
