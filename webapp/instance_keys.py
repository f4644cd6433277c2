"""The instance's key files (session secret, data master key): made, read, or start-up refused."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

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


def ensure_data_key_file(path: Path, database_url: str) -> str:
    """Return the master key stored at `path`, creating it only for a database that holds no
    supporter yet: a new key over sealed data would open none of it (a restore without the key
    file, or a typo in DATA_ENCRYPTION_KEY_FILE, and every waiting letter would go dead)."""
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    try:
        holds_data = _holds_supporters(database_url)
    except OperationalError:
        raise ConfigError(
            f"The master key file {path} does not exist, and the database could not be reached "
            "to check that it holds no sealed data yet, so no new key was made. Start the "
            "database (check DATABASE_URL) and run this again, or set DATA_ENCRYPTION_KEY."
        ) from None
    if holds_data:
        raise ConfigError(
            f"The master key file {path} does not exist, but the database already holds "
            "supporters' sealed data: a new key would open none of it, so none was made. "
            "Restore the key file kept apart from the database backup to that path (or correct "
            "DATA_ENCRYPTION_KEY_FILE if it names the wrong file), or set DATA_ENCRYPTION_KEY "
            "to the key. Refusing to start."
        )
    return ensure_secret_key_file(path)


def _holds_supporters(database_url: str) -> bool:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return False  # a fresh install: connecting would only create an empty file
    engine = create_engine(url, poolclass=NullPool, hide_parameters=True)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("supporter"):
                return False  # never migrated
            return connection.scalar(text("SELECT 1 FROM supporter LIMIT 1")) is not None
    finally:
        engine.dispose()


def data_encryption_key(
    given: str, key_file: Path, debug: bool, testing: bool, database_url: str
) -> str:
    """The master key that wraps each supporter's data key: `given` (DATA_ENCRYPTION_KEY), else
    the key file's ("" in tests: see create_app)."""
    if given.strip():
        return given.strip()
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    if debug:
        # Unlike the session key, this one must outlive the process: the data it seals does.
        return ensure_data_key_file(key_file, database_url)
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
