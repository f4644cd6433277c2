"""Organisation statements stored once (LetterText), and helpers the letter rows share."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship

from webapp.database import Base, time_ordered_hex, utcnow
from webapp.models.supporter import Supporter
from webapp.sealing import Sealed


def supporters_cipher(row: Any, supporter: Supporter | None, supporter_id: int | None) -> AESGCM:
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
        return supporters_cipher(self, self.owner, self.owner_id)


def owned_text_name() -> str:
    """The name of a text with a supporter's name or ZIP merged into it: random, not its
    digest, since a digest of a known letter with a name in it would confirm a guess. Ordered by
    time, as most letters add one (see time_ordered_hex)."""
    return time_ordered_hex(64)


def new_receipt_token() -> str:
    return secrets.token_urlsafe(24)
