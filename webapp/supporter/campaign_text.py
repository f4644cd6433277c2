"""A campaign's texts as a supporter reading the page's language sees them before writing."""

from __future__ import annotations

from functools import lru_cache

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from webapp.i18n import page_language
from webapp.letters.markdown import escape_markdown, letter_digest
from webapp.letters.merge import MergeValues, has_merge_fields, render
from webapp.models import Campaign

# What each merge field stands for, shown in its place until a supporter's letter fills it.
_PLACEHOLDERS = {
    "supporter": {
        "first_name": _l("your first name"),
        "last_name": _l("your last name"),
        "full_name": _l("your name"),
        "city": _l("your city"),
        "state": _l("your state"),
        "zip": _l("your ZIP code"),
    },
    "target": {
        "name": _l("the official's name"),
        "office": _l("the official's office"),
        "title": _l("the official's title"),
        "last_name": _l("the official's last name"),
    },
}


@lru_cache(maxsize=16)
def _labels(language: str) -> dict[str, dict[str, str]]:
    # Once per language and process: switching locale and looking up ten messages cost about
    # 0.2 ms, on pages that mostly have no merge field at all.
    with force_locale(language):
        return {
            group: {name: f"[{label}]" for name, label in fields.items()}
            for group, fields in _PLACEHOLDERS.items()
        }


def placeholders(campaign: Campaign, language: str) -> MergeValues:
    """Merge values that describe themselves ("[your city]") in the language of the text they
    go into: the English letter keeps English ones on an Arabic page."""
    labels = _labels(language)
    return MergeValues(
        labels["supporter"], labels["target"], {"title": campaign.title_in(language)}
    )


def with_placeholders(
    campaign: Campaign, text: str, markdown: bool = False, language: str | None = None
) -> str:
    """Organiser text (the campaign's own unless `language` says) as a page shows it before
    anyone writes: each merge field in brackets ("Safe water in [your city]"), not its raw
    "{{ supporter.city }}"."""
    if not has_merge_fields(text):
        return text
    values = placeholders(campaign, language or campaign.language)
    return render(text, values, escape_markdown if markdown else None)


def shown_title(campaign: Campaign) -> str:
    """The campaign's title in the page's language when its file translates it."""
    return campaign.title_in(page_language())


def title_language(campaign: Campaign) -> str:
    """The language shown_title is in, for its `lang` attribute."""
    language = page_language()
    return language if campaign.reading_title(language) else campaign.language


def campaign_lead(campaign: Campaign) -> tuple[str, str]:
    """The first sentence of the letter in the page's language (its reading copy's, else the
    letter's own), and the language it is in, for its `lang` attribute."""
    language = page_language()
    copy = campaign.reading_copy(language)
    body, language = (copy["body"], language) if copy else (campaign.body, campaign.language)
    return letter_digest(with_placeholders(campaign, body, True, language)).lead, language
