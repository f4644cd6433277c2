"""The outbox: one Delivery row per office a supporter's letter goes to."""

from __future__ import annotations

from datetime import date, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from webapp.database import Base, index_where_set, str_enum
from webapp.letters.text import assemble_letter
from webapp.models.campaign import Target
from webapp.models.failure_reason import FailureReason
from webapp.models.letter_text import LetterText
from webapp.models.outbox import OutboxRow
from webapp.models.statuses import Changeover, Channel, PostalStatus
from webapp.models.submission import Submission
from webapp.sealing import Sealed


class Delivery(OutboxRow, Base):
    """The outbox: one row per (submission, office), written in the submission's transaction."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("submission_id", "recipient_key"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
        Index("ix_delivery_campaign_office", "campaign_id", "recipient_key", "status"),
        # A campaign's letters in one status (held at a changeover, on every dashboard view):
        # SQLite otherwise read all of the campaign's deliveries through the index above.
        Index("ix_delivery_status_campaign", "status", "campaign_id"),
        # The next three leave out the rows where their column is still empty: every letter's
        # insert (four offices at a time on a day of action) would otherwise add an entry to
        # each. Tracking events name the postal service's letter id.
        index_where_set(
            "ix_delivery_remote_reference", "remote_reference", set_column="remote_reference"
        ),
        # The postal budget counts the letters that took a place in it, per campaign and day.
        index_where_set(
            "ix_delivery_postal_budget",
            "campaign_id",
            "postal_budget_day",
            set_column="postal_budget_day",
        ),
        index_where_set("ix_delivery_mailing_id", "mailing_id", set_column="mailing_id"),
        # Each office's latest failure and latest success, read a few index entries per office
        # by the channel map (it had read every failed row of the campaign on each render);
        # like those above, without the rows that never failed, were never sent or done.
        index_where_set(
            "ix_delivery_office_last_failure",
            "campaign_id",
            "recipient_key",
            "failed_at",
            set_column="failed_at",
        ),
        # A delivered letter's time is its done_at (by the supporter, or tracked to the door)
        # else its sent_at: one index for each, carrying what the lookup filters on besides.
        index_where_set(
            "ix_delivery_office_last_done",
            "campaign_id",
            "recipient_key",
            "done_at",
            "status",
            set_column="done_at",
        ),
        index_where_set(
            "ix_delivery_office_last_sent",
            "campaign_id",
            "recipient_key",
            "sent_at",
            "done_at",
            "status",
            set_column="sent_at",
        ),
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
    # Sealed like the submission's fields: it may carry the supporter's name (merge fields).
    salutation_sealed: Mapped[bytes] = mapped_column("salutation", LargeBinary)
    # Set only when this office's body differs from the submission's: merge fields, or the
    # target's own body. Either way it is the organisation's text, never the supporter's.
    body_id: Mapped[int | None] = mapped_column(ForeignKey("letter_text.id"))
    # The target's cover paragraph above the body, as merged for this letter.
    cover_id: Mapped[int | None] = mapped_column(ForeignKey("letter_text.id"))
    failed_at: Mapped[datetime | None]  # the last failed attempt
    # Why it failed (or was held), decided when the error was met; None before c19c00000025.
    failure_reason: Mapped[FailureReason | None] = mapped_column(
        str_enum(FailureReason, "failure_reason")
    )
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
    mailing_id: Mapped[int | None]
    done_at: Mapped[datetime | None]
    # When the member left office before this was sent: the day, what happened, what replaced it.
    departed_on: Mapped[str | None] = mapped_column(String(10))
    changeover: Mapped[Changeover | None] = mapped_column(str_enum(Changeover, "changeover"))
    replaced_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("delivery.id", ondelete="SET NULL")
    )

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
