"""Shared fixtures: every database test runs on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text
from werkzeug.security import generate_password_hash
from werkzeug.serving import BaseWSGIServer, make_server

from tests.compiled_once import (  # noqa: F401 - session fixtures, registered by import
    shared_civic_parse,
    shared_front_matter,
    shared_long_query_parse,
    shared_template_code,
    shared_url_builders,
)
from tests.delivery.smtp_server import SmtpSink
from tests.frozen_heap import freezes_noticed, frozen_heap  # noqa: F401 - autouse fixtures
from tests.pg import PostgresCluster
from tests.temp_root import pytest_configure  # noqa: F401 - hook, registered by import
from webapp import create_app
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db
from webapp.services import organisers

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
BACKENDS = ("sqlite", "postgresql")
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tag each database test with its backend so `-m postgresql` or `-k sqlite` can pick one.
    for item in items:
        callspec = getattr(item, "callspec", None)
        backend = callspec.params.get("backend") if callspec else None
        if backend:
            item.add_marker(getattr(pytest.mark, backend))


def _base_config(url: str, instance: Path) -> dict[str, Any]:
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key",
        # Set, so a data key file under the project's instance folder is never picked up.
        "DATA_ENCRYPTION_KEY": "test-data-encryption-key",
        "INSTANCE_PATH": str(instance),
        "SERVER_NAME": None,
        "DB_POOL_SIZE": 20,
        "COUNT_CACHE_SECONDS": 0,
        # Tests edit a campaign and read the page straight after (the interval has its own test).
        "CAMPAIGN_RECHECK_SECONDS": 0,
        # Upstreams point at a closed loopback port unless a test starts a stub server.
        "CENSUS_GEOCODER_URL": "http://127.0.0.1:9/geocoder",
        "LEGISLATORS_URL": "http://127.0.0.1:9/legislators-current.json",
        "LEGISLATORS_OFFICES_URL": "http://127.0.0.1:9/legislators-district-offices.json",
        "ZIP_DISTRICTS_URL": "http://127.0.0.1:9/zccd.csv",
        "OPENSTATES_URL": "http://127.0.0.1:9/openstates",
        "OPENSTATES_API_KEY": "",
        "CIVIC_SYNC_ON_START": False,
        # The worker's daily roster sync is switched on by the tests about it.
        "CIVIC_SYNC_INTERVAL_HOURS": 0,
        # Tests send many letters from 127.0.0.1; rate-limit tests set their own limits.
        "LETTER_RATE_LIMIT": "100000/minute",
        "EMAIL_RATE_LIMIT": "100000/minute",
        # Tests post the form instantly; the risk checks have their own tests.
        "RISK_MIN_FORM_SECONDS": 0.0,
    }


def _migrate(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(_base_config(url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once with Alembic; each test gets a copy of it."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    _migrate(f"sqlite:///{path}", folder)
    return path


@pytest.fixture(scope="session")
def postgres_database(
    postgres_cluster: PostgresCluster, tmp_path_factory: pytest.TempPathFactory, worker_id: str
) -> Iterator[str]:
    """One migrated database per test worker; tests empty it between them (`_empty`)."""
    url = postgres_cluster.create_database(f"civic_{worker_id}")
    _migrate(url, tmp_path_factory.mktemp("pg-instance"))
    yield url
    if url in _EMPTYING_ENGINES:
        _EMPTYING_ENGINES.pop(url).dispose()


# Every sequence in the schema belongs to a table's id column, so resetting each one that has
# been used is what TRUNCATE ... RESTART IDENTITY of every table did.
_RESTART_USED_SEQUENCES = text(
    "SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, start_value, false) "
    "FROM pg_sequences WHERE last_value IS NOT NULL"
)


# One connection per worker empties its database before each test: a new one costs the server
# a process and a cold catalogue, about 10 ms of its CPU.
_EMPTYING_ENGINES: dict[str, Engine] = {}


def _empty(url: str, truncate: bool = False) -> None:
    """Empty every table and restart every id, as TRUNCATE ... RESTART IDENTITY of all of them
    would. Only the tables that hold rows are emptied, with DELETE: TRUNCATE ... CASCADE gives
    every table that refers to one of them new files (about 5 ms each), so emptying a campaign
    cost about 55 ms of the server's CPU. `truncate`, for a test that reads the files' sizes or
    a plan made from the tables' statistics: TRUNCATE of every table, whose files and
    statistics start empty again, as before every test they did."""
    tables = [t.name for t in db.metadata.sorted_tables]
    if url not in _EMPTYING_ENGINES:
        _EMPTYING_ENGINES[url] = create_engine(url, pool_size=1)
    engine = _EMPTYING_ENGINES[url]
    with engine.begin() as conn:
        # Waits, as TRUNCATE of every table did, for a writer still open, and keeps others out
        # until the tables are empty.
        conn.execute(text(f"LOCK TABLE {', '.join(tables)} IN SHARE MODE"))
        if truncate:
            # Every table: one emptied by DELETE in an earlier test still has its pages.
            conn.execute(text(f"TRUNCATE {', '.join(tables)}"))
        else:
            probe = " UNION ALL ".join(
                f"SELECT '{t}' WHERE EXISTS (SELECT FROM {t})" for t in tables
            )
            filled = conn.scalars(text(probe)).all()
            if filled:
                # Every row of every filled table goes, so the foreign keys' triggers (a check
                # of the referring tables for each row deleted) have nothing to find.
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            for table in filled:
                conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(_RESTART_USED_SEQUENCES)


# Werkzeug's scrypt (N=32768) takes about 0.15 s of CPU per hash and per check; the suite signs
# in over a thousand times. In this process passwords are hashed with the same scrypt at a
# lower work factor (check_password_hash reads the factor from the stored hash, so sign-in runs
# its real code); tests/dashboard/test_password_cost.py checks the production factor.
# Servers and workers the tests start as processes hash at the production factor.
TEST_PASSWORD_HASH = "scrypt:1024:8:1"


@pytest.fixture(scope="session", autouse=True)
def production_password_hashing() -> Iterator[tuple[Any, str]]:
    """Swaps in the cheaper hashing for the session; yields what the product had (the hash
    function and the hash an unknown email is checked against), for the test that checks it."""
    production = (organisers.generate_password_hash, organisers._DUMMY_HASH)
    with pytest.MonkeyPatch.context() as patch:
        cheap = partial(generate_password_hash, method=TEST_PASSWORD_HASH)
        patch.setattr(organisers, "generate_password_hash", cheap)
        patch.setattr(organisers, "_DUMMY_HASH", cheap("not-anyone's-password"))
        yield production


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / "test.db"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_database")
    _empty(url, truncate=request.node.get_closest_marker("truncated") is not None)
    return url


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """Override in a test module to change settings before the app is built."""
    return _base_config(database_url, tmp_path)


@contextmanager
def built_app(config: dict[str, Any]) -> Iterator[Flask]:
    """An app from `config`, its sessions and pool closed when the block ends."""
    application = create_app(config)
    try:
        yield application
    finally:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    with built_app(app_config) as application:
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    """A real SMTP server on a loopback port for one test; point SMTP_URL at `smtp.url`."""
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def default_campaign(app: Flask) -> str:
    """Import the shipped coalition letter and return its slug."""
    with app.app_context():
        return import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE).slug


def csrf_token(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class LiveServer:
    """The app on a real loopback port, served by a threaded WSGI server."""

    def __init__(self, app: Flask) -> None:
        self.server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # serve_forever checks for shutdown every poll_interval (0.5 s unless told): a short one
        # keeps __exit__ from adding up to half a second to every test with a live server.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server
