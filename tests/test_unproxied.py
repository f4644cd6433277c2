"""The objects behind Flask's proxies: the same ones, and the same error outside a context."""

from __future__ import annotations

import pytest
from flask import Flask, current_app, g, request

from webapp.unproxied import this_app, this_g, this_request


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
