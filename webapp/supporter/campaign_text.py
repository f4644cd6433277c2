"""A campaign's title and lead as a supporter reading the page's language sees them."""

from __future__ import annotations

from webapp.i18n import page_language
from webapp.letters.markdown import letter_digest
from webapp.models import Campaign


def shown_title(campaign: Campaign) -> str:
    """The campaign's title in the page's language when its file translates it."""
    return campaign.title_in(page_language())


def campaign_lead(campaign: Campaign) -> tuple[str, str]:
    """The first sentence of the letter in the page's language (its reading copy's, else the
    letter's own), and the language it is in, for its `lang` attribute."""
    language = page_language()
    copy = campaign.reading_copy(language)
    if copy is not None:
        return letter_digest(copy["body"]).lead, language
    return letter_digest(campaign.body).lead, campaign.language
