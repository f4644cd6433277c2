"""A supporter's letter to a campaign (Submission); its Delivery rows are in delivery.py."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.civic.types import Residence
from webapp.database import Base, index_where_set, str_enum, utcnow
from webapp.letters.text import office_paragraph, signature_of, us_place
from webapp.models.campaign import Campaign, Partner
from webapp.models.letter_text import LetterText, new_receipt_token, supporters_cipher
from webapp.models.statuses import DeliveryStatus, LookupMatch, SubmissionStatus
from webapp.models.supporter import Supporter
from webapp.sealing import Sealed

if TYPE_CHECKING:
    from webapp.models.delivery import Delivery


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
        # Only letters that came through a partner: most do not, and each would add an entry.
        index_where_set("ix_submission_partner_id", "partner_id", set_column="partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    supporter_id: Mapped[int] = mapped_column(
        ForeignKey("supporter.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    # The partner code the letter came with, as written, when it named no partner of the
    # campaign (a mistyped snippet): the dashboard lists it so the organisers can tell the
    # partner. Only a code's characters (webapp/services/partner_codes.py), never free text.
    unknown_partner_code: Mapped[str | None] = mapped_column(String(64))
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
        return supporters_cipher(self, self.supporter, self.supporter_id)

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
    def offices_by_hand(self) -> int:
        """Offices waiting for the supporter to send the letter through their own website."""
        return sum(d.status is DeliveryStatus.NEEDS_ACTION for d in self.deliveries)

    @property
    def offices_failed(self) -> int:
        """Offices every delivery attempt failed for (not those whose member left office, which
        their row explains): the organisers may try again, or the supporter may send it."""
        return sum(
            d.status is DeliveryStatus.DEAD and d.changeover is None for d in self.deliveries
        )

    @property
    def released_unproven(self) -> bool:
        """Held, then released by an organiser before its writer clicked the emailed link: that
        click still proves the address (partner lists and CWC read `email_verified`)."""
        return self.held and self.status is SubmissionStatus.CONFIRMED and not self.email_verified

    @property
    def unproven(self) -> bool:
        """Delivered or on its way (confirmed at once, or released) while no link emailed with
        it was clicked: a click on its link still proves the address (`email_verified`, read
        by partner lists, CWC's EmailValidation and the organisers' export)."""
        return self.status is SubmissionStatus.CONFIRMED and not self.email_verified

    @property
    def voting_place(self) -> str:
        return us_place(self.voting_city, self.state, self.zip_code)

    @property
    def signature_lines(self) -> list[str]:
        return signature_of(self)
