"""Log filters that keep addresses, emails and secret tokens out of lines other code writes."""

from __future__ import annotations

import ipaddress
import logging
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

# Query strings carry street addresses (geocoder and API calls), widget prefill (email, name)
# and API keys (CWC); these path segments are secrets that open a receipt or an account.
_QUERY = re.compile(r"\?[^\s\"'<>]*")
_SECRET_SEGMENT = re.compile(r"/(receipts|confirm|reset)/[^/\s?\"'<>]+")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Client addresses (rate-limit keys): IPv4, and IPv6 written in full or with "::".
_IP = re.compile(
    r"(?<![\w:])::ffff:(?:\d{1,3}\.){3}\d{1,3}\b"  # IPv4 as a dual-stack server writes it
    r"|\b(?:\d{1,3}\.){3}\d{1,3}\b"
    r"|\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"
    r"|(?<![\w:])(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*)?(?![\w:])"
)

# Loggers whose lines are written by code that does not know what is personal: HTTP clients and
# servers log whole URLs; the delivery worker logs SMTP errors, which quote recipient addresses.
REDACTED_LOGGERS = (
    "urllib3.connectionpool",
    "werkzeug",
    "gunicorn.access",
    "webapp.delivery.worker",
)


# The app's own servers, written as addresses in its settings (a relay, a database): an operator
# reading "cannot connect to SMTP server [ip]:587" could not see which host was wrong.
_kept: frozenset[str] = frozenset()


def _ip_or_hidden(match: re.Match[str]) -> str:
    found = match[0]
    if found in _kept:
        return found
    try:
        loopback = ipaddress.ip_address(found).is_loopback
    except ValueError:
        loopback = False
    # This machine's own address is no one's: the server's banner, a relay on loopback.
    return found if loopback else "[ip]"


def redact(text: str) -> str:
    text = _QUERY.sub("?[query]", text)
    text = _SECRET_SEGMENT.sub(r"/\1/[token]", text)
    text = _EMAIL.sub("[email]", text)
    return _IP.sub(_ip_or_hidden, text)


def server_addresses(settings: Iterable[object]) -> frozenset[str]:
    """The IP addresses written as hosts in these settings' URLs (SMTP_URL, DATABASE_URL, ...)."""
    found = set()
    for value in settings:
        if not isinstance(value, str) or "://" not in value:
            continue
        try:
            host = urlsplit(value).hostname
            if host:
                found.add(str(ipaddress.ip_address(host)))
        except ValueError:
            continue  # a host name, or not a URL: nothing to keep
    return frozenset(found)


class RedactPersonalData(logging.Filter):
    """Rewrites a record's message (and exception text) without query strings, tokens or emails."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


@cache
def _app_loggers() -> tuple[str, ...]:
    """Every module of the app, by name: a failure logged from a module that moved (the worker's
    "not sent" lines went to delivery/failures.py) is cleaned all the same. Read from the files,
    importing nothing, once per process: the app's files do not change under it, and walking
    them took 5-15 ms, for every app a test process builds (some 4,000)."""
    root = Path(__file__).resolve().parent
    names = []
    for path in root.rglob("*.py"):
        parts = path.relative_to(root.parent).with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return tuple(sorted(names))


def install_log_filters(servers: Iterable[str] = ()) -> None:
    """Attach the filter to those loggers and the app's own: at the source, so every handler gets
    clean records. `servers`: addresses of the app's own servers, which stay readable."""
    global _kept
    _kept = frozenset(servers)
    for name in (*REDACTED_LOGGERS, *_app_loggers()):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactPersonalData) for f in logger.filters):
            logger.addFilter(RedactPersonalData())
