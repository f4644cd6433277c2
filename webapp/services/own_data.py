"""A supporter's own data from their receipt link: a copy of all of it, or deleting all of it."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.database import checkpoint_wal, write_transaction
from webapp.models import Consent, DeliveryStatus, Partner, Submission, Supporter
from webapp.services.delivery_counts import DELIVERED
from webapp.services.organisers import audit
from webapp.services.supporter_export import supporter_record
from webapp.services.supporters import erase_rows

log = logging.getLogger(__name__)

# Letters still in our hands: deleting them now means they are never delivered.
NOT_YET_DELIVERED = frozenset(
    {
        DeliveryStatus.PENDING,
        DeliveryStatus.SENDING,
        DeliveryStatus.FAILED,
        DeliveryStatus.NEEDS_ACTION,
        DeliveryStatus.PACKET,
        DeliveryStatus.HELD,
    }
)


@dataclass(frozen=True)
class OwnData:
    """What the supporter behind a receipt has here, told before they delete it."""

    letters: int  # on every campaign, not only the receipt's
    delivered: int  # offices that already have a letter of theirs: deleting cannot recall it
    not_yet_delivered: int  # offices whose letter would then never be sent
    # Partners whose own box they ticked: such a partner may already hold their details.
    partners: tuple[str, ...] = ()


def _supporter(session: Session, token: str) -> Supporter | None:
    submission = session.scalar(select(Submission).where(Submission.receipt_token == token))
    return None if submission is None else submission.supporter


def own_data(session: Session, token: str) -> OwnData | None:
    """What deleting would remove, for the supporter who holds this receipt (None: unknown)."""
    supporter = _supporter(session, token)
    if supporter is None:
        return None
    submissions = session.scalars(select(Submission).where(Submission.supporter_id == supporter.id))
    letters = 0
    statuses: Counter[DeliveryStatus] = Counter()
    for submission in submissions:
        letters += 1
        statuses.update(d.status for d in submission.deliveries)
    return OwnData(
        letters=letters,
        delivered=sum(statuses[s] for s in DELIVERED),
        not_yet_delivered=sum(statuses[s] for s in NOT_YET_DELIVERED),
        partners=_partners_told(session, supporter),
    )


def _partners_told(session: Session, supporter: Supporter) -> tuple[str, ...]:
    """Partners given this supporter's details: their box ticked on a letter not kept private."""
    names = session.scalars(
        select(Partner.name)
        .join(Consent, Consent.partner_id == Partner.id)
        .join(Submission, Submission.id == Consent.submission_id)
        .where(
            Consent.supporter_id == supporter.id,
            Consent.withdrawn_at.is_(None),
            Submission.private.is_(False),
        )
        .distinct()
        .order_by(Partner.name)
    )
    return tuple(names)


def own_data_copy(session: Session, token: str) -> dict[str, Any] | None:
    """Everything stored about the supporter who holds this receipt, as JSON-ready data."""
    supporter = _supporter(session, token)
    return None if supporter is None else supporter_record(session, supporter)


def erase_own_data(session: Session, token: str, now: datetime) -> int | None:
    """Delete the supporter who holds this receipt and everything of theirs, as `flask
    supporters erase` does; each campaign's audit log says a supporter did so, with no more
    than the number of letters. Returns the letters erased (None: the receipt is unknown)."""
    with write_transaction(session):
        supporter = _supporter(session, token)
        if supporter is None:
            return None
        campaigns = Counter(
            session.scalars(
                select(Submission.campaign_id).where(Submission.supporter_id == supporter.id)
            )
        )
        letters = erase_rows(session, supporter)
        for campaign_id, count in sorted(campaigns.items()):
            audit(session, None, "supporter.erased_own_data", now, campaign_id, letters=count)
    checkpoint_wal(session)
    log.info("a supporter erased their own data from a receipt (%d letters)", letters)
    return letters
