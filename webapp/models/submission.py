"""A supporter's letter to a campaign (Submission) and one Delivery row per office it goes to."""

from __future__ import annotations

import enum
import secrets
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.civic.types import MatchKind, Residence
from webapp.database import Base, str_enum, utcnow
from webapp.letters.text import assemble_letter, office_paragraph, signature_lines, us_place
from webapp.models.campaign import Campaign, Partner, Target
from webapp.models.supporter import Supporter


class SubmissionStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # waiting for the supporter's confirmation link
    CONFIRMED = "confirmed"
    EXPIRED = "expired"  # never confirmed in time: nothing was delivered


# How the supporter's districts were found (the same values as the civic layer's MatchKind).
LookupMatch = MatchKind


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    ACCEPTED = "accepted"
    NEEDS_ACTION = "needs_action"
    DONE_BY_SUPPORTER = "done_by_supporter"
    FAILED = "failed"  # will be retried at next_attempt_at
    DEAD = "dead"  # gave up; `flask outbox retry-dead` brings it back
    PACKET = "packet"  # no channel: organisers deliver it by hand from the office packet
    CANCELLED = "cancelled"  # its submission expired unconfirmed


# Statuses the worker picks up when due.
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Channel(enum.StrEnum):
    EMAIL = "email"
    CWC = "cwc"  # the House's Communicating with Congress
    SENATE_CWC = "senate_cwc"  # the Senate's, for offices on its active list
    FORM = "form"
    PACKET = "packet"


class LetterText(Base):
    """An organisation statement as sent, stored once however many letters share it."""

    __tablename__ = "letter_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def new_receipt_token() -> str:
    return secrets.token_urlsafe(24)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class Submission(Base):
    __tablename__ = "submission"
    __table_args__ = (
        UniqueConstraint("campaign_id", "supporter_id"),
        Index("ix_submission_campaign_created", "campaign_id", "created_at"),
        Index("ix_submission_untallied", "status", "tallied"),
        Index("ix_submission_campaign_status", "campaign_id", "status"),
        Index("ix_submission_ip_created", "ip_hash", "created_at"),
        Index("ix_submission_subnet_created", "subnet_hash", "created_at"),
        Index("ix_submission_personal_hash", "campaign_id", "personal_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    supporter_id: Mapped[int] = mapped_column(
        ForeignKey("supporter.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), index=True
    )
    source: Mapped[str | None] = mapped_column(String(64))
    receipt_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_receipt_token)
    status: Mapped[SubmissionStatus] = mapped_column(
        str_enum(SubmissionStatus, "submission_status"), default=SubmissionStatus.CONFIRMED
    )
    # The letter as sent: the organisation's words and the supporter's own, kept apart.
    subject: Mapped[str] = mapped_column(String(300))
    statement_id: Mapped[int] = mapped_column(ForeignKey("letter_text.id"), index=True)
    # The supporter's own paragraph as they wrote it, in any language.
    personal_message: Mapped[str | None] = mapped_column(Text)
    # Their own English version of it (offices read English); when set, offices get this, and
    # the paragraph as written below it only if `include_original`.
    personal_english: Mapped[str | None] = mapped_column(Text)
    # The constant default fills rows written before the column (see the migration).
    include_original: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Set only when the supporter rewrote the statement: then the whole body is their words.
    edited_body: Mapped[str | None] = mapped_column(Text)
    closing: Mapped[str] = mapped_column(String(200))
    # Who signed, as they signed it (the supporter row may change with later letters).
    prefix: Mapped[str | None] = mapped_column(String(16))
    # The name offices receive, in Latin letters (US office systems reject other scripts).
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    # The name as the supporter wrote it in another script (e.g. Arabic), for their receipt
    # and emails; None when they wrote it in Latin letters.
    native_first_name: Mapped[str | None] = mapped_column(String(100))
    native_last_name: Mapped[str | None] = mapped_column(String(100))
    street: Mapped[str | None] = mapped_column(String(200))
    # Where the supporter lives: `city` and `country` always; a US address (home, or where a
    # citizen abroad votes) in street/state/zip_code, with `voting_city` for the latter.
    city: Mapped[str] = mapped_column(String(100))
    state: Mapped[str | None] = mapped_column(String(2))
    zip_code: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str] = mapped_column(String(2), default="US", server_default="US")
    residence: Mapped[Residence] = mapped_column(
        str_enum(Residence, "residence"), default=Residence.US
    )
    voting_city: Mapped[str | None] = mapped_column(String(100))
    # Where the targets came from, so a wrong office can be traced to its data.
    lookup_provider: Mapped[str | None] = mapped_column(String(64))
    lookup_match: Mapped[LookupMatch] = mapped_column(
        str_enum(LookupMatch, "lookup_match"), default=LookupMatch.NONE
    )
    districts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dataset_date: Mapped[str | None] = mapped_column(String(32))
    congress: Mapped[int | None]
    ip_hash: Mapped[str | None] = mapped_column(String(64))
    # The /24 (IPv4) or /48 (IPv6) network, hashed the same way: bursts come from neighbours.
    subnet_hash: Mapped[str | None] = mapped_column(String(64))
    # The personal paragraph normalised and hashed, to spot the same words from many senders.
    personal_hash: Mapped[str | None] = mapped_column(String(64))
    # Friction: a risky letter is held until its sender confirms by email (never dropped).
    risk_score: Mapped[int] = mapped_column(default=0)
    risk_reasons: Mapped[list[Any]] = mapped_column(default=list)
    held: Mapped[bool] = mapped_column(default=False)
    # "Deliver my letter but keep me off public counts and partner lists."
    private: Mapped[bool] = mapped_column(default=False)
    # When retention removed the personal paragraph, rewrite and street address.
    purged_at: Mapped[datetime | None]
    # True once the supporter clicked a link sent to this address (CWC EmailValidation).
    email_verified: Mapped[bool] = mapped_column(default=False)
    # The supporter ticked "I would like a reply" (CWC IsResponseRequested).
    response_requested: Mapped[bool] = mapped_column(default=False)
    language: Mapped[str] = mapped_column(String(16), default="en")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    # Counted into the dashboard tallies (set by the stats refresh, once confirmed).
    tallied: Mapped[bool] = mapped_column(default=False)
    # Moderation of the personal paragraph on the dashboard (the letter itself still goes).
    hidden: Mapped[bool] = mapped_column(default=False)
    flagged: Mapped[bool] = mapped_column(default=False)
    moderated_at: Mapped[datetime | None]

    campaign: Mapped[Campaign] = relationship()
    statement: Mapped[LetterText] = relationship()
    supporter: Mapped[Supporter] = relationship()
    partner: Mapped[Partner | None] = relationship()
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="submission", order_by="Delivery.id", cascade="all, delete-orphan"
    )

    @property
    def personalised(self) -> bool:
        return bool(self.personal_message) or self.edited_body is not None

    @property
    def office_paragraph(self) -> str | None:
        """The supporter's own words as every office receives them."""
        return office_paragraph(self.personal_message, self.personal_english, self.include_original)

    @property
    def own_first_name(self) -> str:
        """The first name as the supporter wrote it: what their receipt and emails greet."""
        return self.native_first_name or self.first_name

    @property
    def own_full_name(self) -> str:
        first = self.native_first_name or self.first_name
        return f"{first} {self.native_last_name or self.last_name}".strip()

    @property
    def voting_place(self) -> str:
        return us_place(self.voting_city, self.state, self.zip_code)

    @property
    def signature_lines(self) -> list[str]:
        return signature_lines(
            self.first_name,
            self.last_name,
            self.city,
            self.state,
            self.zip_code,
            country=self.country,
            residence=self.residence,
            voting_city=self.voting_city,
        )


