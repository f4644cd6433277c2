"""Does one process slow down or grow as it serves letters? CPU, objects and memory per block.

A gunicorn worker lives through a whole day of action. This sends letters through the widget
form in one process (as bench.profile_letter does: no HTTP, default limits and risk checks, the
SQLite limit store filling with a counter per address) and prints, for each block of letters,
the CPU a letter, the objects the garbage collector tracks, the peak resident memory and the
full collections run. A worker whose own state grew with the letters (a cache without a bound,
objects kept per letter) would show rising objects and CPU; the tables' share is bench.decay's.

Run: .venv/bin/python -m bench.long_process [--letters 24000] [--block 2000]
"""

from __future__ import annotations

import argparse
import gc
import resource
import time

from bench.profile_letter import _letter
from bench.support import letter_app

WARM = 50


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=24_000)
    parser.add_argument("--block", type=int, default=2_000)
    args = parser.parse_args()
    with letter_app("sqlite") as app:
        client = app.test_client()
        for n in range(WARM):
            _letter(client, n)
        gc.collect()
        start_objects = len(gc.get_objects())
        first_ms = 0.0
        print(f"after {WARM} letters: {start_objects} objects tracked", flush=True)
        for start in range(WARM, WARM + args.letters, args.block):
            full_before = gc.get_stats()[2]["collections"]
            cpu = time.process_time()
            for n in range(start, start + args.block):
                _letter(client, n)
            ms = (time.process_time() - cpu) * 1000 / args.block
            first_ms = first_ms or ms
            objects = len(gc.get_objects())
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            full = gc.get_stats()[2]["collections"] - full_before
            print(
                f"{start + args.block - WARM:>7} letters: {ms:.2f} ms of CPU a letter "
                f"({ms / first_ms:.3f} of the first block), {objects} objects "
                f"({objects - start_objects:+d}), peak {peak_mb} MB, full collections {full}",
                flush=True,
            )


if __name__ == "__main__":
    main()
