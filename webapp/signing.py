"""Signed-token serializers, each built once per secret key and salt instead of per request."""

from __future__ import annotations

from functools import lru_cache

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer

from webapp.unproxied import this_app

# Building an itsdangerous serializer encodes a test payload to learn whether it yields text,
# and the widget form and its send built three each: a cached one signs and checks the same.


@lru_cache(maxsize=32)
def _timed(secret: str | bytes, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt)


@lru_cache(maxsize=32)
def _untimed(secret: str | bytes, salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret, salt=salt)


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
