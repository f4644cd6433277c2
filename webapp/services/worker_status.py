"""Whether an outbox worker is sending letters, from the heartbeats the workers write."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, func, select
from sqlalchemy.orm import Session

from webapp.models import Delivery, DeliveryStatus, Notification, WorkerHeartbeat

# Workers write every 30 s (delivery/heartbeat.py): six missed beats is no passing hiccup.
STALE_AFTER = timedelta(minutes=3)


class WorkerState(enum.Enum):
    ACTIVE = "active"
    STOPPED = "stopped"  # seen once, not for over STALE_AFTER
    NEVER = "never"  # no worker has written a heartbeat on this database


@dataclass(frozen=True)
class WorkerStatus:
    state: WorkerState
    last_seen: datetime | None  # the latest heartbeat of any worker

    @property
    def active(self) -> bool:
        return self.state is WorkerState.ACTIVE


def database_now(session: Session) -> datetime:
    """The database's current time, aware UTC. Heartbeats are written and judged by it: it is
    the one clock every web process and worker host shares, so a host's clock being off makes
    no worker seem alive or dead. (SQLite's is its one machine's, where web and worker run.)"""
    if session.get_bind().dialect.name == "sqlite":
        # Milliseconds: CURRENT_TIMESTAMP has whole seconds only. 'now' is UTC.
        now = func.strftime("%Y-%m-%d %H:%M:%f", "now", type_=String)
        return datetime.fromisoformat(session.scalars(select(now)).one()).replace(tzinfo=UTC)
    # The time now, not its transaction's start (now()): the session's may have begun earlier.
    clock = func.clock_timestamp(type_=DateTime(timezone=True))
    return session.scalars(select(clock)).one().astimezone(UTC)


def _mid_round(session: Session, now: datetime) -> bool:
    """A row a worker holds on an unexpired lease: a long round (slow offices, many letters)
    renews it before each send, though its heartbeat waits for the round's end."""
    for model in (Delivery, Notification):
        held = select(model.id).where(
            model.status == DeliveryStatus.SENDING, model.lease_expires_at > now
        )
        if session.scalar(held.limit(1)) is not None:
            return True
    return False


def worker_status(session: Session) -> WorkerStatus:
    """ACTIVE when any worker was seen within STALE_AFTER, by the database's clock, or is in
    the middle of a round."""
    last_seen = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    now = database_now(session)
    if last_seen is not None and now - last_seen <= STALE_AFTER:
        return WorkerStatus(WorkerState.ACTIVE, last_seen)
    if _mid_round(session, now):
        return WorkerStatus(WorkerState.ACTIVE, last_seen)
    return WorkerStatus(WorkerState.NEVER if last_seen is None else WorkerState.STOPPED, last_seen)


def heartbeats(session: Session) -> list[WorkerHeartbeat]:
    """Every worker's row, the most recently seen first (`flask outbox status`)."""
    rows = select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc())
    return list(session.scalars(rows))
