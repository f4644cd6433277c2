"""Malformed requests refused before any view sees them: broken bodies, odd JSON, huge ids."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter

from webapp.database import DB_INT_MAX
from webapp.unproxied import this_g, this_request

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class Refused(BadRequest):
    """A 400 whose description is written for people: the error page shows it."""


class DatabaseInt(IntegerConverter):
    """`<int:...>` in every route: an id no database column can hold matches no page (404)."""

    def __init__(
        self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = None
    ) -> None:
        super().__init__(map, fixed_digits, min, DB_INT_MAX if max is None else max)


def _form_values(data: Any) -> bool:
    """Whether a JSON body has the shape of a form: an object of text or lists of text."""
    if not isinstance(data, dict):
        return False
    return all(
        isinstance(value, str)
        or (isinstance(value, list) and all(isinstance(item, str) for item in value))
        for value in data.values()
    )


def body_unreadable() -> bool:
    """Whether this request's body was found broken (then nothing may read it again)."""
    return bool(this_g().get("unreadable_body"))


# Endpoints that check a signature over their raw JSON body (webhooks), read by no form.
RAW_JSON_ENDPOINTS: set[str] = set()


def _read_body() -> None:
    """Read and check the body once, up front, so no later reader meets a broken one."""
    request = this_request()
    if request.method not in _BODY_METHODS:
        return
    try:
        # Caches the form (or raw data), so CSRF checks, limits and views read it from memory.
        request.get_data(parse_form_data=True)
    except RequestEntityTooLarge:
        raise
    except Exception as exc:
        # A truncated or badly chunked body: werkzeug says ClientDisconnected, gunicorn raises
        # its own ParseException subclasses from wsgi.input. The error page must not read it
        # again (the language choice looks for a form field).
        this_g().unreadable_body = True
        raise Refused(_l("The form did not arrive whole. Please send it again.")) from exc
    # Flask-WTF reads a JSON body as form fields: anything but flat text would reach them raw.
    if request.endpoint in RAW_JSON_ENDPOINTS:
        return
    if request.is_json and not _form_values(request.get_json(silent=True)):
        raise Refused(_l("Send the form's fields, or a JSON object whose values are text."))


def init_request_guards(app: Flask) -> None:
    """Register before any other hook (CSRF and rate limits read the body too)."""
    app.url_map.converters["int"] = DatabaseInt
    app.before_request(_read_body)
