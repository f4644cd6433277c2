"""A campaign that closed while its form was open: whether a Send's letter is recorded."""

from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.sealing import keyring
from webapp.services.letter_rows import find_writer


def recorded_receipt(session: Session, campaign_id: int, email: str) -> str | None:
    """The receipt token of the letter this address wrote to the campaign, if any. A second
    press of Send as it closed, or Back and Send, is answered as it would be while open (its
    letter is recorded), never that nothing was sent."""
    email = email.strip()
    if not email:
        return None
    found = find_writer(session, campaign_id, keyring().email_keys(email))
    return found.letter[1] if found is not None and found.letter is not None else None
