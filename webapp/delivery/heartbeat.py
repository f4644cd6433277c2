"""The outbox worker's heartbeat: a row saying it is alive, written as it works, never fatal."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from webapp.database import db, in_writer_turn, write_transaction
from webapp.models import WorkerHeartbeat
from webapp.services.stats import upsert_into
from webapp.services.worker_status import database_now

log = logging.getLogger(__name__)

# On SQLite every write takes the database's one write lock, which letters queue for: a row per
# 2-second poll would cost them; every 30 s is still well inside the dashboard's 3 minutes.
EVERY_SECONDS = 30.0
# A worker stopped a day ago is history, not news: any live worker clears its row.
PRUNE_AFTER = timedelta(days=1)


class Heartbeat:
    """One worker's heartbeat. `beat` is called between rounds and between the steps of one
    (each send, envelope, changed-over letter), so a round longer than the dashboard's 3 minutes
    reads as work and a worker that dies mid-round goes quiet at once. It writes at most every
    EVERY_SECONDS (monotonic time, so a clock step neither floods nor silences it), and not
    while `paused` (an outbox halted for its master key sends nothing: it must not read active).

    Every time in the row is the database's (`database_now`), not this host's: the dashboard
    judges it by that clock. The start and the round's end are kept as monotonic readings and
    written as that long before the database's time now."""

    def __init__(self, app: Flask, worker_id: str, paused: Callable[[], bool]) -> None:
        self.app = app
        self.worker_id = worker_id
        self.paused = paused
        self.started = time.monotonic()
        self.started_at: datetime | None = None  # fixed by the first row written
        self.round_ended: float | None = None
        self.written_at = float("-inf")
        self.round_written = False

    def beat(self, finished: bool = False) -> bool:
        """Note that the worker is alive (`finished`: it has just ended a round) and write the
        row when due: at once on start and on the first round's end, then every EVERY_SECONDS.
        Returns whether it wrote. Never raises: a busy database must not stop the sending."""
        # Inside a write transaction of this thread's, on SQLite it would wait for its own lock.
        if self.paused() or in_writer_turn():
            return False
        if finished:
            self.round_ended = time.monotonic()
        first_round = finished and not self.round_written
        if not first_round and time.monotonic() - self.written_at < EVERY_SECONDS:
            return False
        # A failed write waits its turn too: a busy database is not asked again every poll.
        self.written_at = time.monotonic()
        try:
            with self.app.app_context():
                try:
                    self.write(db.session())
                finally:
                    db.session.remove()
        except Exception as exc:
            log.warning("worker heartbeat not written (sending goes on): %s", type(exc).__name__)
            return False
        self.round_written = self.round_ended is not None
        return True

    def sign_off(self) -> bool:
        """Write that this worker has stopped, once its last row is finished (it was told to
        stop): the dashboard then says so at once instead of three minutes later. Returns
        whether it wrote; never raises (a worker killed outright reads stopped by its silence)."""
        try:
            with self.app.app_context():
                try:
                    session = db.session()
                    with write_transaction(session):
                        now = database_now(session)
                        session.execute(
                            update(WorkerHeartbeat)
                            .where(WorkerHeartbeat.worker_id == self.worker_id)
                            .values(seen_at=now, stopped_at=now)
                        )
                finally:
                    db.session.remove()
        except Exception as exc:
            log.warning("worker stop not recorded: %s", type(exc).__name__)
            return False
        return True

    def write(self, session: Session) -> None:
        """Its own short transaction, between steps: never held across a send."""
        with write_transaction(session):
            now = database_now(session)

            def at(reading: float) -> datetime:
                return now - timedelta(seconds=time.monotonic() - reading)

            round_at = None if self.round_ended is None else at(self.round_ended)
            self.started_at = self.started_at or at(self.started)
            values = {
                "started_at": self.started_at,
                "seen_at": now,
                "round_at": round_at,
                # A worker restarted under the same --worker-id is not the stopped one.
                "stopped_at": None,
            }
            statement = upsert_into(session, WorkerHeartbeat).values(
                worker_id=self.worker_id, **values
            )
            # Several workers may beat at once on PostgreSQL: each its own row, no read first.
            statement = statement.on_conflict_do_update(index_elements=["worker_id"], set_=values)
            session.execute(statement)
            session.execute(
                delete(WorkerHeartbeat).where(WorkerHeartbeat.seen_at < now - PRUNE_AFTER)
            )
