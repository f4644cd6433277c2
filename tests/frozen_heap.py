"""The test process's long-lived heap kept frozen, as a served worker's is (freeze_heap)."""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

# How many tests run between two freezes of what they left alive (caches, session fixtures).
REFREEZE_EVERY = 25
# Every so many freezes, everything is thawed and collected first: an object frozen while alive
# and dropped later in a reference cycle is never freed otherwise (older tests' engines held by
# caches until pushed out: about 0.1 MB a test).
THAW_EVERY = 8
# Where the interpreter keeps the last failure, whose frames hold the failed test's locals
# (an open transaction among them) until pytest drops them at the next test's call.
LAST_FAILURE = ("last_type", "last_value", "last_traceback", "last_exc")

_freeze = gc.freeze


class _Heap:
    tests = 0
    freezes = 0
    froze_itself = True  # a test froze the heap (or none has run yet): thaw before freezing


def refreeze(thaw: bool) -> None:
    """Collect, then freeze what is left; `thaw`: unfreeze everything first."""
    for name in LAST_FAILURE:
        sys.__dict__.pop(name, None)
    if thaw:
        gc.unfreeze()
    gc.collect()
    _freeze()


def _freeze_in_a_test() -> None:
    _Heap.froze_itself = True
    _freeze()


@pytest.fixture(scope="session", autouse=True)
def freezes_noticed() -> Iterator[None]:
    """gc.freeze, noted when a test calls it (gunicorn's worker start-up does): counting the
    frozen objects instead would walk them all."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(gc, "freeze", _freeze_in_a_test)
        yield


@pytest.fixture(autouse=True)
def frozen_heap(freezes_noticed: None) -> Iterator[None]:
    """The heap that outlives tests is frozen before them.

    The session holds some 300,000 tracked objects (test modules, shared compiled templates and
    URL builders), and each test leaves its app as garbage in cycles, which only a full
    collection frees. Unfrozen, each full collection walked the whole heap: about 280 ms, every
    four tests or so, a quarter of a worker's own CPU. What a test froze itself is thawed and
    collected before the next, so its garbage does not stay for the session.
    """
    _Heap.tests += 1
    if _Heap.froze_itself or _Heap.tests % REFREEZE_EVERY == 0:
        _Heap.freezes += 1
        refreeze(thaw=_Heap.froze_itself or _Heap.freezes % THAW_EVERY == 0)
        _Heap.froze_itself = False
    yield
