"""The objects behind Flask's proxies: the same ones, and the same error outside a context."""

from __future__ import annotations

import pytest
from flask import Flask, current_app, g, request
from flask_babel import force_locale, get_locale

from webapp.unproxied import this_app, this_g, this_locale, this_request


def test_the_proxied_objects_themselves() -> None:
    # Pins existing behaviour: each helper is the proxy's own object, not a copy.
    app = Flask(__name__)
    with app.test_request_context("/x?lang=ar"):
        assert this_request() is request._get_current_object()  # type: ignore[attr-defined]
        assert this_request().args["lang"] == "ar"
        assert this_app() is app is current_app._get_current_object()  # type: ignore[attr-defined]
        this_g().marker = "set"
        assert g.marker == "set"


def test_outside_a_context_as_the_proxies() -> None:
    with pytest.raises(RuntimeError, match="outside of request context"):
        this_request()
    with pytest.raises(RuntimeError, match="outside of application context"):
        this_app()
    with pytest.raises(RuntimeError, match="outside of application context"):
        this_g()


def test_the_locale_is_flask_babels_own(app: Flask) -> None:
    """Pins this_locale against Flask-Babel's get_locale: the same object before the request
    has chosen one, after, inside force_locale and after it; None outside a context."""
    assert this_locale() is None is get_locale()
    for header in ("ar-SY,en;q=0.5", "fr", "en"):
        with app.test_request_context("/", headers={"Accept-Language": header}):
            first = this_locale()  # chosen here: nothing kept on `g` yet
            assert first is not None and first is get_locale()
            assert this_locale() is first
            with force_locale("ar"):
                assert this_locale() is get_locale() and str(this_locale()) == "ar"
            assert this_locale() is get_locale() is first
    with app.app_context():  # no request: the default, as get_locale gives it
        assert this_locale() is not None and str(this_locale()) == str(get_locale()) == "en"
