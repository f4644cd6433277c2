"""Supporters (one per email address) and the consents they gave, with the exact wording shown."""

from __future__ import annotations

from datetime import datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.database import Base, utcnow
from webapp.sealing import Sealed, cached_cipher, new_cipher, remember_cipher


class Supporter(Base):
    __tablename__ = "supporter"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Keyed hash of the case-folded address (Keyring.email_key), used for matching.
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    # This supporter's data key, wrapped by DATA_ENCRYPTION_KEY: their personal fields here,
    # on their letters and deliveries are sealed under it, and erasing the row destroys it.
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    email_sealed: Mapped[bytes] = mapped_column("email", LargeBinary)
    first_name_sealed: Mapped[bytes] = mapped_column("first_name", LargeBinary)
    last_name_sealed: Mapped[bytes] = mapped_column("last_name", LargeBinary)
    street_sealed: Mapped[bytes | None] = mapped_column("street", LargeBinary)
    city_sealed: Mapped[bytes | None] = mapped_column("city", LargeBinary)
    state: Mapped[str | None] = mapped_column(String(2))
    zip_code_sealed: Mapped[bytes | None] = mapped_column("zip_code", LargeBinary)
    country: Mapped[str | None] = mapped_column(String(2))
    language: Mapped[str] = mapped_column(String(16), default="en")
    # Asked us to send no more follow-up emails (the survey's unsubscribe link, or by request);
    # receipts and confirmations of a letter they write still go.
    no_contact_at: Mapped[datetime | None]
    # When a link we emailed to this address was first clicked (a letter's confirmation). From
    # then on a letter from the address changes the name, address and language here only once
    # its own link is clicked: anyone may type someone else's address into the form.
    proven_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    consents: Mapped[list[Consent]] = relationship(
        back_populates="supporter", cascade="all, delete-orphan"
    )

    email = Sealed[str]("email_sealed")
    first_name = Sealed[str]("first_name_sealed")
    last_name = Sealed[str]("last_name_sealed")
    street = Sealed[str | None]("street_sealed")
    city = Sealed[str | None]("city_sealed")
    zip_code = Sealed[str | None]("zip_code_sealed")

    def sealing_cipher(self) -> AESGCM:
        cipher = cached_cipher(self, self.wrapped_key)
        if cipher is None:  # a new supporter
            self.renew_data_key()
            return self.sealing_cipher()
        return cipher

    def renew_data_key(self) -> None:
        """A fresh data key; values sealed under the old one must be sealed again (reseal)."""
        cipher, self.wrapped_key = new_cipher()
        remember_cipher(self, self.wrapped_key, cipher)


class Consent(Base):
    """A consent a supporter ticked, kept with the wording they saw so it can be shown later."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    supporter_id: Mapped[int] = mapped_column(
        ForeignKey("supporter.id", ondelete="CASCADE"), index=True
    )
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submission.id", ondelete="CASCADE"), index=True
    )
    wording: Mapped[str] = mapped_column(String(500))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    supporter: Mapped[Supporter] = relationship(back_populates="consents")
