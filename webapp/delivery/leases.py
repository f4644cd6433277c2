"""Leases on outbox rows: claim due rows, then send one only while this worker still holds it."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, inspect, or_, select, update
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.orm import InstanceState, Session, class_mapper

from webapp.database import write_transaction
from webapp.models import (
    DUE_STATUSES,
    Channel,
    Delivery,
    DeliveryStatus,
    Mailing,
    Notification,
    Submission,
    SubmissionStatus,
    Target,
)

Outboxed = type[Delivery] | type[Notification]
# Batched post's envelopes are leased like any outbox row.
Claimable = Outboxed | type[Mailing]
Leased = Delivery | Notification | Mailing


class LeaseLost(Exception):
    """The row was deleted (with its writer's data) or taken over since this worker read it:
    not this worker's to send or to settle."""


@dataclass(frozen=True)
class Holder:
    """Who holds a lease: a name for people (`claimed_by`) and a token no other worker has."""

    name: str
    token: str = field(default_factory=lambda: uuid.uuid4().hex)


def _waiting(model: Claimable, now: datetime) -> ColumnElement[bool]:
    return and_(
        model.status.in_(DUE_STATUSES),
        or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
    )


def _abandoned(model: Claimable, now: datetime) -> ColumnElement[bool]:
    """A row whose worker died (or fell behind): taken over once its lease has run out."""
    return and_(model.status == DeliveryStatus.SENDING, model.lease_expires_at <= now)


def _due(model: Claimable, now: datetime) -> ColumnElement[bool]:
    """Due now: found through an index on status, then checked row by row.

    As the bare condition (waiting OR abandoned), no index served it, and the deliveries'
    claim was driven from the confirmed letters instead: SQLite read every one's deliveries
    under the write lock that letters queue for (18.5 to 29.1 ms a poll with 50,000 letters
    stored). The statuses either case needs, named first, let both backends go to the few
    rows in them. (Ids from a UNION of the two cases served SQLite as well, but PostgreSQL
    probed that union once per delivery in id order: seconds a claim.)
    """
    statuses = [*DUE_STATUSES, DeliveryStatus.SENDING]
    return and_(model.status.in_(statuses), or_(_waiting(model, now), _abandoned(model, now)))


def claim_query(
    model: Claimable, now: datetime, batch: int, channels: Collection[Channel] = ()
) -> Select[int]:
    """The first `batch` due rows' ids, in order (deliveries only on `channels`)."""
    query = select(model.id).where(_due(model, now))
    if model is Delivery:
        query = (
            query.join(Submission, Submission.id == Delivery.submission_id)
            .where(Submission.status == SubmissionStatus.CONFIRMED)
            .where(Delivery.channel.in_(list(channels)))
            # Letters to an office whose post goes in one mailing a day: the batcher's.
            .where(Delivery.mailing_id.is_(None))
            .where(
                or_(
                    Delivery.channel != Channel.POST,
                    Delivery.target_id.is_(None),
                    Delivery.target_id.not_in(
                        select(Target.id).where(Target.post_batched.is_(True))
                    ),
                )
            )
        )
    return query.order_by(model.id).limit(batch)


def claim(
    session: Session,
    model: Claimable,
    holder: Holder,
    now: datetime,
    batch: int,
    lease_seconds: float,
    channels: Collection[Channel] = (),
) -> list[int]:
    """Mark up to `batch` due rows as ours (status sending, leased) and return their ids.

    The claim only reserves the rows: each is sent after `hold_for_send` succeeds. On PostgreSQL,
    FOR UPDATE SKIP LOCKED lets any number of workers claim side by side; on SQLite the write
    lock taken at BEGIN makes claiming exclusive.
    """
    with write_transaction(session):
        query = claim_query(model, now, batch, channels)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=model)
        ids = list(session.scalars(query))
        if ids:
            session.execute(
                update(model)
                .where(model.id.in_(ids))
                .values(
                    status=DeliveryStatus.SENDING,
                    claimed_by=holder.name[:64],
                    lease_token=holder.token,
                    lease_expires_at=now + timedelta(seconds=lease_seconds),
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
    return ids


def hold_for_send(
    session: Session,
    row: Leased,
    holder: Holder,
    now: datetime,
    lease_seconds: float,
) -> bool:
    """Renew `row`'s lease for one send and count the attempt, if `holder` still owns the row.

    False when another worker took the row over (its claim wrote its own token): then this
    worker must not send. The UPDATE is the check, so there is no gap between checking and
    renewing; a takeover and this renewal exclude each other (row lock on PostgreSQL, the
    write lock on SQLite). The renewed lease outlasts the send by design: `lease_seconds` is the
    channel's send deadline plus a margin (`Worker.send_lease`).
    """
    # Read before the transaction begins: its opening commit expires the row, and reading an
    # expired attribute would reload the whole row for nothing.
    model, row_id = type(row), key_of(row)
    # What the send set on the row (a posted letter's sheets) is written by this UPDATE, not
    # flushed by that opening commit: on SQLite the flush ran in the read transaction that
    # loaded the row, refused at once (SQLITE_BUSY_SNAPSHOT, no busy wait) once any other
    # connection had committed since (a heartbeat, a supporter's letter): the round failed.
    set_on_row = unwritten_values(session, row)
    with write_transaction(session):
        result = session.execute(
            update(model)
            .where(
                model.id == row_id,
                model.status == DeliveryStatus.SENDING,
                model.lease_token == holder.token,
            )
            .values(
                **set_on_row,
                lease_expires_at=now + timedelta(seconds=lease_seconds),
                attempts=model.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def release(
    session: Session,
    model: Claimable,
    ids: Collection[int],
    holder: Holder,
    now: datetime,
    channel: Channel | None = None,
) -> list[int]:
    """Give back claimed rows this worker will not send now (on `channel` only, if given),
    untouched: due again as before the claim, waiting if never tried and failed if tried,
    with their attempts as they were. Returns the ids given back."""
    if not ids:
        return []
    held = and_(
        model.id.in_(list(ids)),
        model.status == DeliveryStatus.SENDING,
        model.lease_token == holder.token,
    )
    if channel is not None and model is Delivery:
        held = and_(held, Delivery.channel == channel)
    with write_transaction(session):
        mine = list(session.scalars(select(model.id).where(held)))
        if mine:
            session.execute(
                update(model)
                .where(held, model.id.in_(mine))
                .values(
                    status=case(
                        (model.attempts == 0, DeliveryStatus.PENDING),
                        else_=DeliveryStatus.FAILED,
                    ),
                    lease_expires_at=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
    return mine


class Stranded:
    """Rows this worker claimed and never reached because its round failed (the database went
    away mid-batch): given back as soon as the database answers again. Left to wait out their
    claim's lease, receipts went 5 minutes after a 30-second PostgreSQL restart (n5's walk)."""

    def __init__(self, holder: Holder) -> None:
        self.holder = holder
        self._rows: dict[Claimable, set[int]] = {}

    def __bool__(self) -> bool:
        return bool(self._rows)

    def keep(self, model: Claimable, ids: Collection[int]) -> None:
        if ids:
            self._rows.setdefault(model, set()).update(ids)

    def give_back(self, session: Session, now: datetime) -> int:
        """Release those still ours (another worker may have taken some over): how many."""
        given = 0
        for model in list(self._rows):
            given += len(release(session, model, sorted(self._rows[model]), self.holder, now))
            del self._rows[model]
        return given


def key_of(row: Leased) -> int:
    """The row's id without reading the database: it stays known after the row is deleted
    (a supporter may erase their data while their letter is being sent)."""
    state: InstanceState[Leased] = inspect(row)
    return int(state.identity[0]) if state.identity else row.id


def unwritten_values(session: Session, row: Leased) -> dict[str, object]:
    """The column values set on `row` and not yet written, taken off it (the session will not
    flush them): for the caller to write in its own write transaction."""
    state: InstanceState[Leased] = inspect(row)
    values = {}
    for key in _own_columns(type(row)):
        added = state.attrs[key].history.added
        if added:
            values[key] = added[0]
    if values:
        session.expire(row, list(values))
    return values


def _own_columns(model: type[Leased]) -> list[str]:
    return [column.key for column in class_mapper(model).column_attrs]


def locked_if_held(session: Session, row: Leased, holder: Holder) -> bool:
    """Reload `row` (locked until commit on PostgreSQL): whether `holder` still owns it. A row
    deleted meanwhile is nobody's: False, with the stale object taken out of the session."""
    try:
        # Its own columns only: a whole refresh would run again the options it was loaded
        # with (its letter, supporter, campaign, texts and the letter's other offices), none
        # of which the outcome written here reads.
        session.refresh(row, _own_columns(type(row)), with_for_update=True)
    except InvalidRequestError:  # "could not refresh": the row is gone
        if session.get(type(row), key_of(row), populate_existing=True) is not None:
            raise
        if row in session:
            session.expunge(row)
        return False
    return row.status is DeliveryStatus.SENDING and row.lease_token == holder.token
