"""Start the app under `make serve`'s own gunicorn command, for tests about several workers."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from tests.pg import free_port

ROOT = Path(__file__).resolve().parent.parent


def serve_command(port: int, workers: int | None = None) -> list[str]:
    """The gunicorn command `make serve` runs (read from `make -n`, so the two cannot drift)."""
    make = ["make", "-n", "serve", f"PORT={port}"] + ([f"WORKERS={workers}"] if workers else [])
    dry_run = subprocess.run(
        make, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.replace("\\\n", " ")
    match = re.search(r"(\S*/gunicorn .*?app:app)", dry_run)
    assert match, dry_run
    command = shlex.split(match.group(1))
    command[0] = str(ROOT / command[0])
    return command


def app_env(app_config: Mapping[str, Any], **settings: str) -> dict[str, str]:
    """The environment that points a served app at a test's database and instance folder."""
    return {
        **os.environ,
        "DATABASE_URL": str(app_config["SQLALCHEMY_DATABASE_URI"]),
        "SECRET_KEY": "test-secret-key",
        "DATA_ENCRYPTION_KEY": str(app_config["DATA_ENCRYPTION_KEY"]),
        "INSTANCE_PATH": str(app_config["INSTANCE_PATH"]),
        "CIVIC_SYNC_ON_START": "0",
        "LOG_LEVEL": "WARNING",
        **settings,
    }


def _marking_ready(command: list[str]) -> tuple[list[str], int]:
    """The command with the app's settings wrapped to leave a mark per warmed worker
    (bench/gunicorn_ready.py), and how many workers it starts."""
    marked = list(command)
    marked[marked.index("--config") + 1] = str(ROOT / "bench" / "gunicorn_ready.py")
    return marked, int(marked[marked.index("--workers") + 1])


@contextmanager
def gunicorn(env: Mapping[str, str], workers: int | None = None) -> Iterator[str]:
    """Serve until the block ends; yields the base URL once every worker answers pages.

    A worker accepts only after its warm-up, so the first one ready answers a probe while the
    others still warm: a test that started then sent every connection to one worker (the
    control in test_limits_across_workers saw exactly one worker's 20 letters). Each worker's
    mark is waited for as well as a page.
    """
    port = free_port()
    command, count = _marking_ready(serve_command(port, workers))
    ready = Path(tempfile.mkdtemp(prefix="civic-ready-"))
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**env, "BENCH_READY_DIR": str(ready), "BENCH_WARM": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                marks = len(list(ready.iterdir()))
                page = requests.get(f"{url}/privacy", timeout=2).status_code
                if marks >= count and page == 200:
                    break
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline and process.poll() is None, "gunicorn did not start"
            time.sleep(0.2)
        yield url
    finally:
        # Our own process group, at once: a graceful stop would wait out any hung request.
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        shutil.rmtree(ready, ignore_errors=True)
