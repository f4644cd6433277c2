"""The app's Flask class: each view and hook is asked once whether it is a coroutine function."""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from typing import Any

import flask.app
import pytest
from flask import Flask
from flask.testing import FlaskClient


def test_views_and_hooks_are_asked_once_whether_they_are_coroutines(
    app: Flask, client: FlaskClient, default_campaign: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[Callable[..., Any]] = []
    real = flask.app.iscoroutinefunction

    def counting(func: Callable[..., Any]) -> bool:
        asked.append(func)
        return real(func)

    monkeypatch.setattr(flask.app, "iscoroutinefunction", counting)
    assert client.get(f"/campaigns/{default_campaign}").status_code == 200
    first = len(asked)
    assert first > 0  # the page's view and hooks not yet asked about (the app is new)
    for _ in range(3):
        assert client.get(f"/campaigns/{default_campaign}").status_code == 200
    assert len(asked) == first


def test_an_async_view_is_still_run_as_flask_runs_it(app: Flask) -> None:
    async def view() -> str:
        return "ok"

    def plain() -> str:
        return "ok"

    assert app.ensure_sync(plain) is plain
    assert app.ensure_sync(plain) is plain  # remembered, the same answer
    # Flask wraps a coroutine function (or says what it needs to: asgiref, not installed
    # here); asked twice, so the second answer comes after anything remembered.
    try:
        expected: Any = Flask.ensure_sync(app, view)
    except RuntimeError as needs:
        for _ in range(2):
            with pytest.raises(RuntimeError, match=re.escape(str(needs))):
                app.ensure_sync(view)
    else:
        assert [app.ensure_sync(view)() for _ in range(2)] == [expected(), "ok"]


class _Handler:
    def hook(self) -> None:
        return None


class _Unhashable:
    __hash__ = None  # type: ignore[assignment]

    def __call__(self) -> str:
        return "ok"


def test_a_callable_made_for_one_request_is_not_kept(app: Flask) -> None:
    """A bound method made per call leaves the cache with its object; a callable that cannot be
    a key is asked about each time, as Flask does."""
    remembered = len(app._coroutine)  # type: ignore[attr-defined]
    handler = _Handler()
    hook = handler.hook
    assert app.ensure_sync(hook) is hook
    assert len(app._coroutine) == remembered + 1  # type: ignore[attr-defined]
    del hook, handler
    gc.collect()
    assert len(app._coroutine) == remembered  # type: ignore[attr-defined]
    unhashable = _Unhashable()
    assert app.ensure_sync(unhashable) is unhashable
