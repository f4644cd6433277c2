"""A supporter's letter to a campaign (Submission) and one Delivery row per office it goes to."""

from __future__ import annotations

import enum
import secrets
import uuid
from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from webapp.civic.types import MatchKind, Residence
from webapp.database import Base, str_enum, utcnow
from webapp.letters.text import (
    assemble_letter,
    office_paragraph,
    signature_of,
    us_place,
)
from webapp.models.campaign import Campaign, Partner, Target
from webapp.models.supporter import Supporter
from webapp.sealing import Sealed


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
    # The member left office before it was sent (a new Congress, a resignation): not sent there.
    REPLACED = "replaced"  # sent instead to the seat's new member (`replaced_by`)
    HELD = "held"  # held for the organisers, `changeover` says why


class Changeover(enum.StrEnum):
    """What happened to a letter whose member left office before it was delivered."""

    RETARGETED = "retargeted"  # a new delivery to the seat's new member replaces it
    ALREADY_WRITING = "already_writing"  # the new member already gets this letter
    HELD_NOT_EXACT = "held_not_exact"  # the district came from the ZIP code or a choice
    HELD_REDISTRICTED = "held_redistricted"  # the state's districts were redrawn
    HELD_NO_SUCCESSOR = "held_no_successor"  # nobody holds the seat yet (re-checked later)
    HELD_LETTER_CHANGED = "held_letter_changed"  # the campaign's text changed since: check it
    CANCELLED = "cancelled"  # an organiser decided not to send it


# Statuses the worker picks up when due.
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Channel(enum.StrEnum):
    EMAIL = "email"
    CWC = "cwc"  # the House's Communicating with Congress
    SENATE_CWC = "senate_cwc"  # the Senate's, for offices on its active list
    FORM = "form"
    PACKET = "packet"
    POST = "post"  # printed and mailed by a print-and-mail service (Lob-compatible API)


class PostalStatus(enum.StrEnum):
    """Where a posted letter is, from the print-and-mail service's tracking events."""

    CREATED = "created"  # the service accepted it for printing
    MAILED = "mailed"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    RETURNED = "returned"  # returned to sender: the address did not take it


def _supporters_cipher(row: Any, supporter: Supporter | None, supporter_id: int | None) -> AESGCM:
    """The data key of the supporter a row belongs to (loaded when only its id is set)."""
    if supporter is None and supporter_id is not None:
        session = object_session(row)
        supporter = session.get(Supporter, supporter_id) if session is not None else None
    if supporter is None:
        raise ValueError(f"{type(row).__name__} has no supporter to seal its fields for")
    return supporter.sealing_cipher()


class LetterText(Base):
    """An organisation statement as sent, stored once however many letters share it.

    A text merged with a supporter's name or ZIP is theirs alone: it has an owner and is
    sealed under the owner's data key (and erased with them).
    """

    __tablename__ = "letter_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    body_sealed: Mapped[bytes] = mapped_column("body", LargeBinary)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("supporter.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[Supporter | None] = relationship()

    body = Sealed[str]("body_sealed")

    def sealing_cipher(self) -> AESGCM | None:
        if self.owner is None and self.owner_id is None:
            return None
        return _supporters_cipher(self, self.owner, self.owner_id)


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
        # The dashboard's prompt experiment: letters without a variant are skipped in the index.
        Index("ix_submission_campaign_variant", "campaign_id", "prompt_variant", "own_words_chars"),
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
    # Every *_sealed column is sealed under the supporter's data key (webapp/sealing.py) and
    # read through the attribute of the same name without the suffix, further down.
    # Subject and closing may carry merge fields such as the supporter's name.
    subject_sealed: Mapped[bytes] = mapped_column("subject", LargeBinary)
    statement_id: Mapped[int] = mapped_column(ForeignKey("letter_text.id"), index=True)
    # The supporter's own paragraph as they wrote it, in any language.
    personal_message_sealed: Mapped[bytes | None] = mapped_column("personal_message", LargeBinary)
    # Their own English version of it (offices read English); when set, offices get this, and
    # the paragraph as written below it only if `include_original`.
    personal_english_sealed: Mapped[bytes | None] = mapped_column("personal_english", LargeBinary)
    # The constant default fills rows written before the column (see the migration).
    include_original: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Set only when the supporter rewrote the statement: then the whole body is their words.
    edited_body_sealed: Mapped[bytes | None] = mapped_column("edited_body", LargeBinary)
    closing_sealed: Mapped[bytes] = mapped_column("closing", LargeBinary)
    # Who signed, as they signed it (the supporter row may change with later letters).
    prefix_sealed: Mapped[bytes | None] = mapped_column("prefix", LargeBinary)
    # The name offices receive, in Latin letters (US office systems reject other scripts).
    first_name_sealed: Mapped[bytes] = mapped_column("first_name", LargeBinary)
    last_name_sealed: Mapped[bytes] = mapped_column("last_name", LargeBinary)
    # The name as the supporter wrote it in another script (e.g. Arabic), for their receipt
    # and emails; None when they wrote it in Latin letters.
    native_first_name_sealed: Mapped[bytes | None] = mapped_column("native_first_name", LargeBinary)
    native_last_name_sealed: Mapped[bytes | None] = mapped_column("native_last_name", LargeBinary)
    street_sealed: Mapped[bytes | None] = mapped_column("street", LargeBinary)
    # Where the supporter lives: `city` and `country` always; a US address (home, or where a
    # citizen abroad votes) in street/state/zip_code, with `voting_city` for the latter.
    city_sealed: Mapped[bytes] = mapped_column("city", LargeBinary)
    state: Mapped[str | None] = mapped_column(String(2))
    zip_code_sealed: Mapped[bytes | None] = mapped_column("zip_code", LargeBinary)
    country: Mapped[str] = mapped_column(String(2), default="US", server_default="US")
    residence: Mapped[Residence] = mapped_column(
        str_enum(Residence, "residence"), default=Residence.US
    )
    voting_city_sealed: Mapped[bytes | None] = mapped_column("voting_city", LargeBinary)
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
    # Which of the campaign's story-prompt variants the supporter was shown (the experiment),
    # and how many characters of their own paragraph they wrote (kept after retention, a count).
    prompt_variant: Mapped[str | None] = mapped_column(String(40))
    own_words_chars: Mapped[int | None]
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

    subject = Sealed[str]("subject_sealed")
    personal_message = Sealed[str | None]("personal_message_sealed")
    personal_english = Sealed[str | None]("personal_english_sealed")
    edited_body = Sealed[str | None]("edited_body_sealed")
    closing = Sealed[str]("closing_sealed")
    prefix = Sealed[str | None]("prefix_sealed")
    first_name = Sealed[str]("first_name_sealed")
    last_name = Sealed[str]("last_name_sealed")
    native_first_name = Sealed[str | None]("native_first_name_sealed")
    native_last_name = Sealed[str | None]("native_last_name_sealed")
    street = Sealed[str | None]("street_sealed")
    city = Sealed[str]("city_sealed")
    zip_code = Sealed[str | None]("zip_code_sealed")
    voting_city = Sealed[str | None]("voting_city_sealed")

    def sealing_cipher(self) -> AESGCM:
        return _supporters_cipher(self, self.supporter, self.supporter_id)

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
        return signature_of(self)


