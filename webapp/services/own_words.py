"""The nudge beside the personal paragraph: the own-words meter and "many sent nearly this"."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Integer,
    String,
    bindparam,
    delete,
    func,
    literal_column,
    select,
    union_all,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from webapp.letters.own_words import own_chars, own_words_share, share_percent
from webapp.letters.sketch import BANDS_TO_MATCH, paragraph_bands
from webapp.models import Campaign, ParagraphBand
from webapp.sealing import keyring
from webapp.services.driver_sql import Prepared, compile_select


class Commonness(enum.StrEnum):
    COMMON = "common"  # nearly the same as a paragraph many others sent
    UNUSUAL = "unusual"


def sketch(paragraph: str | None) -> tuple[str, ...]:
    """The paragraph's keyed MinHash bands (needs an app context for the master key)."""
    return paragraph_bands(paragraph, keyring().sketch_key)


# How many of the newest letters carrying each band the check reads. A paragraph many people
# copy fills every one of its bands' recent lists, so it is found there; reading the whole list
# instead cost time in proportion to the letters already sent (10 ms a letter after 3,000 copies
# of one paragraph, 200 ms after 50,000), which is what slowed a day of action as it went on.
RECENT_PER_BAND = 64


def _recent(
    campaign: BindParameter[int], bands: Sequence[BindParameter[str]], per_band: int
) -> CompoundSelect[int]:
    # The limit is written into the SQL, not bound: a plan PostgreSQL keeps for a prepared
    # statement then still knows each band's range is short.
    recent = [
        select(ParagraphBand.submission_id)
        .where(ParagraphBand.campaign_id == campaign, ParagraphBand.band == band)
        .order_by(ParagraphBand.submission_id.desc())
        .limit(literal_column(str(per_band), Integer))
        .subquery()
        for band in bands
    ]
    return union_all(*(select(sub.c.submission_id) for sub in recent))


def recent_with_bands(
    campaign_id: int, bands: tuple[str, ...], per_band: int
) -> CompoundSelect[int]:
    """The newest `per_band` letters carrying each band, one row per (letter, band) shared:
    the rows the near-copy count reads (its inner statement, here with the values bound)."""
    return _recent(
        bindparam("campaign_id", campaign_id, Integer),
        [bindparam(f"band{i}", band, String) for i, band in enumerate(dict.fromkeys(bands))],
        per_band,
    )


@lru_cache(maxsize=64)
def _near_copies(dialect: Dialect, bands: int, per_band: int) -> Prepared:
    # Built and compiled once per shape: building the eight-way union cost more than running
    # it, on every preview.
    recent = _recent(
        bindparam("campaign_id", type_=Integer),
        [bindparam(f"band{i}", type_=String) for i in range(bands)],
        per_band,
    ).subquery()
    shared = (
        select(recent.c.submission_id)
        .group_by(recent.c.submission_id)
        .having(func.count() >= BANDS_TO_MATCH)
        .subquery()
    )
    return compile_select(dialect, select(func.count()).select_from(shared))


def near_copies(session: Session, campaign_id: int, bands: tuple[str, ...], per_band: int) -> int:
    """How many of the newest `per_band` letters per band share BANDS_TO_MATCH bands with
    `bands`: counted in the database, so one row comes back, not one per (letter, band)."""
    distinct = list(dict.fromkeys(bands))
    if not distinct:
        return 0
    prepared = _near_copies(session.get_bind().dialect, len(distinct), per_band)
    values = {"campaign_id": campaign_id, **{f"band{i}": b for i, b in enumerate(distinct)}}
    return int(prepared.run(session, values).scalar_one())


def commonness(session: Session, campaign_id: int, bands: tuple[str, ...], many: int) -> Commonness:
    """COMMON when at least `many` letters to the campaign carry a nearly identical paragraph.

    One statement reads at most RECENT_PER_BAND letters per band, newest first (an index range
    each), so the check costs the same after a million letters as after ten. It can miss an old
    near-copy whose matching bands are all crowded out by newer letters, never invent one.
    """
    if not bands or many < 1:
        return Commonness.UNUSUAL
    found = near_copies(session, campaign_id, bands, max(RECENT_PER_BAND, 4 * many))
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
