"""How long SQLite's writer turn is held per letter under load, and how long letters queue for it.

Run: .venv/bin/python -m bench.writer_lock [--letters 4000] [--workers 4] [--threads 4]
The load run of bench.load (SQLite, default limits) with the writer turn timed in every worker
(bench/timed_writer_app.py). If the turn is held for most of the run, the writer lock, not the
CPU, caps the letters per second; compare --workers/--threads settings in one sitting.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from bench.load import _report, run_backend


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--letters", type=int, default=4000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="civic-writer-lock-") as folder:
        os.environ["WRITER_LOCK_STATS"] = folder
        result = run_backend(
            "sqlite",
            args.letters,
            200,
            args.workers,
            threads=args.threads,
            app="bench.timed_writer_app:app",
        )
        _report(result)
        sums = [line.split() for p in Path(folder).glob("worker-*.txt") for line in [p.read_text()]]
    turns = sum(int(s[0]) for s in sums)
    held = sum(float(s[1]) for s in sums)
    waited = sum(float(s[2]) for s in sums)
    if not turns:
        raise SystemExit("no writer turns were timed")
    print(
        f"writer turns: {turns:,}; held {held * 1000 / turns:.1f} ms and waited for "
        f"{waited * 1000 / turns:.1f} ms per turn on average; held {held:.1f} s in all"
    )


if __name__ == "__main__":
    main()
