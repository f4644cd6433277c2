"""Whether an outbox worker is sending letters, from the heartbeats the workers write."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import DateTime, String, func, select
from sqlalchemy.orm import Session

from webapp.models import WorkerHeartbeat

# Workers write every 30 s, during rounds too (delivery/heartbeat.py): six missed beats is no
# passing hiccup, and a worker that died mid-round reads as stopped this long after its last.
STALE_AFTER = timedelta(minutes=3)


class WorkerState(enum.Enum):
    ACTIVE = "active"
    STOPPED = "stopped"  # seen once, not for over STALE_AFTER
    NEVER = "never"  # no worker has written a heartbeat on this database


@dataclass(frozen=True)
class WorkerStatus:
    state: WorkerState
    last_seen: datetime | None  # the latest heartbeat of any worker
    signed_off: bool = False  # STOPPED, and the last worker seen was told to stop

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


def worker_status(session: Session) -> WorkerStatus:
    """ACTIVE when any worker not signed off was seen within STALE_AFTER, by the database's
    clock. Workers beat between the steps of a round too, so nothing else (a lease held, say)
    need be looked at."""
    seen = func.max(WorkerHeartbeat.seen_at)
    found = session.execute(
        select(
            seen,
            seen.filter(WorkerHeartbeat.stopped_at.is_(None)),
            seen.filter(WorkerHeartbeat.stopped_at.is_not(None)),
        )
    ).one()
    last_seen: datetime | None = found[0]
    last_running: datetime | None = found[1]
    if last_seen is None:
        return WorkerStatus(WorkerState.NEVER, None)
    if last_running is not None and database_now(session) - last_running <= STALE_AFTER:
        return WorkerStatus(WorkerState.ACTIVE, last_seen)
    return WorkerStatus(WorkerState.STOPPED, last_seen, signed_off=found[2] == last_seen)


def is_sending(row: WorkerHeartbeat, now: datetime) -> bool:
    """Whether this worker counts as sending at `now` (the database's time), as worker_status
    judges all of them: not signed off, and seen within STALE_AFTER."""
    return row.stopped_at is None and now - row.seen_at <= STALE_AFTER


def heartbeats(session: Session) -> list[WorkerHeartbeat]:
    """Every worker's row, the most recently seen first (`flask outbox status`)."""
    rows = select(WorkerHeartbeat).order_by(WorkerHeartbeat.seen_at.desc())
    return list(session.scalars(rows))
