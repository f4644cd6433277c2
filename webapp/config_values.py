"""One environment value read as a typed setting, or a ConfigError that says how to fix it."""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Mapping
from types import TracebackType
from urllib.parse import urlsplit

from webapp.db_faults import missing_table, unavailable_cause


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def env_bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{key} must be true or false, not {raw!r}")


def env_int(env: Mapping[str, str], key: str, default: int) -> int:
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a whole number, not {raw!r}") from exc


def env_str(env: Mapping[str, str], key: str, default: str) -> str:
    raw = env.get(key)
    return default if raw is None or raw.strip() == "" else raw.strip()


def env_site_url(env: Mapping[str, str], key: str) -> str:
    """An address with its scheme, or empty."""
    url = env_str(env, key, "")
    parts = urlsplit(url)
    # Without a scheme every link in an email and every share link is a dead relative path.
    if url and (parts.scheme not in {"http", "https"} or not parts.netloc):
        raise ConfigError(
            f"{key} must be the site's address with its scheme, like "
            f"https://letters.example.org, not {url!r}"
        )
    return url


def env_address(env: Mapping[str, str], key: str, default: str) -> str:
    """A bare email address: the sender's name is added to it, never read from it."""
    address = env_str(env, key, default)
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+", address):
        raise ConfigError(
            f"{key} must be an email address alone, like letters@example.org (the sender's "
            f"name comes from SITE_NAME or the campaign), not {address!r}"
        )
    return address


def env_seconds(env: Mapping[str, str], key: str, default: float, unit: str = "seconds") -> float:
    """A duration in `unit`, 0 or more."""
    raw = env_str(env, key, str(default))
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{key} must be a number of {unit}, not {raw!r}") from exc
    if not 0 <= value < math.inf:
        raise ConfigError(f"{key} must be a finite number of {unit}, 0 or more, not {raw!r}")
    return value


def env_positive(env: Mapping[str, str], key: str, default: float) -> float:
    value = env_seconds(env, key, default)
    if value == 0:
        raise ConfigError(f"{key} must be more than 0, not {env.get(key)!r}")
    return value


def _brief_config_error(
    kind: type[BaseException], value: BaseException, traceback: TracebackType | None
) -> None:
    if isinstance(value, ConfigError):
        # The message names the setting and the fix; a traceback would bury it.
        print(f"Error: {value}", file=sys.stderr)
    elif cause := unavailable_cause(value):
        # A stopped PostgreSQL or a mistyped DATABASE_URL: the driver's line says which.
        print(
            f"Error: {cause}. Check that it runs and that DATABASE_URL names it, then run this "
            "again; letters already recorded are kept in it.",
            file=sys.stderr,
        )
    elif table := missing_table(value):
        print(
            f"Error: the database's schema is not this version's ({table}): run "
            "`.venv/bin/flask db upgrade` (or `python -m webapp.bootstrap` on a new database).",
            file=sys.stderr,
        )
    else:
        _previous_hook(kind, value, traceback)


_previous_hook = sys.excepthook


def report_config_errors_briefly() -> None:
    """A ConfigError or a database out of reach that ends a process (a `flask` command, the
    worker, bootstrap) prints one line; every other exception its traceback. The exit status
    stays 1."""
    global _previous_hook
    if sys.excepthook is not _brief_config_error:
        _previous_hook = sys.excepthook
        sys.excepthook = _brief_config_error