class Delivery(Base):
    """The outbox: one row per (submission, office), written in the submission's transaction."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("submission_id", "recipient_key"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
        # Tracking events name the postal service's letter id.
        Index("ix_delivery_remote_reference", "remote_reference"),
        Index("ix_delivery_campaign_office", "campaign_id", "recipient_key", "status"),
        # A campaign's letters in one status (held at a changeover, on every dashboard view):
        # SQLite otherwise read all of the campaign's deliveries through the index above.
        Index("ix_delivery_status_campaign", "status", "campaign_id"),
        # The postal budget counts the letters that took a place in it, per campaign and day.
        Index("ix_delivery_postal_budget", "campaign_id", "postal_budget_day"),
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
    # Sealed like the submission's fields: it may carry the supporter's name (merge fields).
    salutation_sealed: Mapped[bytes] = mapped_column("salutation", LargeBinary)
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
    # What the receiving system said (CWC acknowledgement, SMTP queue id, postal letter id).
    remote_reference: Mapped[str | None] = mapped_column(String(200))
    # Posted letters only: the furthest tracking event seen, and when.
    postal_status: Mapped[PostalStatus | None] = mapped_column(
        str_enum(PostalStatus, "postal_status")
    )
    postal_updated_at: Mapped[datetime | None]
    # The UTC day this letter took its place in the campaign's postal budget (freed if it dies).
    postal_budget_day: Mapped[date | None]
    # Sheets of paper it took, for the money spent (a batched letter's are on its mailing).
    postal_sheets: Mapped[int | None]
    # The envelope (Mailing) that carries it, when its office's letters go in one mailing a
    # day. No foreign key: SQLite cannot add one to a table in place, and a mailing is only
    # ever removed with its campaign, whose deliveries go with it.
    mailing_id: Mapped[int | None] = mapped_column(index=True)
    sent_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    # When the member left office before this was sent: the day, what happened, what replaced it.
    departed_on: Mapped[str | None] = mapped_column(String(10))
    changeover: Mapped[Changeover | None] = mapped_column(str_enum(Changeover, "changeover"))
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="deliveries")
    replaced_by: Mapped[Delivery | None] = relationship(remote_side=[id])
    target: Mapped[Target | None] = relationship()
    body: Mapped[LetterText | None] = relationship(foreign_keys=[body_id])
    # Loaded with the rows that carry one, so the worker needs no query per letter.
    cover: Mapped[LetterText | None] = relationship(foreign_keys=[cover_id], lazy="selectin")

    salutation = Sealed[str]("salutation_sealed")

    def sealing_cipher(self) -> AESGCM:
        submission: Submission | None = self.submission
        session = object_session(self)
        if submission is None and session is not None:  # a new row given only submission_id
            submission = session.get(Submission, self.submission_id)
        if submission is None:
            raise ValueError("Delivery has no submission to seal its fields for")
        return submission.sealing_cipher()

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
