"""Cached signing serializers: built once per key and salt, and never across keys."""

from __future__ import annotations

from flask import Flask, session
from itsdangerous import BadSignature, URLSafeSerializer, URLSafeTimedSerializer

from webapp.signing import CachedSigningSessions, timed_serializer, untimed_serializer


def _app(secret: str) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = secret
    app.session_interface = CachedSigningSessions()

    @app.get("/set")
    def set_value() -> str:
        session["who"] = "writer"
        return "set"

    @app.get("/get")
    def get_value() -> str:
        return str(session.get("who", "nobody"))

    return app


def test_one_serializer_per_key_and_salt() -> None:
    with _app("first").app_context():
        assert timed_serializer("a") is timed_serializer("a")
        assert timed_serializer("a") is not timed_serializer("b")
        assert untimed_serializer("a") is untimed_serializer("a")
        token = timed_serializer("a").dumps(1)
        plain = untimed_serializer("a").dumps(1)
    with _app("second").app_context():
        # Another key gets its own serializer: a token from the first key is refused.
        try:
            timed_serializer("a").loads(token)
        except BadSignature:
            pass
        else:
            raise AssertionError("a token signed under another key was accepted")
        assert untimed_serializer("a", "first").loads(plain) == 1


def test_payloads_are_signed_uncompressed_and_compressed_ones_still_load() -> None:
    # Repetitive enough that itsdangerous's own serializers compress it ("." before the token).
    payload = {"c": 1, "p": "https://" + "a" * 60 + ".org", "n": "x"}
    with _app("first").app_context():
        for ours, theirs in (
            (timed_serializer("a"), URLSafeTimedSerializer("first", salt="a")),
            (untimed_serializer("a"), URLSafeSerializer("first", salt="a")),
        ):
            assert theirs.dumps(payload).startswith(".")
            token = ours.dumps(payload)
            assert not token.startswith(".")  # no zlib trial: plain base64 JSON
            assert ours.loads(token) == payload
            assert theirs.loads(token) == payload
            # A token compressed before (by itsdangerous's own dump) is read as before.
            assert ours.loads(theirs.dumps(payload)) == payload


def test_session_serializer_kept_until_the_keys_change() -> None:
    app = _app("first")
    sessions = app.session_interface
    assert isinstance(sessions, CachedSigningSessions)
    built = sessions.get_signing_serializer(app)
    assert sessions.get_signing_serializer(app) is built
    client = app.test_client()
    client.get("/set")
    assert client.get("/get").text == "writer"
    app.secret_key = "rotated"
    assert sessions.get_signing_serializer(app) is not built
    assert client.get("/get").text == "nobody"  # the old cookie no longer verifies
    app.config["SECRET_KEY_FALLBACKS"] = ["first"]
    assert client.get("/get").text == "writer"  # ...until the old key is a fallback


def test_the_app_uses_cached_sessions(app: Flask) -> None:
    assert isinstance(app.session_interface, CachedSigningSessions)
