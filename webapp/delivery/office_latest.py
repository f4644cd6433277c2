"""Each office's latest delivered letter and latest failure, a few index entries per office."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import JSON, ColumnElement, String, bindparam, cast, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import Function

from webapp.models import Delivery, DeliveryStatus, FailureReason
from webapp.services.delivery_counts import DELIVERED

# Letters that failed and are not sent yet: waiting for a retry, or given up on.
FAILING = (DeliveryStatus.FAILED, DeliveryStatus.DEAD)


@dataclass(frozen=True)
class Latest:
    """An office's last delivered letter, and its last failed attempt with what was said."""

    success: datetime | None = None
    failure: datetime | None = None
    error: str | None = None
    reason: FailureReason | None = None  # why, when the worker recorded it
    # A letter of it waits for a retry or was given up on, now: the map's red must not wait
    # for a big campaign's tallies, which may be an hour old or not counted yet.
    failing: bool = False


def key_table(session: Session, keys: Sequence[str]) -> Function[str]:
    """The office keys as a table of one column, `value`: one statement for any number of
    offices, and no VALUES list (SQLite cannot name its columns)."""
    listed = json.dumps(list(keys))
    if session.get_bind().dialect.name == "postgresql":
        return func.json_array_elements_text(cast(bindparam("keys", listed, String), JSON))
    return func.json_each(listed)


def _delivered() -> ColumnElement[bool]:
    """Delivered, tested on the index entry: wrapped, so that SQLite cannot take the status
    for a way in through ix_delivery_campaign_office (then sort the office's every letter),
    which it did without statistics instead of reading the time-ordered index backwards."""
    return func.coalesce(Delivery.status, "").in_(DELIVERED)


def latest_per_office(session: Session, campaign_id: int, keys: Sequence[str]) -> dict[str, Latest]:
    """The latest success and failure of each office in `keys` (those with either).

    The channel map read all of a campaign's failed and delivered rows to keep each office's
    latest: 100,000 failures and more on a day the relay is down. Here each office costs a
    step into each of the ix_delivery_office_last_* indexes, however many letters it has."""
    if not keys:
        return {}
    offices = key_table(session, keys).table_valued("value").alias("office")
    office = (Delivery.campaign_id == campaign_id, Delivery.recipient_key == offices.c.value)
    # A delivered letter's time is its done_at, else its sent_at: the latest of each kind.
    done = (
        select(Delivery.done_at)
        .where(*office, Delivery.done_at.is_not(None), _delivered())
        .order_by(Delivery.done_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    sent = (
        select(Delivery.sent_at)
        .where(*office, Delivery.sent_at.is_not(None), Delivery.done_at.is_(None), _delivered())
        .order_by(Delivery.sent_at.desc())
        .limit(1)
        .scalar_subquery()
    )
    # The row, not just the time: its error is shown. By id among failures at one moment.
    failed = (
        select(Delivery.id)
        .where(*office, Delivery.failed_at.is_not(None))
        .order_by(Delivery.failed_at.desc(), Delivery.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    # One entry of ix_delivery_campaign_office (campaign, office, status) at most.
    failing = select(Delivery.id).where(*office, Delivery.status.in_(FAILING)).limit(1).exists()
    found: dict[str, Latest] = {}
    failures: dict[int, str] = {}
    for key, done_at, sent_at, failed_id, now_failing in session.execute(
        select(offices.c.value, done, sent, failed, failing).select_from(offices)
    ):
        success = max((t for t in (done_at, sent_at) if t is not None), default=None)
        if success is not None or now_failing:
            found[key] = Latest(success=success, failing=bool(now_failing))
        if failed_id is not None:
            failures[failed_id] = key
    if failures:
        for row_id, failed_at, error, reason in session.execute(
            select(
                Delivery.id, Delivery.failed_at, Delivery.last_error, Delivery.failure_reason
            ).where(Delivery.id.in_(failures))
        ):
            key = failures[row_id]
            known = found.get(key, Latest())
            found[key] = Latest(known.success, failed_at, error, reason, known.failing)
    return found
