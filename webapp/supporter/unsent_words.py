"""What a supporter wrote on a form whose campaign closed meanwhile, shown back to copy."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from webapp.models import Campaign
from webapp.text_input import clean_block

# The form takes 5,000 characters of one's own words and 20,000 of a letter; a post past that
# is no supporter's, and is not echoed back.
_MOST_CHARS = 20000


@dataclass(frozen=True)
class UnsentText:
    label: str
    text: str


def unsent_words(campaign: Campaign, posted: Mapping[str, str]) -> list[UnsentText]:
    """The supporter's own paragraph, and the letter where they could rewrite it and did, as
    posted: nothing of it was recorded, and minutes of writing must not vanish with the form."""
    kept = []
    own = clean_block(posted.get("personal_message"))
    if own:
        kept.append(UnsentText(str(_l("Your own words")), own[:_MOST_CHARS]))
    body = clean_block(posted.get("body"))
    if campaign.body_editable and body and body != clean_block(campaign.body):
        kept.append(UnsentText(str(_l("Your letter")), body[:_MOST_CHARS]))
    return kept