class Delivery(Base):
    """The outbox: one row per (submission, office), written in the submission's transaction."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("submission_id", "recipient_key"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
        Index("ix_delivery_campaign_office", "campaign_id", "recipient_key", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submission.id", ondelete="CASCADE"))
    # Copied from the submission so per-campaign counts need no join over millions of rows.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    target_id: Mapped[int | None] = mapped_column(
        ForeignKey("target.id", ondelete="SET NULL"), index=True
    )
    # "target:<id>" for fixed targets, "official:<bioguide>" / "ocd:<id>" for looked-up people.
    recipient_key: Mapped[str] = mapped_column(String(80))
    recipient_chamber: Mapped[str | None] = mapped_column(String(16))
    recipient_state: Mapped[str | None] = mapped_column(String(2))
    recipient_district: Mapped[str | None] = mapped_column(String(8))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_office: Mapped[str | None] = mapped_column(String(200))
    recipient_address: Mapped[str | None] = mapped_column(String(500))
    contact_url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    channel: Mapped[Channel | None] = mapped_column(str_enum(Channel, "delivery_channel"))
    status: Mapped[DeliveryStatus] = mapped_column(
        str_enum(DeliveryStatus, "delivery_status"), default=DeliveryStatus.PENDING
    )
    idempotency_key: Mapped[str] = mapped_column(
        String(32), unique=True, default=new_idempotency_key
    )
    salutation: Mapped[str] = mapped_column(String(200))
    # Set only when this office's body differs from the submission's: merge fields, or the
    # target's own body. Either way it is the organisation's text, never the supporter's.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("letter_text.id"))
    # The target's cover paragraph above the body, as merged for this letter.
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("letter_text.id"))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None]
    # A worker owns a `sending` row until its lease expires; then another may take it over.
    lease_expires_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Unique to the claiming worker (names given with --worker-id may repeat): a worker sends
    # only after an UPDATE that matches this token, so a row taken over is never sent by both.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    failed_at: Mapped[datetime | None]  # the last failed attempt
    # What the receiving system said (CWC acknowledgement, SMTP queue id).
    remote_reference: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="deliveries")
    target: Mapped[Target | None] = relationship()
    body: Mapped[LetterText | None] = relationship(foreign_keys=[body_id])
    # Loaded with the rows that carry one, so the worker needs no query per letter.
    cover: Mapped[LetterText | None] = relationship(foreign_keys=[cover_id], lazy="selectin")

    @property
    def body_text(self) -> str:
        """The letter body this office receives (without salutation or signature)."""
        if self.body is not None:
            return self.body.body
        sub = self.submission
        return sub.edited_body if sub.edited_body is not None else sub.statement.body

    @property
    def body_is_supporters(self) -> bool:
        """Whether the body is the supporter's rewrite rather than the organisation's text."""
        return self.body_id is None and self.submission.edited_body is not None

    @property
    def cover_text(self) -> str | None:
        return self.cover.body if self.cover is not None else None

    @property
    def final_text(self) -> str:
        """The full letter this office receives, rebuilt from the parts frozen at submission."""
        sub = self.submission
        return assemble_letter(
            self.salutation,
            self.body_text,
            sub.office_paragraph,
            sub.closing,
            sub.signature_lines,
            cover=self.cover_text,
        )
