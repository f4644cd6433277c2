"""Letters to a member who left office: re-targeted to the seat's new member, or held."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from webapp.civic.congress import seated_congress
from webapp.civic.lookup import CivicLookup
from webapp.civic.seating import changed_states
from webapp.civic.types import MatchKind
from webapp.database import write_transaction
from webapp.delivery.channels import chooser_from_config, initial_status
from webapp.delivery.leases import Holder
from webapp.models import (
    Changeover,
    Delivery,
    DeliveryStatus,
    Official,
    Submission,
    SubmissionStatus,
)
from webapp.services.departures import PREFIX, Departure, departures, seated_successor
from webapp.services.proven_address import lock_supporter
from webapp.services.recomposed import letter_to, same_letter, signer_of
from webapp.services.submissions import ChannelChooser, new_delivery

log = logging.getLogger(__name__)
# Not yet delivered, and not in a worker's hands: these may still go to another office.
UNSENT = (
    DeliveryStatus.PENDING,
    DeliveryStatus.FAILED,
    DeliveryStatus.NEEDS_ACTION,
    DeliveryStatus.PACKET,
)


@dataclass(frozen=True)
class ChangeoverDeps:
    lookup: CivicLookup  # its roster index knows each Congress's seats (redrawn states)
    choose: ChannelChooser
    pinned_congress: int | None = None


def changeover_deps(lookup: CivicLookup, config: Mapping[str, Any]) -> ChangeoverDeps:
    return ChangeoverDeps(
        lookup=lookup,
        choose=chooser_from_config(config),
        pinned_congress=int(config["CIVIC_CONGRESS"]) or None,
    )


@dataclass
class ChangeoverReport:
    retargeted: int = 0
    held: int = 0
    restored: int = 0  # held while the seat looked empty; the member turned out to be serving
    outcomes: list[Changeover] = field(default_factory=list)


def _why_held(
    session: Session, deps: ChangeoverDeps, delivery: Delivery, now: datetime
) -> Changeover | None:
    """Why the seat's new member cannot be trusted to be this supporter's, or None."""
    if delivery.recipient_chamber != "us_house":
        return None
    sub = delivery.submission
    seated = deps.pinned_congress or seated_congress(now)
    changed = changed_states(
        session, deps.lookup.roster, sub.congress, seated, deps.lookup.redistricted
    )
    if changed is None or delivery.recipient_state in changed:
        return Changeover.HELD_REDISTRICTED
    at_large = delivery.recipient_district == "0"
    if sub.lookup_match is not MatchKind.EXACT and not at_large:
        return Changeover.HELD_NOT_EXACT
    return None


def _open(delivery: Delivery, holder: Holder | None) -> bool:
    """Whether this row may still go elsewhere: unsent, or being sent by `holder` itself.
    Never once retention took its writer's words: what is left is not the letter they wrote."""
    if delivery.submission.purged_at is not None:
        return False
    if delivery.status in UNSENT:
        return True
    if delivery.status is DeliveryStatus.HELD:
        return delivery.changeover is Changeover.HELD_NO_SUCCESSOR
    return (
        delivery.status is DeliveryStatus.SENDING
        and holder is not None
        and delivery.lease_token == holder.token
    )


def _clear_lease(delivery: Delivery, now: datetime) -> None:
    delivery.lease_expires_at = None
    delivery.lease_token = None
    delivery.next_attempt_at = None
    delivery.updated_at = now


def retarget(
    session: Session,
    deps: ChangeoverDeps,
    delivery: Delivery,
    successor: Official,
    departure: Departure,
    now: datetime,
) -> Changeover:
    """Replace `delivery` by one to `successor` (inside the caller's transaction)."""
    sub = delivery.submission
    key = PREFIX + successor.external_id
    # Asked of the database, not the loaded collection: another worker may have added it.
    existing = session.scalar(
        select(Delivery).where(Delivery.submission_id == sub.id, Delivery.recipient_key == key)
    )
    outcome = Changeover.ALREADY_WRITING if existing is not None else Changeover.RETARGETED
    if existing is None:
        letter = letter_to(delivery, successor)
        signer = signer_of(sub)
        channel = deps.choose(letter.recipient, signer)
        confirmed = sub.status is SubmissionStatus.CONFIRMED
        own_body = sub.edited_body if sub.edited_body is not None else sub.statement.body
        writer = (sub.supporter, signer)
        existing = new_delivery(
            session, sub.campaign_id, letter, channel, confirmed, own_body, writer, now
        )
        existing.target_id = delivery.target_id
        sub.deliveries.append(existing)
        session.flush()
    delivery.status = DeliveryStatus.REPLACED
    delivery.changeover = outcome
    delivery.departed_on = departure.left_on
    delivery.replaced_by = existing
    _clear_lease(delivery, now)
    return outcome


def _hold(
    delivery: Delivery, reason: Changeover, departure: Departure, now: datetime
) -> Changeover:
    delivery.status = DeliveryStatus.HELD
    delivery.changeover = reason
    delivery.departed_on = departure.left_on
    _clear_lease(delivery, now)
    return reason


