"""The worker's part in a new Congress: a daily roster sync, and no letter to a departed office."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from webapp.civic.loading import DatasetLoadError, load_roster
from webapp.database import db
from webapp.delivery.leases import Holder, key_of
from webapp.models import Delivery, Notification
from webapp.services.changeover import (
    ChangeoverDeps,
    ChangeoverReport,
    apply_changeover,
    changeover_deps,
    settle,
)
from webapp.services.departures import PREFIX, departures

log = logging.getLogger(__name__)
# Between syncs the date alone can end a term (3 January): letters are looked at hourly too.
PASS_EVERY = timedelta(hours=1)


def divert_departed(
    session: Session,
    deps: ChangeoverDeps,
    rows: Sequence[Delivery | Notification],
    holder: Holder,
    now: datetime,
) -> list[Delivery | Notification]:
    """The claimed rows still to send: one whose member left office is settled instead."""
    # Read before the first settle: each commits, which leaves the other rows to be read
    # again, and one of them may have been erased with its writer's data meanwhile.
    offices = {key_of(r): r.recipient_key for r in rows if isinstance(r, Delivery)}
    keys = {key.removeprefix(PREFIX) for key in offices.values() if key.startswith(PREFIX)}
    gone = departures(session, now, deps.pinned_congress, only=keys) if keys else {}
    if not gone:
        return list(rows)
    report = ChangeoverReport()
    departed = {row_id for row_id, key in offices.items() if key in gone}
    for row_id in sorted(departed):
        try:
            settle(session, deps, row_id, now, report, holder)
        except SQLAlchemyError as exc:  # not sent either way; its lease runs out, then again
            log.warning("changeover of delivery %s failed (%s)", row_id, type(exc).__name__)
    log.info(
        "%d claimed letter(s) to departed members: %d re-targeted, %d held",
        len(report.outcomes),
        report.retargeted,
        report.held,
    )
    return [r for r in rows if not (isinstance(r, Delivery) and key_of(r) in departed)]


class CivicDuties:
    """Runs the roster sync at start and every CIVIC_SYNC_INTERVAL_HOURS (0: never), and after
    each sync (and hourly) re-targets or holds the letters whose member left office.

    Time comes from the worker's clock, so tests move it instead of sleeping. A failure is
    logged without personal data and never stops the worker.
    """

    def __init__(
        self, app: Flask, clock: Callable[[], datetime], beat: Callable[[], object]
    ) -> None:
        self.app = app
        self.clock = clock
        self.beat = beat  # the worker's heartbeat: a changeover's many letters take minutes
        hours = float(app.config["CIVIC_SYNC_INTERVAL_HOURS"])
        self.interval = timedelta(hours=hours) if hours > 0 else None
        start = clock()
        self.next_sync = start if self.interval is not None else None
        self.next_pass = start
        self.deps = changeover_deps(app.extensions["civic_lookup"], app.config)

    def tick(self) -> None:
        """Do what is due now: the sync, then the pass over letters to departed members."""
        now = self.clock()
        synced = False
        if self.next_sync is not None and self.interval is not None and now >= self.next_sync:
            self.next_sync = now + self.interval
            self.sync(now)
            self.beat()
            synced = True
        if synced or now >= self.next_pass:
            self.next_pass = now + PASS_EVERY
            self.settle(now)

    def sync(self, now: datetime) -> bool:
        with self.app.app_context():
            try:
                diff = load_roster(None, None, None, now)
            except DatasetLoadError as exc:  # already recorded for `flask civic status`
                log.warning("roster sync failed: %s", exc.message)
                return False
            except Exception as exc:  # a bug or the database: the worker goes on delivering
                log.warning("roster sync failed (%s)", type(exc).__name__)
                return False
            finally:
                db.session.remove()
        log.info(
            "roster synced: %d members, %d left, %d arrived, %d moved",
            diff.loaded,
            len(diff.removed),
            len(diff.added),
            len(diff.seat_changed),
        )
        return True

    def settle(self, now: datetime) -> None:
        with self.app.app_context():
            try:
                report = apply_changeover(db.session(), self.deps, now, self.beat)
            except Exception as exc:
                log.warning("changeover pass failed (%s)", type(exc).__name__)
                return
            finally:
                db.session.remove()
        if report.outcomes or report.restored:
            log.info(
                "letters to members who left office: %d re-targeted, %d held, %d sent on",
                report.retargeted,
                report.held,
                report.restored,
            )

    def divert(
        self, session: Session, rows: Sequence[Delivery | Notification], holder: Holder
    ) -> list[Delivery | Notification]:
        """The claimed rows still to send (a letter to a departed member is settled instead)."""
        return divert_departed(session, self.deps, rows, holder, self.clock())
