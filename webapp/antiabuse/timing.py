"""A signed 'form started at' stamp: letters sent within seconds of opening the form are suspect."""

from __future__ import annotations

import time

from itsdangerous import BadData, URLSafeTimedSerializer

from webapp.signing import timed_serializer

_SALT = "form-started"


def _serializer() -> URLSafeTimedSerializer:
    return timed_serializer(_SALT)


def started_stamp() -> str:
    return str(_serializer().dumps(1))


def seconds_since(stamp: str | None) -> float | None:
    """Seconds since the stamp was issued, or None when it is missing or forged."""
    if not stamp:
        return None
    try:
        _value, issued = _serializer().loads(stamp, return_timestamp=True)
    except BadData:
        return None
    return max(0.0, time.time() - float(issued.timestamp()))
