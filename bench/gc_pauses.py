"""Full garbage collections during letters, with the warmed heap as it is and then frozen.

Run: .venv/bin/python -m bench.gc_pauses [--letters 3000] [--warm 300] [--backend sqlite|postgresql]
The same letters as bench.profile_letter (widget form GET and send POST, in-process), first
with every object the warmed app holds still tracked, then after webapp.warmup.freeze_heap, as
each gunicorn worker does before it accepts. Each half starts from a full collection, so both
start level. For each half: the full (generation 2) collections that came during its letters,
their longest and total pause, each letter's wall time (p50, p99, p99.9, max), since a letter
that meets a full collection waits for all of it, and last one full collection timed on its own:
the pause a worker's requests wait for whenever one does come.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from typing import Any

from bench.profile_letter import _letter
from bench.support import letter_app
from webapp.warmup import freeze_heap


class _FullCollections:
    """Each generation 2 collection's pause, from the collector's own callbacks."""

    def __init__(self) -> None:
        self.pauses_ms: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses_ms.append((time.perf_counter() - self._started) * 1000)


def _half(client: Any, first: int, letters: int, label: str) -> None:
    full = _FullCollections()
    walls = []
    gc.callbacks.append(full)
    try:
        for n in range(first, first + letters):
            started = time.perf_counter()
            _letter(client, n)
            walls.append((time.perf_counter() - started) * 1000)
    finally:
        gc.callbacks.remove(full)
    cuts = statistics.quantiles(walls, n=1000, method="inclusive")
    pauses = full.pauses_ms
    tracked = len(gc.get_objects())
    started = time.perf_counter()
    gc.collect()
    one = (time.perf_counter() - started) * 1000
    print(
        f"{label}: {tracked} objects tracked, {gc.get_freeze_count()} frozen; "
        f"{len(pauses)} full collections, longest {max(pauses, default=0):.1f} ms, "
        f"{sum(pauses):.1f} ms in all; letter wall ms p50 {cuts[499]:.1f}, "
        f"p99 {cuts[989]:.1f}, p99.9 {cuts[998]:.1f}, max {max(walls):.1f}; "
        f"one full collection timed after: {one:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=3000, help="letters in each half")
    parser.add_argument("--warm", type=int, default=300, help="letters before either half")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args()
    with letter_app(args.backend) as app:
        client = app.test_client()
        for n in range(args.warm):  # caches and pools warm, as a worker's are when it accepts
            _letter(client, n)
        gc.collect()
        _half(client, 1_000, args.letters, "heap as it is")
        freeze_heap()  # a full collection first, as at the start of the other half
        try:
            _half(client, 1_000 + args.letters, args.letters, "heap frozen")
        finally:
            gc.unfreeze()


if __name__ == "__main__":
    main()
