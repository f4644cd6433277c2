"""The follow-up survey "did they reply?": one per letter, one answer per office it went to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.database import Base, str_enum, utcnow
from webapp.models.delivery import Delivery
from webapp.models.submission import Submission


class ReplyAnswer(enum.StrEnum):
    """What a supporter says an office did, weeks after their letter reached it."""

    REPLIED_ANSWERED = "replied_answered"  # replied and answered my point
    REPLIED_NOT_ANSWERED = "replied_not_answered"  # replied without answering it
    ACKNOWLEDGEMENT = "acknowledgement"  # only an acknowledgement (often automatic)
    NOT_EXPECTED = "not_expected"  # I did not expect a reply: left out of the figures
    NO_REPLY = "no_reply"  # no reply yet


# A reply is a written answer from the office, with or without an answer to the point; an
# acknowledgement alone (usually automatic) says nothing about whether anyone read the letter.
REPLIED = (ReplyAnswer.REPLIED_ANSWERED, ReplyAnswer.REPLIED_NOT_ANSWERED)
NOT_REPLIED = (ReplyAnswer.ACKNOWLEDGEMENT, ReplyAnswer.NO_REPLY)


class ReplySurvey(Base):
    """The survey of one letter: when its email and its one reminder were queued."""

    __tablename__ = "reply_survey"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), unique=True
    )
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    invited_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    submission: Mapped[Submission] = relationship()
    offices: Mapped[list[OfficeReply]] = relationship(
        back_populates="survey", order_by="OfficeReply.id", cascade="all, delete-orphan"
    )


class OfficeReply(Base):
    """One office of a surveyed letter: asked since when, and the supporter's latest answer."""

    __tablename__ = "office_reply"
    __table_args__ = (Index("ix_office_reply_campaign_office", "campaign_id", "recipient_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(
        ForeignKey("reply_survey.id", ondelete="CASCADE"), index=True
    )
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("delivery.id", ondelete="CASCADE"), unique=True
    )
    # Copied from the delivery, so the figures per office need no join over every letter.
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    recipient_key: Mapped[str] = mapped_column(String(80))
    asked_at: Mapped[datetime]
    answer: Mapped[ReplyAnswer | None] = mapped_column(str_enum(ReplyAnswer, "reply_answer"))
    answered_at: Mapped[datetime | None]

    survey: Mapped[ReplySurvey] = relationship(back_populates="offices")
    delivery: Mapped[Delivery] = relationship()
