"""A fresh server process compiles its templates, renders the front pages and loads the civic
data before serving."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from flask import Flask
from sqlalchemy import event

from tests.civic.data import load_civic_data
from webapp import create_app
from webapp.civic.lookup import CivicLookup
from webapp.database import db, utcnow
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


def test_a_warmed_worker_has_the_civic_data_its_first_lookup_needs(
    app: Flask, app_config: dict[str, Any]
) -> None:
    load_civic_data(app)
    worker = create_app(app_config)  # a fresh process: nothing loaded yet
    try:
        warm(worker)
        lookup: CivicLookup = worker.extensions["civic_lookup"]
        with worker.app_context():
            statements: list[str] = []
            event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
            seated = lookup.seated(db.session(), utcnow())
    finally:
        with worker.app_context():
            db.session.remove()
            db.engine.dispose()
    assert seated.roster_matches and lookup.roster.count > 500
    assert statements == []  # the members of Congress and the ZIP table were read by warm()


def _walked(thing: object) -> bool:
    return any(candidate is thing for candidate in gc.get_objects())
