"""The editor's reading copy in Arabic: shown from a campaign, written into its campaign file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.problems import figure
from webapp.campaigns.translations import file_copy
from webapp.dashboard.editor_forms import LETTER_FIELDS, READING_LANGUAGE, CampaignForm
from webapp.i18n import isolate, language_name
from webapp.models import Campaign, Chamber, Target

# The campaign's reading-copy keys and the editor fields that hold them.
READING_FIELDS = {
    "title": "reading_title",
    "subject": "reading_subject",
    "intro": "reading_intro",
    "salutation": "reading_salutation",
    "body": "reading_body",
    "consent_text": "reading_consent",
    "signatories": "reading_signatories",
}
_PROBLEM_RE = re.compile(
    r"^(?:targets\[(?P<index>\d+)\]\.)?translations\.(?P<language>[^.:]+)"
    r"(?:\.(?P<key>[a-z_]+))?: (?P<msg>.*)$",
    re.S,
)


def target_reading(target: Target | None) -> dict[str, Any]:
    copy = (target.translations or {}).get(READING_LANGUAGE) if target is not None else None
    return dict(copy) if isinstance(copy, dict) else {}


def fill_reading(form: CampaignForm, campaign: Campaign) -> None:
    """Show the campaign's reading copy in the form (the targets' covers are filled with them)."""
    copy = (campaign.translations or {}).get(READING_LANGUAGE) or {}
    for key, name in READING_FIELDS.items():
        if key != "signatories":
            form[name].data = copy.get(key) or ""
    names: dict[str, str] = copy.get("signatories") or {}
    form.reading_signatories.data = "\n".join(f"{name} = {ar}" for name, ar in names.items())
    consents: dict[str, str] = copy.get("partners") or {}
    partner_names: dict[str, str] = copy.get("partner_names") or {}
    for row in form.partners:
        row.form.reading_consent.data = consents.get(row.form.code.data or "") or ""
        row.form.reading_name.data = partner_names.get(row.form.code.data or "") or ""


def campaign_translations(form: CampaignForm, campaign: Campaign | None) -> dict[str, Any]:
    """`translations` for the file: the form's Arabic, other languages as they were."""
    kept = {
        language: _still_consented(form, copy)
        for language, copy in ((campaign.translations if campaign else None) or {}).items()
        if language != READING_LANGUAGE
    }
    copy: dict[str, Any] = {
        key: form[name].data
        for key, name in READING_FIELDS.items()
        if key != "signatories" and form[name].data
    }
    names = _signatory_names(form)
    if names:
        copy["signatories"] = names
    partners = {
        row.form.code.data.strip(): _partner_copy(row.form)
        for row in form.partners
        if row.form.code.data and (row.form.reading_consent.data or row.form.reading_name.data)
    }
    if partners:
        copy["partners"] = partners
    return {**kept, READING_LANGUAGE: copy} if copy else kept


def _partner_copy(row: Any) -> str | dict[str, str]:
    """A partner row's Arabic as the file writes it: the consent sentence alone, as older
    files have it, or its name here with it."""
    if not row.reading_name.data:
        return str(row.reading_consent.data)
    consent = {"consent": row.reading_consent.data} if row.reading_consent.data else {}
    return {"name": row.reading_name.data, **consent}


def _still_consented(form: CampaignForm, copy: dict[str, Any]) -> dict[str, Any]:
    """Another language's copy, kept as the file had it but for consent sentences the form no
    longer has (cleared, or a partner's code changed): the editor cannot show that language, so
    a left-over wording would be a problem the organiser could not fix here."""
    copy = dict(copy)
    if not form.consent_text.data:
        copy.pop("consent_text", None)
    codes = {(r.form.code.data or "").strip() for r in form.partners if r.form.consent_text.data}
    partners = {code: text for code, text in (copy.get("partners") or {}).items() if code in codes}
    # A name stays with its partner's row, whatever its consent sentence.
    rows = {(r.form.code.data or "").strip() for r in form.partners}
    names = {c: n for c, n in (copy.get("partner_names") or {}).items() if c in rows}
    copy.pop("partners", None)
    copy.pop("partner_names", None)
    # As the file gives it: this copy goes back through the file checks.
    return file_copy({**copy, "partners": partners, "partner_names": names})


def _signatory_names(form: CampaignForm) -> dict[str, str]:
    names: dict[str, str] = {}
    for number, line in enumerate((form.reading_signatories.data or "").split("\n"), start=1):
        if not line.strip():
            continue
        name, sep, translated = line.partition("=")
        if not sep or not name.strip() or not translated.strip():
            message = _("Line %(number)s: write Name = name in Arabic.", number=figure(number))
            form.reading_signatories.errors = [*form.reading_signatories.errors, message]
            continue
        names[name.strip()] = translated.strip()
    return names


def target_translations(
    stored: Target | None, texts: Mapping[str, str | None]
) -> dict[str, Any] | None:
    """A target's `translations` for the file: the Arabic `texts` the form has fields for (an
    empty one removed), the rest of what the stored target had (other languages, an Arabic
    salutation or body)."""
    result = dict(stored.translations or {}) if stored is not None else {}
    copy = target_reading(stored)
    for key, text in texts.items():
        copy.pop(key, None)
        if text:
            copy[key] = text
    if copy:
        result[READING_LANGUAGE] = copy
    else:
        result.pop(READING_LANGUAGE, None)
    return result or None


