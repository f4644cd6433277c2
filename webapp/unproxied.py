"""The request, app and `g` behind Flask's context proxies, for code run on every request."""

from __future__ import annotations

from typing import cast

from flask import Flask, Request, current_app, g, request
from flask.ctx import _AppCtxGlobals

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
