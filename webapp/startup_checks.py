"""Start-up refuses a database its code or master key does not fit: schema revision, sealed keys."""

from __future__ import annotations

import logging
import os
import threading
import time

import click
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from webapp.config import PROJECT_ROOT, ConfigError
from webapp.database import db
from webapp.sealing import Keyring, SealingError

log = logging.getLogger(__name__)

MIGRATIONS = PROJECT_ROOT / "migrations"
UPGRADE = ".venv/bin/flask db upgrade"


class DatabaseUnreachable(RuntimeError):
    """The checks could not connect: nothing is known yet about the schema or the key."""


def serving_process() -> bool:
    """Whether this process is about to serve pages: a WSGI server imported the app (no command
    line around it) or `flask run` did. Other `flask` commands skip the checks here: `flask db
    upgrade` must load the app on the very database whose schema is behind, and the outbox
    worker checks for itself (`check_for_worker`)."""
    ctx = click.get_current_context(silent=True)
    return ctx is None or ctx.command.name == "run"


def check_database(app: Flask) -> None:
    """Refuse (ConfigError) a database whose schema is not the migrations' head, or whose
    supporters' data keys the configured master key cannot open. One connection, two rows."""
    with app.app_context():
        try:
            connection = db.engine.connect()
        except OperationalError as exc:
            raise DatabaseUnreachable(str(exc.orig)) from exc
        with connection:
            check_schema(connection)
            check_master_key(connection, app.extensions["keyring"])


# Set by gunicorn.conf.py as the server starts; its workers inherit it. A worker booting long
# after (one restarted mid-day: a timeout, a crash, a reload) is not the server starting.
SERVER_STARTED = "CIVIC_SERVER_STARTED_AT"
RESTART_AFTER_SECONDS = 120.0


def check_for_web(app: Flask) -> None:
    """The web app's check. A database that is down is logged, not refused: pages answer 503
    until it is back, as they would if it went down later, and a worker that refused to boot
    would leave gunicorn stopped for good. For that same reason a worker restarted mid-day
    only logs a mismatch (say, `flask db upgrade` forgotten after an update): gunicorn stops
    every worker when one fails to boot, and a whole site down is worse than failing sends."""
    try:
        check_database(app)
    except (DatabaseUnreachable, SQLAlchemyError) as exc:
        log.warning("database unreachable at start, schema and key not checked: %s", exc)
    except ConfigError as exc:
        if not _restarted_mid_day():
            raise
        log.critical("serving on, refused at a cold start: %s", exc)


def _restarted_mid_day() -> bool:
    started = os.environ.get(SERVER_STARTED, "")
    try:
        return time.time() - float(started) > RESTART_AFTER_SECONDS
    except ValueError:
        return False  # not under gunicorn.conf.py: every start is a cold one


def check_for_worker(app: Flask, stop: threading.Event, once: bool) -> bool:
    """The outbox worker's check, repeated while the database is down: no row is sent (or
    marked dead) before it passes. False if the worker was stopped first."""
    poll = float(app.config["OUTBOX_POLL_SECONDS"])
    while not stop.is_set():
        try:
            check_database(app)
            return True
        except DatabaseUnreachable as exc:
            if once:  # a run from cron: one line, as for a wrong setting, not a traceback
                raise ConfigError(
                    f"The database cannot be reached (check DATABASE_URL, and that its server "
                    f"runs): {exc}"
                ) from None
            log.warning("database unreachable, checking again in %.0f s: %s", poll, exc)
            stop.wait(poll)
    return False


def check_schema(connection: Connection) -> None:
    script = ScriptDirectory(str(MIGRATIONS))
    heads = set(script.get_heads())
    current = _stored_revisions(connection)
    if current == heads:
        return
    if not current:
        raise ConfigError(
            "The database has no schema yet (it was never migrated). Run "
            f"`{UPGRADE}` (or `make run`, which does it), then start again."
        )
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = sorted(current - known)
    if unknown:
        raise ConfigError(
            f"The database is at revision {', '.join(unknown)}, which this code does not know: "
            "newer code migrated it. Deploy that code again, or, with it, run `.venv/bin/flask "
            f"db downgrade {', '.join(sorted(heads))}` before starting this version. "
            "Refusing to start."
        )
    raise ConfigError(
        f"The database schema is behind this code (at {', '.join(sorted(current))}, the code "
        f"needs {', '.join(sorted(heads))}). Run `{UPGRADE}`, then start again. Refusing to "
        "start: letters would fail to save."
    )


def _stored_revisions(connection: Connection) -> set[str]:
    # Read directly: Alembic's MigrationContext logs two INFO lines each time it is set up.
    if not inspect(connection).has_table("alembic_version"):
        return set()
    return set(connection.scalars(text("SELECT version_num FROM alembic_version")))


def check_master_key(connection: Connection, ring: Keyring) -> None:
    """The newest supporter's data key must open under DATA_ENCRYPTION_KEY (or, while rotating,
    DATA_ENCRYPTION_PREVIOUS_KEY). One row is enough to tell a wrong key, which would leave every
    waiting letter undeliverable (the worker marks each one dead) and every supporter
    unfindable. Read after check_schema, so the table is there."""
    wrapped = connection.scalar(text("SELECT wrapped_key FROM supporter ORDER BY id DESC LIMIT 1"))
    if wrapped is None:  # no supporter yet: any key will do
        return
    try:
        ring.unwrap(bytes(wrapped))
    except SealingError:
        raise ConfigError(
            "The master key does not match this database: DATA_ENCRYPTION_KEY (or the file "
            "DATA_ENCRYPTION_KEY_FILE names, default instance/data_encryption_key), with "
            "DATA_ENCRYPTION_PREVIOUS_KEY if set, does not open the data key of the newest "
            "supporter stored here. Restore the key kept with this database's backup, or point "
            "DATABASE_URL at the database this key belongs to. Refusing to start: every "
            "waiting letter would be marked undeliverable."
        ) from None
