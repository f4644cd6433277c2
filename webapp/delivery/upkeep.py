"""The worker's rounds between sends: expiry, retention, reply surveys and dashboard tallies."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from flask import Flask

from webapp.database import db
from webapp.delivery.outbox import expire_unconfirmed
from webapp.services.delivery_tallies import refresh_all
from webapp.services.reply_survey import queue_reply_surveys
from webapp.services.supporters import purge_personal_text

EXPIRY_EVERY_SECONDS = 60
STATS_EVERY_SECONDS = 10


class Upkeep:
    """What the worker does besides sending; `tick` runs whatever is due (monotonic time)."""

    def __init__(
        self, app: Flask, clock: Callable[[], datetime], beat: Callable[[], object] = lambda: None
    ) -> None:
        self.app = app
        self.clock = clock
        # The worker's heartbeat, between steps: a day of action's retention pass or recount
        # takes minutes, and is work, not a stopped worker.
        self.beat = beat
        self.start()

    def start(self) -> None:
        """Everything due at once: each run of the worker begins with a full round."""
        self.last_expiry = self.last_stats = float("-inf")

    def tick(self) -> None:
        if time.monotonic() - self.last_expiry > EXPIRY_EVERY_SECONDS:
            self.expire()
            self.last_expiry = time.monotonic()
        if time.monotonic() - self.last_stats > STATS_EVERY_SECONDS:
            self.refresh_stats()
            self.last_stats = time.monotonic()

    def expire(self) -> int:
        """Expire unconfirmed letters, apply the retention period and queue the surveys due
        (all cheap when idle)."""
        config = self.app.config
        with self.app.app_context():
            hours = int(config["CONFIRMATION_EXPIRY_HOURS"])
            try:
                self.beat()
                purge_personal_text(db.session(), self.clock(), int(config["RETENTION_DAYS"]))
                self.beat()
                queue_reply_surveys(
                    db.session(),
                    self.clock(),
                    int(config["REPLY_SURVEY_DAYS"]),
                    int(config["REPLY_SURVEY_REMINDER_DAYS"]),
                )
                self.beat()
                return expire_unconfirmed(db.session(), self.clock(), hours)
            finally:
                db.session.remove()

    def refresh_stats(self) -> None:
        """Keep the dashboard tallies current, so organisers' pages stay cheap."""
        with self.app.app_context():
            try:
                refresh_all(db.session(), self.clock(), step=self.beat)
            finally:
                db.session.remove()
