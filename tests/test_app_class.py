"""The app's Flask class: each view and hook is asked once whether it is a coroutine function."""

from __future__ import annotations

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
    # Flask wraps a coroutine function (or says what it needs to): the cache changes neither.
    try:
        expected: Any = Flask.ensure_sync(app, view)
    except RuntimeError as needs:
        with pytest.raises(RuntimeError, match=re.escape(str(needs))):
            app.ensure_sync(view)
    else:
        assert app.ensure_sync(view)() == expected() == "ok"
