"""The editor's warnings after a save that left a reading copy's wording behind its original."""

from __future__ import annotations

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.reading_changes import LeftBehind, left_behind
from webapp.dashboard.editor_forms import LETTER_FIELDS, READING_LANGUAGE
from webapp.i18n import isolate, language_name
from webapp.models import Campaign, Chamber, TargetKind
from webapp.supporter.office_names import CHAMBER_LABELS

_LETTER_PARTS = ("salutation", "cover", "body")
# A target's reading salutation and own letter have no field in the editor: a file sets them.
_FILE_ONLY = ("salutation", "body")


def reading_warnings(before: Campaign | None, spec: CampaignFile) -> list[tuple[str, str | None]]:
    """(message, the editor's element to fix it in, or None for a language the editor does not
    edit) for each text whose translation the save leaves as it was; a target's letter is named
    once, however many of its parts changed."""
    warnings: list[tuple[str, str | None]] = []
    named: set[tuple[str, int, bool]] = set()
    for item in left_behind(before, spec):
        file_only = item.target is not None and item.key in _FILE_ONLY
        if item.key in _LETTER_PARTS and item.target is not None:
            if (item.language, item.target, file_only) in named:
                continue
            named.add((item.language, item.target, file_only))
        message = _message(item, spec, file_only)
        editable = item.language == READING_LANGUAGE and not file_only
        warnings.append((message, _element(item, spec) if editable else None))
    return warnings


def _element(item: LeftBehind, spec: CampaignFile) -> str:
    """The id of the editor's field for this reading copy, as the editor draws the saved
    campaign: a fixed office's row counts the fixed offices before it; a lookup rule's cover
    is its first chamber's."""
    if item.target is None:
        return f"reading_{item.key}"
    target = spec.targets[item.target]
    if target.kind is TargetKind.CUSTOM:
        row = sum(t.kind is TargetKind.CUSTOM for t in spec.targets[: item.target])
        return f"targets-{row}-reading_{item.key}"
    if not target.chambers:
        return "targets-heading"
    return f"{LETTER_FIELDS[Chamber(target.chambers[0])]}-reading_cover"


def _message(item: LeftBehind, spec: CampaignFile, file_only: bool) -> str:
    language = language_name(item.language)
    if item.target is None:
        messages = {
            "title": _(
                "The title changed but its %(language)s reading copy did not: the page in "
                "%(language)s still shows the old title.",
                language=language,
            ),
            "subject": _(
                "The subject changed but its %(language)s reading copy did not: the page in "
                "%(language)s still shows the old subject.",
                language=language,
            ),
            "salutation": _(
                "The salutation changed but its %(language)s reading copy did not: the page in "
                "%(language)s still shows the old salutation.",
                language=language,
            ),
            "body": _(
                "The letter changed but its %(language)s reading copy did not: the page in "
                "%(language)s still shows the old letter.",
                language=language,
            ),
        }
        return str(messages[item.key])
    target = spec.targets[item.target]
    if target.kind is TargetKind.CUSTOM:
        office = isolate(target.name or "")
    else:
        chambers = [str(CHAMBER_LABELS.get(c, c)) for c in target.chambers]
        office = format_list(chambers, locale=str(get_locale() or "en"))
    if item.key == "name":
        return str(
            _(
                "The name of %(office)s changed but its %(language)s wording did not: pages in "
                "%(language)s still show the old name.",
                office=office,
                language=language,
            )
        )
    if item.key == "office":
        return str(
            _(
                "The office of %(office)s changed but its %(language)s wording did not: pages in "
                "%(language)s still show the old one.",
                office=office,
                language=language,
            )
        )
    if file_only:
        return str(
            _(
                "The letter to %(office)s changed but its %(language)s salutation or letter did "
                "not: the page in %(language)s still shows the old wording. Only the campaign file "
                "sets them: change them there and import it again.",
                office=office,
                language=language,
            )
        )
    return str(
        _(
            "The letter to %(office)s changed but its %(language)s reading copy did not: the page "
            "in %(language)s still shows the old wording.",
            office=office,
            language=language,
        )
    )
