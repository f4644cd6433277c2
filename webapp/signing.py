"""Signed-token serializers, each built once per secret key and salt instead of per request."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode
from itsdangerous.url_safe import URLSafeSerializerMixin

from webapp.unproxied import this_app

# Building an itsdangerous serializer encodes a test payload to learn whether it yields text,
# and the widget form and its send built three each: a cached one signs and checks the same.


class _Unzipped(URLSafeSerializerMixin):
    """Payloads signed as plain base64 JSON, never zlib-compressed.

    The URL-safe serializers zlib-compress every payload to see whether it comes out shorter:
    ours are a few dozen bytes, shorter compressed only when repetitive, and each trial set up
    and cleared zlib's tables (the form token and form-started stamp: 1.2% of a letter's
    instructions). A token is a little longer in those rare cases, and verified the same.
    Reading is unchanged, so a compressed token (a "." before it) signed before still loads.
    """

    def dump_payload(self, obj: Any) -> bytes:
        # The mixin's dump without the trial: the JSON of the serializer beneath it, as base64.
        json: bytes = super(URLSafeSerializerMixin, self).dump_payload(obj)
        return base64_encode(json)


class _Timed(_Unzipped, URLSafeTimedSerializer):
    """URLSafeTimedSerializer whose payloads are never compressed."""


class _Untimed(_Unzipped, URLSafeSerializer):
    """URLSafeSerializer whose payloads are never compressed."""


@lru_cache(maxsize=32)
def _timed(secret: str | bytes, salt: str) -> URLSafeTimedSerializer:
    return _Timed(secret, salt=salt)


@lru_cache(maxsize=32)
def _untimed(secret: str | bytes, salt: str) -> URLSafeSerializer:
    return _Untimed(secret, salt=salt)


def timed_serializer(salt: str) -> URLSafeTimedSerializer:
    """Tokens that carry when they were signed, under this app's secret key."""
    return _timed(this_app().config["SECRET_KEY"], salt)


def untimed_serializer(salt: str, secret: str | bytes | None = None) -> URLSafeSerializer:
    """Tokens without a time in them, under `secret` or this app's secret key."""
    return _untimed(secret if secret is not None else this_app().config["SECRET_KEY"], salt)


class CachedSigningSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the serializer kept while the keys stay the same."""

    def __init__(self) -> None:
        self._built: tuple[tuple[object, ...], URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        built = self._built
        if built is None or built[0] != keys:
            # Keys may change under a running app (tests, a rotation): then build afresh.
            built = self._built = (keys, super().get_signing_serializer(app))
        return built[1]
