"""The suite's frozen heap frees what a failed test held, and, when thawed, what was dropped."""

from __future__ import annotations

import sys
import weakref

from tests.frozen_heap import refreeze


class Held:
    """An object in a reference cycle: only a collection frees it, and never once frozen."""

    def __init__(self) -> None:
        self.cycle = self


def _fail_holding(held: Held) -> None:
    raise AssertionError("a failure whose frame holds `held`")


def test_what_a_failed_test_held_is_collected_not_frozen() -> None:
    held = Held()
    alive = weakref.ref(held)
    try:
        _fail_holding(held)
    except AssertionError as failure:
        # As the interpreter keeps a failure reported by pytest, until the next test's call.
        sys.last_type, sys.last_value = type(failure), failure
        sys.last_traceback = failure.__traceback__
    del held
    refreeze(thaw=False)
    assert alive() is None
    assert not hasattr(sys, "last_traceback")


def test_an_object_dropped_after_a_freeze_is_freed_when_the_heap_is_thawed() -> None:
    held = Held()
    alive = weakref.ref(held)
    refreeze(thaw=False)  # frozen while alive
    del held
    refreeze(thaw=False)
    assert alive() is not None  # why the heap is thawed every THAW_EVERY freezes
    refreeze(thaw=True)
    assert alive() is None
