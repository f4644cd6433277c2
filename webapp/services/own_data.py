"""A letter's own data from its receipt link: a copy of all it holds, or deleting it."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.database import checkpoint_wal, write_transaction
from webapp.models import AuditAction, Consent, DeliveryStatus, Partner, Submission
from webapp.services.delivery_counts import (
    DELIVERED,
    ON_THE_WAY,
    WAITING_FOR_SUPPORTER,
    WITH_ORGANISERS,
)
from webapp.services.organisers import audit
from webapp.services.proven_address import lock_writer
from webapp.services.submissions import letter_by_receipt
from webapp.services.supporter_export import letter_record
from webapp.services.supporters import erase_letter_rows, erase_rows

log = logging.getLogger(__name__)

# Letters still in our hands (on the way, with the writer or the organisers, or held when
# their member left office): deleting them now means they are never delivered.
NOT_YET_DELIVERED = ON_THE_WAY | WAITING_FOR_SUPPORTER | WITH_ORGANISERS | {DeliveryStatus.HELD}


@dataclass(frozen=True)
class OwnData:
    """What one letter holds, told before its writer deletes it."""

    delivered: int  # offices that already have it: deleting cannot recall it
    not_yet_delivered: int  # offices it would then never be sent to
    # Partners whose own box was ticked with it: such a partner may hold their details already.
    partners: tuple[str, ...] = ()


# A receipt proves who wrote that letter, nothing more: anyone may write a letter with someone
# else's email address, and letters with one address share its supporter row. So a receipt's
# copy and deletion cover its own letter, never the supporter's other letters.
def _letter(session: Session, token: str) -> Submission | None:
    return letter_by_receipt(session, token)


def own_data(session: Session, token: str, language: str) -> OwnData | None:
    """What deleting this receipt's letter would remove (None: no such receipt); partners
    named as a reader of `language` knows them."""
    letter = _letter(session, token)
    if letter is None:
        return None
    statuses: Counter[DeliveryStatus] = Counter(d.status for d in letter.deliveries)
    return OwnData(
        delivered=sum(statuses[s] for s in DELIVERED),
        not_yet_delivered=sum(statuses[s] for s in NOT_YET_DELIVERED),
        partners=_partners_told(session, letter, language),
    )


def _partners_told(session: Session, letter: Submission, language: str) -> tuple[str, ...]:
    """Partners given the writer's details with this letter: their box ticked, not private."""
    if letter.private:
        return ()
    partners = session.scalars(
        select(Partner)
        .join(Consent, Consent.partner_id == Partner.id)
        .where(Consent.submission_id == letter.id, Consent.withdrawn_at.is_(None))
        .distinct()
        .order_by(Partner.name)
    )
    return tuple(letter.campaign.partner_name(p, language) for p in partners)


def own_data_copy(session: Session, token: str) -> dict[str, Any] | None:
    """Everything this receipt's letter holds about its writer, as JSON-ready data."""
    letter = _letter(session, token)
    if letter is None:
        return None
    consents = session.scalars(
        select(Consent).where(Consent.submission_id == letter.id).order_by(Consent.id)
    )
    return {
        "email": letter.supporter.email,
        "letter": letter_record(session, letter, internals=False),
        "consents": [
            {
                "wording": c.wording,
                "granted_at": c.granted_at.isoformat(),
                "withdrawn": c.withdrawn_at is not None,
            }
            for c in consents
        ],
    }


def erase_own_data(session: Session, token: str, now: datetime) -> bool:
    """Delete this receipt's letter and all it holds, as `flask supporters erase` deletes a
    supporter's; the supporter row goes too when no other letter of theirs is left. The
    campaign's audit log says a writer did so, and nothing about them. False: no such receipt."""
    with write_transaction(session):
        letter = _letter(session, token)
        if letter is None:
            return False
        # A letter of theirs recorded meanwhile waits for this one's key change, then finds
        # the new key (`write_supporter`), instead of sealing its rows under the old one.
        lock_writer(session, letter)
        # Their letters read again and locked, in id order as expiry locks them: another
        # deletion of theirs, or retention, may have deleted this one or sealed it under a new
        # key while this one waited (a double click on Delete, two receipts at once).
        theirs = session.scalars(
            select(Submission)
            .where(Submission.supporter_id == letter.supporter_id)
            .order_by(Submission.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).all()
        letter = next((mine for mine in theirs if mine.id == letter.id), None)
        if letter is None:
            return False
        campaign_id, supporter = letter.campaign_id, letter.supporter
        others = session.scalar(
            select(Submission.id)
            .where(Submission.supporter_id == supporter.id, Submission.id != letter.id)
            .limit(1)
        )
        if others is None:
            erase_rows(session, supporter)
        else:
            erase_letter_rows(session, letter)
        audit(session, None, AuditAction.SUPPORTER_ERASED_OWN_LETTER, now, campaign_id)
    checkpoint_wal(session)
    log.info("a writer erased their letter from its receipt")
    return True