def reading_problem(
    form: CampaignForm, targets: list[tuple[str, int]], problem: str, message: str
) -> bool:
    """Put a problem about a reading copy on its field, said as `message` (in the page's
    language); False when it is about something else."""
    match = _PROBLEM_RE.match(problem)
    if match is None or match["language"] != READING_LANGUAGE:
        return False
    if match["key"] == "partners":
        return _partner_problem(form, match["msg"], message)
    if match["index"] is None:
        name = READING_FIELDS.get(match["key"] or "", "reading_body")
        form[name].errors = [*form[name].errors, message]
        return True
    where, position = targets[int(match["index"]) - 1]
    if where == "row":
        row = form.targets[position].form
        field = (
            row[f"reading_{match['key']}"]
            if match["key"] in ("name", "office")
            else row.reading_cover
        )
    else:
        field = form[LETTER_FIELDS[list(Chamber)[position]]].form.reading_cover
    field.errors = [*field.errors, message]
    return True


def _partner_problem(form: CampaignForm, english: str, message: str) -> bool:
    """A problem with a partner's Arabic consent wording goes on that partner's row (the file
    check names the code in `english`); False when no row has it."""
    for row in form.partners:
        code = (row.form.code.data or "").strip()
        if code and repr(code) in english:
            about_name = "the name for" in english or "a name as text" in english
            field = row.form.reading_name if about_name else row.form.reading_consent
            field.errors = [*field.errors, message]
            return True
    return False


def consent_warnings(before: Campaign | None, spec: CampaignFile) -> list[tuple[str, str | None]]:
    """Warnings about consent sentences, each with the editor's element to fix it in (None: a
    language the editor does not edit): `stale_consents`, then sentences this save leaves with
    no wording in a language the campaign has a reading copy in (a gap already there before is
    not repeated on every save)."""
    warnings = stale_consents(before, spec) if before is not None else []
    partners = {p.code: p.consent_text for p in spec.partners}
    gaps = _wordless(spec.consent_text, partners, spec.translations)
    if before is not None:
        old = {p.code: p.consent_text for p in before.partners}
        gaps -= _wordless(before.consent_text, old, before.translations or {})
    for language, code in sorted(gaps, key=lambda gap: (gap[0], gap[1] or "")):
        name = language_name(language)
        if code is None:
            message = _(
                "The consent sentence has no %(language)s wording: readers of the page in "
                "%(language)s are asked in the campaign's own language.",
                language=name,
            )
        else:
            message = _(
                "Partner %(code)s's consent sentence has no %(language)s wording: readers "
                "of the page in %(language)s are asked in the campaign's own language.",
                code=isolate(code),
                language=name,
            )
        element = "reading_consent" if code is None else "partners-heading"
        warnings.append((message, element if language == READING_LANGUAGE else None))
    return warnings


def _wordless(
    consent: str | None, partners: Mapping[str, str | None], translations: Mapping[str, Any]
) -> set[tuple[str, str | None]]:
    """(language, partner code or None for the campaign's) of each consent sentence with no
    wording in a language the campaign has a reading copy in."""
    gaps: set[tuple[str, str | None]] = set()
    for language, copy in translations.items():
        if not isinstance(copy, Mapping) or not copy.get("body"):
            continue  # no reading copy in this language: its readers get the campaign's own
        if consent and not copy.get("consent_text"):
            gaps.add((language, None))
        worded = copy.get("partners") or {}
        gaps |= {
            (language, code) for code, text in partners.items() if text and not worded.get(code)
        }
    return gaps


def stale_consents(before: Campaign, spec: CampaignFile) -> list[tuple[str, str | None]]:
    """Warnings for consent sentences and partner names whose English changed while a
    translation stayed as it was: readers of that language would still be asked, and recorded,
    in the old words, or read the old name."""
    warnings: list[tuple[str, str | None]] = []
    old_partners = {p.code: p.consent_text for p in before.partners}
    old_names = {p.code: p.name for p in before.partners}
    for language, copy in spec.translations.items():
        old = (before.translations or {}).get(language) or {}
        name = language_name(language)
        edited = language == READING_LANGUAGE
        if _left_behind(
            (before.consent_text, spec.consent_text),
            (old.get("consent_text"), copy.get("consent_text")),
        ):
            message = _(
                "The consent sentence changed but its %(language)s wording did not: "
                "check that it still asks the same.",
                language=name,
            )
            warnings.append((message, "reading_consent" if edited else None))
        for partner in spec.partners:
            if partner.code in old_partners and _left_behind(
                (old_partners[partner.code], partner.consent_text),
                (
                    (old.get("partners") or {}).get(partner.code),
                    copy.get("partners", {}).get(partner.code),
                ),
            ):
                message = _(
                    "Partner %(code)s's consent sentence changed but its %(language)s "
                    "wording did not: check that it still asks the same.",
                    code=isolate(partner.code),
                    language=name,
                )
                # The partners' rows are in the order of their codes as the database sorts
                # them, so the link goes to the partners, not to a row.
                warnings.append((message, "partners-heading" if edited else None))
            # Its name, read beside that box on the language's pages.
            if partner.code in old_names and _left_behind(
                (old_names[partner.code], partner.name),
                (
                    (old.get("partner_names") or {}).get(partner.code),
                    (copy.get("partner_names") or {}).get(partner.code),
                ),
            ):
                message = _(
                    "Partner %(code)s's name changed but its %(language)s name did not: "
                    "check that it still names the same organisation.",
                    code=isolate(partner.code),
                    language=name,
                )
                warnings.append((message, "partners-heading" if edited else None))
    return warnings


def _left_behind(english: tuple[str | None, str | None], wording: tuple[Any, Any]) -> bool:
    """The English (before, after) changed; the translation (before, after) is there, unchanged."""
    return english[0] != english[1] and bool(wording[1]) and wording[0] == wording[1]
