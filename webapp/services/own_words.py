"""The nudge beside the personal paragraph: the own-words meter and "many sent nearly this"."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from webapp.letters.own_words import own_chars, own_words_share, share_percent
from webapp.letters.sketch import BANDS_TO_MATCH, paragraph_bands
from webapp.models import Campaign, ParagraphBand
from webapp.sealing import keyring


class Commonness(enum.StrEnum):
    COMMON = "common"  # nearly the same as a paragraph many others sent
    UNUSUAL = "unusual"


def sketch(paragraph: str | None) -> tuple[str, ...]:
    """The paragraph's keyed MinHash bands (needs an app context for the master key)."""
    return paragraph_bands(paragraph, keyring().hash_text)


def commonness(session: Session, campaign_id: int, bands: tuple[str, ...], many: int) -> Commonness:
    """COMMON when at least `many` letters to the campaign carry a nearly identical paragraph.

    Counting stops at `many`, so a flood of copies does not make each check slower.
    """
    if not bands or many < 1:
        return Commonness.UNUSUAL
    similar = (
        select(ParagraphBand.submission_id)
        .where(ParagraphBand.campaign_id == campaign_id, ParagraphBand.band.in_(bands))
        .group_by(ParagraphBand.submission_id)
        .having(func.count() >= BANDS_TO_MATCH)
        .limit(many)
        .subquery()
    )
    found = session.scalar(select(func.count()).select_from(similar)) or 0
    return Commonness.COMMON if found >= many else Commonness.UNUSUAL


def forget_sketches(session: Session, submission_ids: list[int]) -> None:
    """Retention: the paragraph's sketch goes with the paragraph."""
    if submission_ids:
        session.execute(
            delete(ParagraphBand).where(ParagraphBand.submission_id.in_(submission_ids))
        )


@dataclass(frozen=True)
class OwnWords:
    """What the preview (and the form, before JavaScript updates it) shows beside the paragraph."""

    chars: int
    percent: int
    common: bool


def body_chars(campaign: Campaign, edited_body: str | None) -> int:
    """Characters of the letter body offices receive: the statement or the supporter's rewrite."""
    return len((edited_body if edited_body is not None else campaign.body).strip())


def own_words_of(
    session: Session,
    campaign: Campaign,
    paragraph: str | None,
    edited_body: str | None,
    bands: tuple[str, ...],
    many: int,
) -> OwnWords:
    """The meter and the hint for a paragraph whose sketch is `bands`."""
    own = own_chars(paragraph)
    share = own_words_share(own, body_chars(campaign, edited_body))
    common = commonness(session, campaign.id, bands, many) is Commonness.COMMON
    return OwnWords(chars=own, percent=share_percent(share), common=common)
