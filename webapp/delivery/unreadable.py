"""A supporter's sealed data the master key does not open: that letter's trouble, or the key's."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from webapp.delivery.leases import Holder
from webapp.delivery.outcomes import RetryPolicy, record_channel_wait
from webapp.delivery.postal_budget import free_places
from webapp.models import (
    DUE_STATUSES,
    Delivery,
    DeliveryStatus,
    FailureReason,
    Notification,
    Supporter,
)
from webapp.sealing import Keyring, SealingError, keyring

# Said on the letter and in the log: no personal data, only what the operator can look into.
UNREADABLE = (
    "this supporter's sealed data does not open with the master key (rotation left "
    "unfinished, or the row damaged?): not sendable. Other letters go on"
)
ROTATING = (
    "this supporter's data key is wrapped by a master key this worker does not hold, as are "
    "other supporters' (a key rotation half done?): the letter waits. Restart the worker with "
    "DATA_ENCRYPTION_KEY and DATA_ENCRYPTION_PREVIOUS_KEY as `flask supporters rotate-key` "
    "runs with; `flask outbox retry` then sends it at once"
)

# How long such a letter waits between tries: the backoff's fourth step (minutes). Only the
# operator's restart of the worker with both keys opens it; `flask outbox retry` then sends it.
ROTATION_STEP = 4


def key_opens_others(session: Session, row: Delivery | Notification) -> bool:
    """Whether the master key opens the newest other supporter's data key, as the start-up
    check does: then the key is right and only this row's supporter cannot be read. With no
    other supporter to tell by, the key is taken to be wrong (the outbox stops, nothing is
    marked dead)."""
    submission = row.submission
    query = select(Supporter.wrapped_key).order_by(Supporter.id.desc()).limit(1)
    if submission is not None:
        query = query.where(Supporter.id != submission.supporter_id)
    wrapped = session.scalar(query)
    if wrapped is None:
        return False
    return _opens(keyring(), wrapped)


def rotation_half_done(session: Session, row: Delivery | Notification) -> bool:
    """Whether `row` does not open because a master key rotation is half done, as far as this
    worker can tell: its supporter's data key is wrapped by no key it holds, and so is that of
    another supporter (the oldest, or the nearest on either side by id: `rotate-key` goes
    oldest first, so what it has done, or not yet done, is a run of ids). The letter then
    waits for the worker to get both keys. A data key that opens over a field that does not
    is a damaged row, and so is one supporter alone among readable ones: those are dead, as
    they can never be read."""
    submission = row.submission
    if submission is None:
        return False
    ring = keyring()
    own = session.scalar(
        select(Supporter.wrapped_key).where(Supporter.id == submission.supporter_id)
    )
    if own is None or _opens(ring, own):
        return False
    others = Supporter.id != submission.supporter_id
    near: list[Select[bytes]] = [
        select(Supporter.wrapped_key).where(others).order_by(Supporter.id).limit(1),
        select(Supporter.wrapped_key)
        .where(Supporter.id < submission.supporter_id)
        .order_by(Supporter.id.desc())
        .limit(1),
        select(Supporter.wrapped_key)
        .where(Supporter.id > submission.supporter_id)
        .order_by(Supporter.id)
        .limit(1),
    ]
    for query in near:
        wrapped = session.scalar(query)
        if wrapped is not None and not _opens(ring, wrapped):
            return True
    return False


def _opens(ring: Keyring, wrapped: bytes) -> bool:
    try:
        ring.unwrap(bytes(wrapped))
    except SealingError:
        return False
    return True


def set_aside(
    session: Session, rows: Sequence[Delivery], now: datetime, wait_until: datetime
) -> None:
    """Batched letters that do not open, taken out of their envelope and the budget, inside
    the caller's write transaction, as a claimed row is settled (Failures.unreadable): those a
    half done rotation keeps from opening wait until `wait_until`, the others are left dead
    with UNREADABLE, among the office's undelivered letters the organisers see. The envelope
    goes with the others."""
    waiting = [row.id for row in rows if rotation_half_done(session, row)]
    dead = [row.id for row in rows if row.id not in waiting]
    values = {"mailing_id": None, "failed_at": now, "updated_at": now}
    # The reason too, as a claimed row's (Failures.unreadable): else an envelope's earlier
    # failure (the service busy) stays the letter's, and the channel map says so.
    unreadable = {"last_error": UNREADABLE, "failure_reason": FailureReason.UNREADABLE}
    rotating = {"last_error": ROTATING, "failure_reason": None}
    for ids, more in (
        (dead, {**unreadable, "status": DeliveryStatus.DEAD, "next_attempt_at": None}),
        (waiting, {**rotating, "next_attempt_at": wait_until}),
    ):
        if ids:
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.status.in_(DUE_STATUSES))
                .values(**values, **more)
                .execution_options(synchronize_session=False)
            )
    free_places(session, [row.id for row in rows])


def rotation_wait(policy: RetryPolicy) -> timedelta:
    return policy.delay(ROTATION_STEP)


def wait_for_rotation(
    session: Session,
    row: Delivery | Notification,
    holder: Holder,
    now: datetime,
    policy: RetryPolicy,
) -> bool:
    """A claimed row that a half done rotation keeps from opening waits, using no attempt (it
    is not the letter's fault, and a rotation can take longer than its attempts last). False
    when the row is no longer this worker's."""
    until = now + rotation_wait(policy)
    return record_channel_wait(session, row, holder, now, ROTATING, until, policy, counted=False)
