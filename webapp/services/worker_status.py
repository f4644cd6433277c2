"""Whether an outbox worker is sending letters, from the heartbeats the workers write."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
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


def worker_status(session: Session, now: datetime) -> WorkerStatus:
    """ACTIVE when any worker was seen within STALE_AFTER or is in the middle of a round."""
    last_seen = session.scalar(select(func.max(WorkerHeartbeat.seen_at)))
    if last_seen is not None and now - last_seen <= STALE_AFTER:
        return WorkerStatus(WorkerState.ACTIVE, last_seen)
    if _mid_round(session, now):
        return WorkerStatus(WorkerState.ACTIVE, last_seen)
    return WorkerStatus(WorkerState.NEVER if last_seen is None else WorkerState.STOPPED, last_seen)


def heartbeats(session: Session) -> list[WorkerHeartbeat]:
    """Every worker's row, the most recently seen first (`flask outbox status`)."""
    rows = select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc())
    return list(session.scalars(rows))
