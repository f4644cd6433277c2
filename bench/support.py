"""Shared bench plumbing: a migrated app on SQLite or a throwaway PostgreSQL, and percentiles."""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask

from tests.pg import PostgresCluster
from webapp import create_app
from webapp.database import db

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {"p50": cuts[49], "p90": cuts[89], "p99": cuts[98], "max": ordered[-1]}


# Every benchmark process on one database holds the same keys: one started on another's
# database (an export, a packet render) must open the supporters' sealed fields.
BENCH_SECRETS = {"SECRET_KEY": "bench", "DATA_ENCRYPTION_KEY": "bench"}


def _app(url: str, instance: Path, overrides: dict[str, Any]) -> Flask:
    from flask_migrate import upgrade

    config = {
        "SQLALCHEMY_DATABASE_URI": url,
        **BENCH_SECRETS,
        "INSTANCE_PATH": str(instance),
        "CIVIC_SYNC_ON_START": False,
        "COUNT_CACHE_SECONDS": 5,
        **overrides,
    }
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


@contextmanager
def bench_apps(
    backends: Sequence[str], overrides: dict[str, Any] | None = None, pg_settings: str = ""
) -> Iterator[Iterator[tuple[str, Flask]]]:
    """Yield (backend, migrated app) pairs; PostgreSQL runs in a throwaway cluster (started
    with `pg_settings`, more server options)."""
    with tempfile.TemporaryDirectory(prefix="civic-bench-") as folder:
        root = Path(folder)
        cluster: PostgresCluster | None = None

        def apps() -> Iterator[tuple[str, Flask]]:
            nonlocal cluster
            for backend in backends:
                if backend == "sqlite":
                    url = f"sqlite:///{root / 'bench.db'}"
                else:
                    cluster = PostgresCluster(pg_settings).start()
                    url = cluster.create_database("bench")
                app = _app(url, root, overrides or {})
                try:
                    yield backend, app
                finally:
                    with app.app_context():
                        db.session.remove()
                        db.engine.dispose()

        try:
            yield apps()
        finally:
            if cluster is not None:
                cluster.stop()


def load_civic_data(app: Flask) -> None:
    """The real roster and ZIP table, as `flask civic sync` loads them."""
    runner = app.test_cli_runner()
    legislators = SHARED / "data" / "congress-legislators" / "legislators-current.json"
    for args in (
        ["civic", "sync", "--from", str(legislators), "--snapshot-date", "2026-06-15"],
        [
            "civic",
            "sync-zips",
            "--from",
            str(SHARED / "data/zip-districts/zccd.csv"),
            "--snapshot-date",
            "2024-11-12",
        ],
    ):
        result = runner.invoke(args=args)
        if result.exit_code != 0:
            raise RuntimeError(result.output)


@contextmanager
def letter_app(
    backend: str = "sqlite", pg_settings: str = "", overrides: dict[str, Any] | None = None
) -> Iterator[Flask]:
    """An app with the roster, the ZIP table and the default campaign, for letter benches
    (default limits and risk checks, but no "sent too fast" signal: the bench does not pause)."""
    from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path

    settings = {"RISK_MIN_FORM_SECONDS": 0, "LOG_LEVEL": "WARNING", **(overrides or {})}
    with bench_apps([backend], settings, pg_settings) as apps:
        for _backend, app in apps:
            load_civic_data(app)
            with app.app_context():
                import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE)
            yield app
