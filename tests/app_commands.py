"""The app's commands run as an operator runs them: a child process, its own environment."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping

from webapp.config import PROJECT_ROOT

FLASK = ("-m", "flask", "--app", "app")


def run_command(
    args: tuple[str, ...], settings: Mapping[str, str], drop: tuple[str, ...] = ("FLASK_",)
) -> subprocess.CompletedProcess[str]:
    """`python *args` from the project's root, with this process's environment less the keys
    starting with `drop` (a test's own database or Flask app would leak in) plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env.update(settings)
    return subprocess.run(
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