def _restore(delivery: Delivery, now: datetime) -> None:
    """Held while the seat looked empty, but the member serves on: it goes after all."""
    confirmed = delivery.submission.status is SubmissionStatus.CONFIRMED
    channel = delivery.channel
    delivery.status = initial_status(channel, confirmed) if channel else DeliveryStatus.PENDING
    delivery.changeover = None
    delivery.departed_on = None
    _clear_lease(delivery, now)


def _settle_one(
    session: Session,
    deps: ChangeoverDeps,
    delivery: Delivery,
    departure: Departure,
    now: datetime,
) -> Changeover:
    successor = seated_successor(session, departure.official, now, deps.pinned_congress)
    if successor is None:
        return _hold(delivery, Changeover.HELD_NO_SUCCESSOR, departure, now)
    reason = _why_held(session, deps, delivery, now)
    if reason is None and not same_letter(delivery, letter_to(delivery, departure.official)):
        reason = Changeover.HELD_LETTER_CHANGED
    if reason is not None:
        return _hold(delivery, reason, departure, now)
    return retarget(session, deps, delivery, successor, departure, now)


def locked_delivery(session: Session, delivery_id: int) -> Delivery | None:
    """The row, re-read and locked until commit (PostgreSQL; SQLite's write lock is held),
    after its writer's supporter row: a delivery added to their letter is sealed under their
    data key, which a deletion from a receipt renews meanwhile otherwise (`lock_writer`)."""
    writer = session.scalar(
        select(Submission.supporter_id)
        .join(Delivery, Delivery.submission_id == Submission.id)
        .where(Delivery.id == delivery_id)
    )
    if writer is None or lock_supporter(session, writer) is None:
        return None
    return session.get(Delivery, delivery_id, with_for_update=True, populate_existing=True)


def departure_of(
    session: Session, delivery: Delivery, now: datetime, pinned: int | None
) -> Departure | None:
    bioguide = delivery.recipient_key.removeprefix(PREFIX)
    return departures(session, now, pinned, only=[bioguide]).get(delivery.recipient_key)


def settle(
    session: Session,
    deps: ChangeoverDeps,
    delivery_id: int,
    now: datetime,
    report: ChangeoverReport,
    holder: Holder | None = None,
) -> None:
    """Re-target or hold one delivery whose member left office, in its own transaction.

    Idempotent and safe beside other workers: the row is locked and checked again first, and a
    row already replaced, sent or held for another reason is left alone.
    """
    with write_transaction(session):
        delivery = locked_delivery(session, delivery_id)
        if delivery is None or not _open(delivery, holder):
            return
        departure = departure_of(session, delivery, now, deps.pinned_congress)
        if departure is None:
            if delivery.status is DeliveryStatus.HELD:
                _restore(delivery, now)
                report.restored += 1
            return
        outcome = _settle_one(session, deps, delivery, departure, now)
    report.outcomes.append(outcome)
    if outcome in (Changeover.RETARGETED, Changeover.ALREADY_WRITING):
        report.retargeted += 1
    else:
        report.held += 1


def _waiting_for_a_member() -> ColumnElement[bool]:
    return and_(
        Delivery.status == DeliveryStatus.HELD,
        Delivery.changeover == Changeover.HELD_NO_SUCCESSOR,
    )


def apply_changeover(
    session: Session,
    deps: ChangeoverDeps,
    now: datetime,
    step: Callable[[], object] = lambda: None,
) -> ChangeoverReport:
    """Every unsent letter to a member no longer seated: re-targeted or held, each committed.

    Letters held because the seat looked empty are looked at again, so the new member's
    arrival (the next roster sync) sends them on. `step` is called before each letter, between
    commits (the worker's heartbeat).
    """
    report = ChangeoverReport()
    gone = list(departures(session, now, deps.pinned_congress))
    to_departed = and_(
        Delivery.recipient_key.in_(gone),
        or_(Delivery.status.in_(UNSENT), _waiting_for_a_member()),
    )
    # A letter retention took the words from stays as it is (`_open`): not looked at each pass.
    kept_whole = select(Submission.id).where(Submission.purged_at.is_(None))
    ids = sorted(
        set(
            session.scalars(
                select(Delivery.id).where(
                    or_(to_departed, _waiting_for_a_member()),
                    Delivery.submission_id.in_(kept_whole),
                )
            )
        )
    )
    session.commit()  # end the read: each row gets its own short write transaction
    for delivery_id in ids:
        step()
        try:
            settle(session, deps, delivery_id, now, report)
        except SQLAlchemyError as exc:
            # e.g. another worker added the same new delivery first: the next pass sees it.
            # Only the error's class: its text would quote the letter's parameters.
            log.warning(
                "changeover of delivery %s failed (%s); retried on the next pass",
                delivery_id,
                type(exc).__name__,
            )
    return report
