"""Requests take turns at a worker process's Python; one waiting on an upstream steps aside."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from webapp.database import in_writer_turn

_holding = threading.local()


class RequestSlots:
    """How many of a process's requests run their Python at once; the others wait for a slot.

    CPython runs one thread's Python at a time in a process. When several threads all have
    Python to run, each SQLite call and socket write hands the GIL to another thread, and the
    switching cost a letter about a quarter more CPU with four threads than with one (the
    README's "Requests take turns"). A request waits here once, right after its body is read,
    and keeps the slot until its teardown. A thread waiting on the network gives it up
    (`waiting`), so a slow upstream holds a thread, as before, and not the process.
    """

    def __init__(self, slots: int) -> None:
        self._free = threading.BoundedSemaphore(slots)

    def take(self) -> None:
        if getattr(_holding, "slots", None) is not None:
            return  # a request within a request (a test client inside a view): one slot
        self._free.acquire()
        _holding.slots = self

    def give(self, _error: BaseException | None = None) -> None:
        if getattr(_holding, "slots", None) is self:
            _holding.slots = None
            self._free.release()


def holds_slot() -> bool:
    """Whether this thread holds a request slot now."""
    return getattr(_holding, "slots", None) is not None


@contextmanager
def waiting() -> Iterator[None]:
    """Give this thread's slot up while it waits on something slow: an upstream, a pause.

    Kept through a SQLite writer's turn: another request of this process may be queued for that
    turn while holding the slot, and the turn must end before the slot is asked for again.
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


def init_request_slots(app: Flask) -> None:
    """Register right after the body is read (request_guards), so a slow upload holds no slot.

    REQUEST_SLOTS of 0 lets every thread run at once, as gunicorn's threads did before.
    """
    count = int(app.config["REQUEST_SLOTS"])
    if count <= 0:
        return
    slots = RequestSlots(count)
    app.before_request(slots.take)
    # Teardown functions run last registered first: this one runs after the others.
    app.teardown_request(slots.give)
