"""Start-up refuses a database the code or the master key does not fit (web app, outbox worker,
bootstrap); tests' own apps are not checked, and `flask db upgrade` still runs on an old schema."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pytest
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from flask import Flask
from flask.cli import FlaskGroup
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from tests.app_commands import FLASK, run_command
from tests.delivery.smtp_server import SmtpSink
from tests.supporter.helpers import post_letter
from tests.test_master_key_file import add_supporter
from webapp import create_app
from webapp.bootstrap import main as bootstrap
from webapp.config import ConfigError
from webapp.database import db
from webapp.models import Delivery, Notification
from webapp.startup_checks import SERVER_STARTED, DatabaseUnreachable, check_for_worker

ROOT = Path(__file__).resolve().parent.parent
_HEAD_SCRIPT = ScriptDirectory(str(ROOT / "migrations")).get_revision("head")
assert _HEAD_SCRIPT is not None and isinstance(_HEAD_SCRIPT.down_revision, str)
HEAD, BEFORE_HEAD = _HEAD_SCRIPT.revision, _HEAD_SCRIPT.down_revision
OTHER_KEY = "a-master-key-from-another-installation"


@contextmanager
def _app(config: dict[str, Any], **settings: Any) -> Iterator[Flask]:
    application = create_app({**config, **settings})
    try:
        yield application
    finally:
        with application.app_context():
            db.engine.dispose()


def _environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    monkeypatch.setattr("webapp.config._environment", lambda: env)


def _revision(app: Flask) -> tuple[str, ...]:
    with app.app_context(), db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_heads()


# --- 1b. The master key must open the supporters' data keys ---------------------------------


def test_the_web_app_refuses_a_master_key_that_opens_no_supporter(
    app: Flask, app_config: dict[str, Any]
) -> None:
    add_supporter(app)
    with pytest.raises(ConfigError, match="master key does not match this database") as refused:
        create_app({**app_config, "TESTING": False, "DATA_ENCRYPTION_KEY": OTHER_KEY})
    assert "someone" not in str(refused.value)
    right = app_config["DATA_ENCRYPTION_KEY"]
    # Mid-rotation the old key opens them; the right key does; tests never check.
    for settings in (
        {"TESTING": False, "DATA_ENCRYPTION_KEY": OTHER_KEY, "DATA_ENCRYPTION_PREVIOUS_KEY": right},
        {"TESTING": False},
        {"DATA_ENCRYPTION_KEY": OTHER_KEY},
    ):
        with _app(app_config, **settings):
            pass


def test_the_worker_refuses_before_any_letter_is_marked_dead(
    app: Flask, app_config: dict[str, Any], default_campaign: str, smtp: SmtpSink
) -> None:
    assert post_letter(app.test_client(), default_campaign).status_code == 303

    def statuses() -> list[str]:
        with app.app_context():
            rows = [
                *db.session.scalars(select(Delivery)),
                *db.session.scalars(select(Notification)),
            ]
            found = sorted(f"{type(r).__name__} {r.status.value} {r.attempts}" for r in rows)
            db.session.remove()
            return found

    waiting = statuses()
    assert any(line.startswith("Notification") for line in waiting)
    with _app(app_config, SMTP_URL=smtp.url, DATA_ENCRYPTION_KEY=OTHER_KEY) as restored:
        restored.config["TESTING"] = False  # built as a test app: now checked as in production
        result = restored.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert isinstance(result.exception, ConfigError), result.output
    assert "master key does not match" in str(result.exception)
    assert statuses() == waiting and smtp.messages == []
    with _app(app_config, SMTP_URL=smtp.url) as right:
        right.config["TESTING"] = False
        result = right.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert smtp.messages


def test_bootstrap_migrates_then_refuses_a_master_key_that_opens_no_supporter(
    app: Flask, app_config: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    add_supporter(app)
    env = {
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": str(app_config["SQLALCHEMY_DATABASE_URI"]),
        "SECRET_KEY": "s",
        "DATA_ENCRYPTION_KEY": OTHER_KEY,
        "CIVIC_SYNC_ON_START": "0",
    }
    _environment(monkeypatch, env)
    with pytest.raises(ConfigError, match="master key does not match this database"):
        bootstrap()
    with app.app_context():
        assert db.session.scalar(text("SELECT count(*) FROM campaign")) == 0  # stopped first
        db.session.remove()


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_refusing_worker_process_prints_the_message_not_a_traceback(
    app: Flask, app_config: dict[str, Any]
) -> None:
    add_supporter(app)
    settings = {
        "DATABASE_URL": str(app_config["SQLALCHEMY_DATABASE_URI"]),
        "SECRET_KEY": "s",
        "DATA_ENCRYPTION_KEY": OTHER_KEY,
        "INSTANCE_PATH": str(app_config["INSTANCE_PATH"]),
        "CIVIC_SYNC_INTERVAL_HOURS": "0",
        "LOG_LEVEL": "WARNING",
    }
    done = run_command((*FLASK, "outbox", "work", "--once"), settings, ("FLASK_", "OUTBOX_"))
    assert done.returncode == 1
    assert done.stderr.startswith("Error: The master key does not match this database")
    assert "Traceback" not in done.stderr


# --- 2. The schema must be the migrations' head ---------------------------------------------


@contextmanager
def _version_row(app: Flask, version: str | None) -> Iterator[None]:
    """alembic_version says `version` (None: no row) for the block, then the head again."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DELETE FROM alembic_version"))
        if version is not None:
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": version})
    try:
        yield
    finally:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(text("DELETE FROM alembic_version"))
            connection.execute(text("INSERT INTO alembic_version VALUES (:v)"), {"v": HEAD})
            db.engine.dispose()


