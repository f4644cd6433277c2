"""Warm a fresh server process: templates compiled, front pages served, civic data loaded, its
heap settled."""

from __future__ import annotations

import gc
import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from webapp.database import db, utcnow

log = logging.getLogger(__name__)

# Pages every visitor meets first; each is a plain GET with no side effects.
FRONT_PAGES = ("/", "/privacy")


def warm(app: Flask) -> None:
    """Compile every template and serve the front pages once, in-process.

    A cold gunicorn worker spent 80-200 ms on its first page (Jinja compilation, the first
    database connection, Babel's catalogue); with four workers the first few supporters after a
    deploy or a worker restart each paid it.
    """
    env = app.jinja_env
    for name in env.list_templates(extensions=("html", "txt")):
        env.get_template(name)
    client = app.test_client()
    for path in FRONT_PAGES:
        status = client.get(path).status_code
        if status != 200:
            # The app has logged the cause; the worker still serves.
            log.warning("warm-up: %s answered %s", path, status)
    _seat_civic_data(app)


def _seat_civic_data(app: Flask) -> None:
    """Load the members of Congress and the ZIP table as a lookup does. A worker's first
    lookup spent a fifth of a second of CPU on it, seconds on a busy machine, in a supporter's
    request; loaded here, it is also frozen with the rest (freeze_heap)."""
    lookup = app.extensions.get("civic_lookup")
    if lookup is None:
        return
    with app.app_context():
        try:
            lookup.seated(db.session(), utcnow())
        except SQLAlchemyError as exc:  # no schema yet: the first lookup tries again
            log.warning("warm-up: civic data not loaded (%s)", type(exc).__name__)
        finally:
            db.session.remove()


def freeze_heap() -> None:
    """Put everything a warmed worker holds out of the garbage collector's sight for good.

    The app, its templates and caches are some 230,000 tracked objects that live as long as the
    process, and each full collection walked them all: 180 to 290 ms on a 2-core test machine,
    with the worker's requests waiting (bench.gc_pauses: 255 ms, 26.5 ms frozen). Start-up's
    garbage is collected first; a frozen object that turns to garbage later (a template pushed
    out of Jinja's cache) is never freed, which what was frozen bounds.
    """
    gc.collect()
    gc.freeze()
