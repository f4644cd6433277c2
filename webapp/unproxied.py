"""The request, app, `g` and locale behind Flask's context proxies, for code run on every
request."""

from __future__ import annotations

from typing import cast

from babel import Locale
from flask import Flask, Request, current_app, g, has_app_context, request
from flask.ctx import _AppCtxGlobals
from flask_babel import get_locale

# Reading an attribute through a proxy (`request.path`) first looks the name up on the proxy
# itself, which fails and builds an AttributeError with its message, before Werkzeug reads it
# from the real object: about 8,000 instructions a read, against 1,150 for fetching the object
# (callgrind, Werkzeug 3.1), some 180 times a letter. Flask's "Notes On Proxies" gives
# `_get_current_object()` for this. Same objects, same errors outside a context.


def this_request() -> Request:
    """The request `flask.request` stands for (RuntimeError outside a request, as it)."""
    return cast(Request, request._get_current_object())  # type: ignore[attr-defined]


def this_app() -> Flask:
    """The app `flask.current_app` stands for."""
    return cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]


def this_g() -> _AppCtxGlobals:
    """The app context's `g`."""
    return cast(_AppCtxGlobals, g._get_current_object())


def this_locale() -> Locale | None:
    """Flask-Babel's get_locale(), reading the locale it keeps on `g` without the proxy.

    get_locale looks for the locale it chose for this request through `g`'s proxy, two failed
    reads first each time (pages ask for it about seven times a letter). The same namespace on
    the real `g` gives the same object, a force_locale's included; until it holds one,
    get_locale chooses it as before.
    """
    if has_app_context():
        kept = this_g().get("_flask_babel")
        locale = getattr(kept, "babel_locale", None)
        if isinstance(locale, Locale):
            return locale
    chosen: Locale | None = get_locale()
    return chosen
