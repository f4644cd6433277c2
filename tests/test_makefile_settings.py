"""`make run` and `make serve` take PORT, WORKERS and THREADS from .env, as the app takes PORT."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _served(folder: Path, *args: str, env: dict[str, str] | None = None) -> tuple[str, str, str]:
    """What `make -n serve` would start: (port, workers, threads)."""
    environ = {k: v for k, v in os.environ.items() if k not in {"PORT", "WORKERS", "THREADS"}}
    shown = subprocess.run(
        ["make", "--no-print-directory", "-n", "serve", *args],
        cwd=folder,
        env={**environ, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"--bind 127\.0\.0\.1:(\S+) --workers (\S+)\s*\\?\s*--threads (\S+)", shown)
    assert found, shown
    return found[1], found[2], found[3]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").touch()
    return tmp_path


def test_settings_in_dotenv_reach_the_server_and_the_command_line_wins(folder: Path) -> None:
    # Written as an operator might: a comment after the value, export, quotes, spaces.
    (folder / ".env").write_text(
        'LOG_LEVEL=INFO\nPORT=5182  # the proxy\'s upstream\nexport WORKERS="3"\nTHREADS = 8\n'
    )
    assert _served(folder) == ("5182", "3", "8")
    assert _served(folder, env={"PORT": "6000"})[0] == "6000"  # the environment first
    assert _served(folder, "PORT=7000", "THREADS=4") == ("7000", "3", "4")


def test_without_dotenv_the_defaults_hold(folder: Path) -> None:
    port, workers, threads = _served(folder)
    assert (port, threads) == ("5000", "16")
    assert int(workers) == len(os.sched_getaffinity(0))
