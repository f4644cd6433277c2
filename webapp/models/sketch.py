"""Similarity fingerprints of personal paragraphs: keyed MinHash bands, never the text."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import Base


class ParagraphBand(Base):
    """One band of a paragraph's MinHash sketch (webapp/letters/sketch.py).

    Two paragraphs sharing bands are nearly the same words; a band is a keyed hash, so the
    rows cannot be turned back into text or checked against a guess without the master key.
    Deleted with the letter (erasure) and by retention with the paragraph.
    """

    __tablename__ = "paragraph_band"
    # With the letter's id last, the letters carrying one band are read newest first and stop at
    # a limit (webapp/services/own_words.py), however many carry it.
    __table_args__ = (
        Index("ix_paragraph_band_campaign_band_submission", "campaign_id", "band", "submission_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    band: Mapped[str] = mapped_column(String(24))
