"""The editor's warnings after a save that left a reading copy's wording behind its original."""

from __future__ import annotations

from flask_babel import gettext as _

from webapp.campaigns.fileformat import CampaignFile
from webapp.campaigns.reading_changes import LeftBehind, left_behind
from webapp.dashboard.editor_forms import READING_LANGUAGE
from webapp.i18n import isolate, language_name
from webapp.models import Campaign, TargetKind
from webapp.supporter.office_names import CHAMBER_LABELS

# Where the editor shows each campaign text's reading copy; a target's are in its rows.
_FIELDS = {key: f"reading_{key}" for key in ("title", "subject", "salutation", "body")}
_TARGETS = "targets-heading"
_LETTER_PARTS = ("salutation", "cover", "body")


def reading_warnings(before: Campaign | None, spec: CampaignFile) -> list[tuple[str, str | None]]:
    """(message, the editor's element to fix it in, or None for a language the editor does not
    edit) for each text whose translation the save leaves as it was; a target's letter is named
    once, however many of its parts changed."""
    warnings: list[tuple[str, str | None]] = []
    named: set[tuple[str, int | None]] = set()
    for item in left_behind(before, spec):
        if item.key in _LETTER_PARTS and item.target is not None:
            if (item.language, item.target) in named:
                continue
            named.add((item.language, item.target))
        message = _message(item, spec)
        element = _FIELDS[item.key] if item.target is None else _TARGETS
        warnings.append((message, element if item.language == READING_LANGUAGE else None))
    return warnings


def _message(item: LeftBehind, spec: CampaignFile) -> str:
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
        office = ", ".join(str(CHAMBER_LABELS.get(c, c)) for c in target.chambers)
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
    return str(
        _(
            "The letter to %(office)s changed but its %(language)s reading copy did not: the page "
            "in %(language)s still shows the old wording.",
            office=office,
            language=language,
        )
    )