@pytest.mark.parametrize(
    ("version", "message"),
    [
        (BEFORE_HEAD, r"schema is behind this code .*`\.venv/bin/flask db upgrade`"),
        ("ffffffffffff", r"revision ffffffffffff, which this code does not know"),
        (None, r"never migrated\)\. Run `\.venv/bin/flask db upgrade`"),
    ],
)
def test_the_web_app_refuses_a_schema_that_is_not_the_head(
    app: Flask, app_config: dict[str, Any], version: str | None, message: str
) -> None:
    with _version_row(app, version):
        with pytest.raises(ConfigError, match=message):
            create_app({**app_config, "TESTING": False})
        with _app(app_config):  # test apps are not checked
            pass
        with _app(app_config) as worker_app:  # a worker about to start is
            worker_app.config["TESTING"] = False
            result = worker_app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
        assert isinstance(result.exception, ConfigError), result.output
        assert re.search(message, str(result.exception))


def test_flask_db_upgrade_still_runs_on_a_schema_behind(
    app: Flask, app_config: dict[str, Any]
) -> None:
    """`flask db upgrade` loads the app on the old schema: only serving processes check."""
    production = {**app_config, "TESTING": False}
    with app.app_context():
        downgrade(revision=BEFORE_HEAD)
    try:
        # `flask run` is the one command that serves: it refuses.
        serve = click.Command("run", callback=lambda: create_app(production))
        refused = CliRunner().invoke(serve)
        assert isinstance(refused.exception, ConfigError)
        assert "flask db upgrade" in str(refused.exception)
        cli = FlaskGroup(create_app=lambda: create_app(production))
        result = CliRunner().invoke(cli, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert _revision(app) == (HEAD,)
        with _app(production):  # and now it starts
            pass
    finally:
        with app.app_context():
            upgrade()
            db.engine.dispose()


# --- A database that is down at start --------------------------------------------------------

CLOSED = "postgresql+psycopg://app@127.0.0.1:9/civic?connect_timeout=2"


@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_web_app_starts_with_a_warning_while_the_database_is_down(
    backend: str, app_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """Pages answer 503 until it is back, as when it goes down later; not a stopped server."""
    with _app(app_config, TESTING=False, SQLALCHEMY_DATABASE_URI=CLOSED):
        pass
    assert "database unreachable at start, schema and key not checked" in caplog.text


def test_the_worker_checks_again_until_the_database_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    answers: list[Exception | None] = [DatabaseUnreachable("down"), DatabaseUnreachable("down")]
    answers.append(None)

    def check(app: Flask) -> None:
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    monkeypatch.setattr("webapp.startup_checks.check_database", check)
    app = Flask(__name__)
    app.config["OUTBOX_POLL_SECONDS"] = 0.01
    assert check_for_worker(app, threading.Event(), once=False) and answers == []
    stopped = threading.Event()
    stopped.set()
    assert not check_for_worker(app, stopped, once=False)


def test_a_worker_restarted_mid_day_serves_on_where_a_cold_start_refuses(
    app: Flask,
    app_config: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """gunicorn stops every worker when one fails to boot: a worker restarted hours after the
    server started (a timeout, a crash) on a schema left behind by an update must not take the
    whole site down (first review). The server's own start still refuses."""
    with _version_row(app, BEFORE_HEAD):
        monkeypatch.setenv(SERVER_STARTED, str(time.time()))  # the server starting now
        with pytest.raises(ConfigError, match="behind"):
            create_app({**app_config, "TESTING": False})
        monkeypatch.setenv(SERVER_STARTED, str(time.time() - 3 * 3600))  # started long ago
        with _app(app_config, TESTING=False):
            pass
    assert "serving on, refused at a cold start" in caplog.text


def test_a_worker_run_once_with_the_database_down_says_so_in_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From cron (`--once`) there is no waiting for the database: a ConfigError, which the
    command prints as one line, not a traceback."""

    def down(app: Flask) -> None:
        raise DatabaseUnreachable("connection refused")

    monkeypatch.setattr("webapp.startup_checks.check_database", down)
    app = Flask(__name__)
    app.config["OUTBOX_POLL_SECONDS"] = 0.01
    with pytest.raises(ConfigError, match=r"cannot be reached .*DATABASE_URL.*connection refused"):
        check_for_worker(app, threading.Event(), once=True)
