"""A fresh server process compiles its templates and renders the front pages before serving."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace

from flask import Flask

from webapp.warmup import warm

ROOT = Path(__file__).resolve().parent.parent


def test_warm_compiles_every_template(app: Flask) -> None:
    assert app.jinja_env.cache is not None
    app.jinja_env.cache.clear()
    warm(app)
    names = app.jinja_env.list_templates(extensions=("html", "txt"))
    assert len(names) > 20
    cached = {key[1] for key in app.jinja_env.cache}
    assert set(names) <= cached


def test_gunicorn_warms_each_worker(app: Flask) -> None:
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert app.jinja_env.cache is not None
    app.jinja_env.cache.clear()
    held = (app, app.jinja_env, app.url_map)
    # gc.get_objects() lists what a collection walks, which leaves out the frozen.
    assert all(_walked(thing) for thing in held)  # this test's app is not frozen yet
    settings["post_worker_init"](SimpleNamespace(wsgi=app, cfg=SimpleNamespace(threads=16)))
    assert any(key[1] == "supporter/privacy.html" for key in app.jinja_env.cache)
    # What the warm worker holds is frozen: a full collection no longer walks the app.
    assert not any(_walked(thing) for thing in held)


def _walked(thing: object) -> bool:
    return any(candidate is thing for candidate in gc.get_objects())
