"""The instance's key files (session secret, data master key): made, read, or start-up refused."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from webapp.config_values import ConfigError

# Which key and which file are used is read from the environment in config.py, with every setting.


def ensure_secret_key_file(path: Path) -> str:
    """Return the key stored at `path`, creating it (mode 0600) on first use."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(key + "\n")
    return key


def data_encryption_key(given: str, key_file: Path, debug: bool, testing: bool) -> str:
    """The master key that wraps each supporter's data key: `given` (DATA_ENCRYPTION_KEY), else
    the key file's ("" in tests: see create_app)."""
    if given.strip():
        return given.strip()
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    if debug:
        # Unlike the session key, this one must outlive the process: the data it seals does.
        return ensure_secret_key_file(key_file)
    if testing:
        return ""
    raise ConfigError(
        "DATA_ENCRYPTION_KEY is not set. Set it in the environment or .env, or create "
        f"{key_file} (`make run` does this for you). Supporters' personal data is sealed "
        "under it: keep it out of database backups. Refusing to start without it."
    )


def secret_key(given: str, key_file: Path, debug: bool) -> str | None:
    """The session secret: `given` (SECRET_KEY), else the key file's; None in debug without
    either (a per-process key then does)."""
    if given:
        return given
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    if debug:
        return None
    raise ConfigError(
        "SECRET_KEY is not set. Set SECRET_KEY in the environment or .env, or create "
        f"{key_file} (`make run` does this for you). Refusing to start without it."
    )
