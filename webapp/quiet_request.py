"""Lookups that cost no exception: the app's request class (query, form and cookie values) and
header names."""

from __future__ import annotations

from typing import Any

from flask import Request
from werkzeug.datastructures import Headers, ImmutableMultiDict


class QuietMultiDict(ImmutableMultiDict[str, Any]):
    """Werkzeug's immutable MultiDict, whose `get` of an absent key returns the default at once.

    Werkzeug's `get` looks the key up through `__getitem__`, which builds and raises a
    BadRequestKeyError (an HTTPException) that `get` then catches: a dozen times a letter
    (a widget form's absent `parent`, `zip` or `lang`, an absent cookie), each costing more
    than the rest of the lookup. Same answers: a present key goes through Werkzeug's `get`.
    """

    def get(self, key: str, default: Any = None, type: Any = None) -> Any:  # type: ignore[override]
        if key not in self:
            return default
        return super().get(key, default, type)


class QuietRequest(Request):
    """Flask's request with query, form and cookie values in QuietMultiDict."""

    parameter_storage_class = QuietMultiDict
    dict_storage_class = QuietMultiDict


def has_header(headers: Headers, name: str) -> bool:
    """`name in headers`, without the BadRequestKeyError Werkzeug raises and catches when the
    header is absent, as the response headers checked on every page mostly are."""
    lowered = name.lower()
    return any(key.lower() == lowered for key, _value in headers)
