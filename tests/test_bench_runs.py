"""The benchmarks that start a second process on the first one's database run to the end."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.splitlines()


def test_a_packet_renders_in_its_own_process_from_the_generated_letters() -> None:
    # The render process must open the letters the generating process sealed.
    lines = _run("bench.packet_pdf", "--letters", "12")
    figures = json.loads(next(line for line in lines if line.startswith("{")))
    assert figures["letters"] == 12
    assert int(figures["pages"]) >= 2


def test_the_dashboard_bench_exports_from_its_own_process() -> None:
    lines = _run("bench.dashboard", "--backends", "sqlite", "--letters", "300", "--renders", "2")
    assert any(line.startswith("sqlite     CSV: 300 rows") for line in lines), lines
