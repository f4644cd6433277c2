"""Serving the app for the load benches: a database prepared, gunicorn started once every
worker is warm, and wrk sending letters with bench/letters.lua."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from bench.process_cpu import children
from bench.support import BENCH_SECRETS, load_civic_data
from webapp import create_app
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "letters.lua"
RESULT = re.compile(r"RESULT (.*)")
WRK_THREADS = 2
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

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            **BENCH_SECRETS,
            "INSTANCE_PATH": str(instance),
            "CIVIC_SYNC_ON_START": False,
        }
    )
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
    finally:
        shutil.rmtree(ready, ignore_errors=True)
    process.kill()
    raise RuntimeError(f"gunicorn did not start {workers} workers: {app_spec}")


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


def letters_env(origin: str, acks: Path) -> dict[str, str]:
    """letters.lua's settings: the default campaign's widget at `origin`, flat out, each
    acknowledged letter's name written under `acks`."""
    return {"SLUG": "syria-five-steps", "ORIGIN": origin, "RATE": "0", "ACK_DIR": str(acks)}
