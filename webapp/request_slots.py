"""Requests take turns at a worker process's Python; one waiting on an upstream steps aside."""

from __future__ import annotations

import math
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from flask import Flask

from webapp.database import in_writer_turn

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_holding = threading.local()


class RequestSlots:
    """How many of a process's requests run their Python at once; the others wait for a slot.

    CPython runs one thread's Python at a time in a process. When several threads all have
    Python to run, each SQLite call and socket write hands the GIL to another thread, and the
    switching cost a letter about a quarter more CPU with four threads than with one (README,
    Benchmarks). A request waits here once, right after its body is read, and keeps the slot
    until the app has answered. A thread waiting on the network gives it up (`waiting`), so a
    slow upstream holds a thread, as before, and not the process.
    """

    def __init__(self, slots: int) -> None:
        # One slot (the default) is a plain lock: the semaphore is Python code around a
        # Condition, and its release woke the next thread through notify() on every request.
        self._free: threading.Lock | threading.BoundedSemaphore = (
            threading.Lock() if slots == 1 else threading.BoundedSemaphore(slots)
        )

    def take(self) -> None:
        if holds_slot():
            return  # a request within a request (a test client inside a view): one slot
        self._free.acquire()
        _holding.slots = self

    def give(self) -> None:
        if getattr(_holding, "slots", None) is self:
            _holding.slots = None
            self._free.release()


class _GiveBack:
    """WSGI wrapper: the slot goes back when the app returns or raises, whatever the hooks did.

    (A teardown function that raises stops the ones after it: the slot must not depend on them.)
    Nested calls in one thread give it back only when the outermost returns.
    """

    def __init__(self, app: WSGIApplication, slots: RequestSlots) -> None:
        self.app = app
        self.slots = slots

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        _holding.depth = getattr(_holding, "depth", 0) + 1
        try:
            return self.app(environ, start_response)
        finally:
            _holding.depth -= 1
            if not _holding.depth:
                self.slots.give()


def holds_slot() -> bool:
    """Whether this thread holds a request slot now."""
    return getattr(_holding, "slots", None) is not None


@contextmanager
def waiting() -> Iterator[None]:
    """Give this thread's slot up while it waits on something slow: an upstream, a pause.

    Kept through a SQLite writer's turn: another request of this process may be queued for that
    turn while holding the slot, and the turn must end before the slot is asked for again. For
    the same reason, never wait on an upstream inside a PostgreSQL write transaction.
    """
    slots: RequestSlots | None = getattr(_holding, "slots", None)
    if slots is None or in_writer_turn():
        yield
        return
    slots.give()
    try:
        yield
    finally:
        slots.take()


def pool_shortfall(config: Mapping[str, Any], threads: int) -> str | None:
    """Why a worker of `threads` threads could stall on its PostgreSQL pool, or None if it cannot.

    A lookup waiting on an upstream keeps its database connection but not its slot. If such
    lookups hold every connection the pool lends (pool and overflow: twice DB_POOL_SIZE), the
    slot's holder waits for one that only a thread without the slot can give back. SQLite's
    pool is unbounded for that reason (webapp/__init__.py).
    """
    if int(config["REQUEST_SLOTS"]) <= 0 or str(config["SQLALCHEMY_DATABASE_URI"]).startswith(
        "sqlite"
    ):
        return None
    size = int(config["DB_POOL_SIZE"])
    if 2 * size >= threads:
        return None
    return (
        f"DB_POOL_SIZE={size} lends a worker at most {2 * size} database connections, fewer "
        f"than its {threads} threads: lookups waiting on an upstream could hold them all while "
        f"another request holds the worker's slot. Set DB_POOL_SIZE to at least "
        f"{math.ceil(threads / 2)}, or run fewer threads."
    )


def init_request_slots(app: Flask) -> None:
    """Register right after the body is read (request_guards), so a slow upload holds no slot.

    REQUEST_SLOTS of 0 lets every thread run at once, as gunicorn's threads did before.
    """
    count = int(app.config["REQUEST_SLOTS"])
    if count <= 0:
        return
    slots = RequestSlots(count)
    app.before_request(slots.take)
    wrapped: Any = _GiveBack(app.wsgi_app, slots)
    app.wsgi_app = wrapped  # type: ignore[method-assign]
