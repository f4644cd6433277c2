"""Serving the app for the load benches: databases, gunicorn once warm, wrk with letters.lua.

A database is migrated and given the default campaign, the roster and the ZIP table; gunicorn
answers only once every worker is warm; wrk sends letters through the widget's real form path.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from bench.load_report import CpuMeter, bench_app
from bench.process_cpu import children
from bench.support import load_civic_data
from tests.pg import free_port
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "letters.lua"
RESULT = re.compile(r"RESULT (.*)")
WRK_THREADS = 2
FLAT_OUT_CONNECTIONS = 32
BENCH_ENV = {
    # Letters come from many addresses, as on a day of action: wrk sends a random
    # X-Forwarded-For per letter and the app trusts one proxy hop. The default rate limits and
    # risk thresholds then apply unchanged (per address, per network, per sender).
    "TRUST_PROXY_HOPS": "1",
    # wrk posts the moment it has the form; a person takes longer than the "too fast" signal.
    "RISK_MIN_FORM_SECONDS": "0",
    "CIVIC_SYNC_ON_START": "0",
    "COUNT_CACHE_SECONDS": "5",
    "LOG_LEVEL": "WARNING",
    "OUTBOX_POLL_SECONDS": "3600",
}


def prepare_database(url: str, instance: Path) -> None:
    """Migrate an empty database, import the default campaign and load the roster and ZIPs."""
    from flask_migrate import upgrade

    app = bench_app(url, instance)
    with app.app_context():
        upgrade()
        import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE)
        db.engine.dispose()
    load_civic_data(app)


def start_gunicorn(
    app_spec: str,
    port: int,
    env: dict[str, str],
    workers: int,
    threads: int = 4,
    warm: bool = True,
) -> subprocess.Popen[bytes]:
    """gunicorn with the app's settings, returned once every worker has warmed up and serves."""
    ready = Path(tempfile.mkdtemp(prefix="civic-ready-"))
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--config",
        str(ROOT / "bench" / "gunicorn_ready.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        app_spec,
    ]
    hook = {"BENCH_READY_DIR": str(ready), "BENCH_WARM": "1" if warm else "0"}
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env, **hook})
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and process.poll() is None:
            marks = {path.name for path in ready.iterdir()}
            if len(marks) >= workers:
                started = {str(pid) for pid in children(process.pid)}
                assert marks == started, (marks, started)
                requests.get(f"http://127.0.0.1:{port}/", timeout=5)
                return process
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start {workers} workers: {app_spec}")
    except BaseException:
        process.kill()
        process.wait()
        raise
    finally:
        shutil.rmtree(ready, ignore_errors=True)


def stop(process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    """Stop gunicorn gracefully within `seconds`, else kill it; either way it is reaped."""
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_wrk(
    url: str,
    seconds: int,
    connections: int,
    lua: Path | None = None,
    env: dict[str, str] | None = None,
) -> str:
    """wrk's output for `seconds` against `url` (with `lua`, the letters script, and its env)."""
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if lua is not None:
        command += ["-s", str(lua)]
    out = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
        timeout=seconds + 120,
    )
    return out.stdout


def parse_result(output: str) -> dict[str, float]:
    """The figures letters.lua prints on its RESULT line."""
    match = RESULT.search(output)
    if not match:
        raise RuntimeError(output)
    return {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def acknowledged(folder: Path) -> set[str]:
    """The names of the letters whose "sent" page came back (letters.lua writes them)."""
    names: set[str] = set()
    for path in folder.glob("ack-*.txt"):
        names.update(line.strip() for line in path.read_text().splitlines() if line.strip())
    return names


def app_env(url: str, instance: Path, limits: str = "") -> dict[str, str]:
    """The app's environment for a bench server on `url`, its files under `instance`."""
    return {
        **BENCH_ENV,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "DATA_ENCRYPTION_KEY": "bench",
        "INSTANCE_PATH": str(instance),
        "DB_POOL_SIZE": "8",
        # Empty: the default, a SQLite file shared by the gunicorn workers.
        "RATELIMIT_STORAGE_URI": limits,
    }


def letters_env(origin: str, acks: Path, preview: bool = False) -> dict[str, str]:
    """letters.lua's settings: the default campaign's widget at `origin`, flat out, each
    acknowledged letter's name written under `acks`; with `preview`, each letter takes the
    preview step a browser takes (three requests a letter, not two)."""
    return {
        "SLUG": "syria-five-steps",
        "ORIGIN": origin,
        "RATE": "0",
        "ACK_DIR": str(acks),
        "PREVIEW": "1" if preview else "0",
    }


@dataclass(frozen=True)
class Served:
    """A running gunicorn, and letters.lua's settings for sending letters to it."""

    pid: int
    lua_env: dict[str, str]

    @property
    def url(self) -> str:
        return self.lua_env["ORIGIN"] + "/"

    @property
    def preview(self) -> bool:
        """Whether its letters take the preview step (letters_env)."""
        return self.lua_env.get("PREVIEW") == "1"

    def paced_rate(self, letters_per_s: float) -> str:
        """letters.lua's RATE for `letters_per_s`: requests a second for each wrk thread, on a
        schedule its connections share (delay()), each letter two or three requests."""
        return str((3 if self.preview else 2) * letters_per_s / WRK_THREADS)


@contextmanager
def serve_letters(
    app_spec: str,
    env: dict[str, str],
    workers: int,
    threads: int,
    acks: Path,
    preview: bool = False,
) -> Iterator[Served]:
    """gunicorn serving `app_spec` (warm), its acknowledged letters' names written under
    `acks`, sent letters through the preview with `preview`; stopped on leaving, whatever
    happened."""
    acks.mkdir()
    port = free_port()
    process = start_gunicorn(app_spec, port, env, workers, threads)
    try:
        yield Served(process.pid, letters_env(f"http://127.0.0.1:{port}", acks, preview))
    finally:
        stop(process)


WARM_SECONDS = 5


def warm_up(served: Served, seconds: int = WARM_SECONDS) -> dict[str, float]:
    """Seconds of letters (five unless told), so imports, caches and pools are ready before a
    measured run."""
    return parse_result(run_wrk(served.url, seconds, 16, LUA, served.lua_env))


@dataclass(frozen=True)
class FlatOut:
    """A flat-out run: letters.lua's figures, the CPU it cost (CpuMeter) and when it ran."""

    result: dict[str, float]
    cpu: dict[str, Any]
    started: float
    ended: float

    @property
    def letters_per_s(self) -> float:
        return self.result["recorded"] / self.result["seconds"]


def flat_out(served: Served, seconds: int, postgres_port: int | None) -> FlatOut:
    """Letters as fast as they go for `seconds`, with the app's (and PostgreSQL's) CPU."""
    meter = CpuMeter(served.pid, postgres_port)
    started = time.time()
    output = run_wrk(served.url, seconds, FLAT_OUT_CONNECTIONS, LUA, served.lua_env)
    ended = time.time()
    result = parse_result(output)
    return FlatOut(result, meter.read(int(result["recorded"]), ended - started), started, ended)
