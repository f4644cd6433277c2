"""Running the outbox worker in tests: a clock the test moves, and real worker processes."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

from flask import Flask
from sqlalchemy import select, update

from webapp.config import PROJECT_ROOT
from webapp.database import db, utcnow, write_transaction
from webapp.models import Delivery, Mailing, Notification, WorkerHeartbeat

FLASK = Path(sys.executable).parent / "flask"


class Clock:
    """A worker clock that stands still until the test moves it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def database_moves_on(app: Flask, delta: timedelta) -> None:
    """As if `delta` passed on the database's clock: every heartbeat and lease written so far is
    that much older (the database's own clock cannot be moved by a test)."""
    with app.app_context(), write_transaction(db.session()) as session:
        for row in session.scalars(select(WorkerHeartbeat)):
            row.started_at -= delta
            row.seen_at -= delta
            row.round_at = row.round_at - delta if row.round_at else None
            row.stopped_at = row.stopped_at - delta if row.stopped_at else None
        for model in (Delivery, Notification, Mailing):
            leased = select(model.id, model.lease_expires_at).where(
                model.lease_expires_at.is_not(None)
            )
            for row_id, expires in session.execute(leased).all():
                session.execute(
                    update(model).where(model.id == row_id).values(lease_expires_at=expires - delta)
                )


def worker_env(app: Flask, smtp_url: str, **extra: str) -> dict[str, str]:
    """Environment for `flask outbox work` against the test app's database and SMTP server."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "OUTBOX_"))}
    env.update(
        {
            "DATABASE_URL": str(app.config["SQLALCHEMY_DATABASE_URI"]),
            "SECRET_KEY": str(app.config["SECRET_KEY"]),
            "DATA_ENCRYPTION_KEY": str(app.config["DATA_ENCRYPTION_KEY"]),
            "INSTANCE_PATH": str(app.config["INSTANCE_PATH"]),
            "SMTP_URL": smtp_url,
            "MAIL_FROM": str(app.config["MAIL_FROM"]),
            "CIVIC_SYNC_ON_START": "0",
            # No daily roster sync: it would reach for the real congress-legislators URL.
            "CIVIC_SYNC_INTERVAL_HOURS": "0",
            "TESTING": "1",
            "LOG_LEVEL": "WARNING",
            **extra,
        }
    )
    return env


class WorkerProcess:
    """`flask --app app outbox work ...` as a child process, its output kept in a log file."""

    def __init__(self, env: dict[str, str], log_path: Path, *args: str) -> None:
        self.log_path = log_path
        self._log: IO[bytes] = log_path.open("wb")
        self.process = subprocess.Popen(
            [str(FLASK), "--app", "app", "outbox", "work", *args],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait(self, timeout: float) -> int:
        try:
            return self.process.wait(timeout=timeout)
        finally:
            self._log.close()

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM: the worker finishes the row in hand, prints its report and exits."""
        self.process.terminate()
        return self.wait(timeout)

    def kill(self) -> None:
        """SIGKILL: no cleanup, no last commit."""
        self.process.kill()
        self.process.wait(timeout=10)
        self._log.close()

    def output(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        """For teardown: kill the process if a failed test left it running."""
        if self.process.poll() is None:
            self.kill()
        self._log.close()
