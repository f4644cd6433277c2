"""What bench.load reads back after a run: stored letters, the rate per tenth, the CPU it cost,
a Redis server."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from bench.process_cpu import Tree, postgres_processes, shares
from bench.support import BENCH_SECRETS
from tests.pg import free_port
from webapp import create_app
from webapp.database import db
from webapp.models import Submission
from webapp.sealing import open_all

TENTHS = 10


def bench_app(url: str, instance: Path) -> Flask:
    """The app on a bench database, with its files under `instance`."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            **BENCH_SECRETS,
            "INSTANCE_PATH": str(instance),
            "CIVIC_SYNC_ON_START": False,
        }
    )


def stored_names(url: str, instance: Path) -> set[str]:
    """First names of every stored letter (sealed at rest, so opened through the app)."""
    app = bench_app(url, instance)
    names: set[str] = set()
    with app.app_context():
        last_id = 0
        while True:
            batch = select(Submission).where(Submission.id > last_id).order_by(Submission.id)
            rows = db.session.scalars(batch.limit(2000)).all()
            if not rows:
                break
            open_all(rows)
            names.update(row.first_name for row in rows)
            last_id = rows[-1].id
            db.session.expunge_all()
        db.engine.dispose()
    return names


def rate_by_tenth(url: str, instance: Path, started: float, ended: float) -> list[float]:
    """Letters per second recorded in each tenth of [started, ended] (wall clock, seconds)."""
    app = bench_app(url, instance)
    with app.app_context():
        stamps = db.session.scalars(select(Submission.created_at)).all()
        db.engine.dispose()
    width = (ended - started) / TENTHS
    counts = [0] * TENTHS
    for stamp in stamps:
        aware = stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
        offset = aware.timestamp() - started
        if 0 <= offset < ended - started:
            counts[min(TENTHS - 1, int(offset / width))] += 1
    return [round(count / width, 1) for count in counts]


class CpuMeter:
    """The CPU a run costs from now on, split between gunicorn (its workers' shares too: one
    worker may hold most of wrk's keep-alive connections), the database server and wrk."""

    def __init__(self, gunicorn_pid: int, postgres_port: int | None) -> None:
        self.gunicorn_pid = gunicorn_pid
        self.app = Tree(gunicorn_pid)
        self.database = Tree(postgres_processes(postgres_port)[0]) if postgres_port else None
        self.wrk_before = self._waited_children()

    @staticmethod
    def _waited_children() -> float:
        times = os.times()  # wrk runs to its end under subprocess.run, so it is counted here
        return times.children_user + times.children_system

    def read(self, letters: int, seconds: float) -> dict[str, Any]:
        app, app_ended = self.app.read()
        database, database_ended = self.database.read() if self.database else ({}, 0.0)
        wrk = self._waited_children() - self.wrk_before
        app_total = sum(app.values()) + app_ended
        database_total = sum(database.values()) + database_ended
        per_letter = 1000 / max(1, letters)
        workers = {pid: used for pid, used in app.items() if pid != self.gunicorn_pid}
        return {
            "app_cpu_ms_per_letter": round(app_total * per_letter, 2),
            # Of the workers alive at the end; one that ended counts in the app's CPU only.
            "worker_cpu_shares": shares(workers),
            "workers_ended": len(set(self.app.before) - set(app) - {self.gunicorn_pid}),
            "database_server_cpu_ms_per_letter": round(database_total * per_letter, 2),
            "wrk_cpu_ms_per_letter": round(wrk * per_letter, 2),
            # Only what these processes used: not Redis, nor the kernel's work for no process.
            "cores_busy": round((app_total + database_total + wrk) / seconds, 2)
            if seconds > 0
            else 0.0,
        }


@contextmanager
def redis_server(folder: Path, port: int | None = None) -> Iterator[str | None]:
    """A throwaway redis-server on loopback when the machine has one (the Makefile installs it);
    on `port` when given, to stand in for one that was stopped."""
    binary = shutil.which("redis-server")
    if binary is None:
        yield None
        return
    port = port or free_port()
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
