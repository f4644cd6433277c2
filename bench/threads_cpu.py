"""CPU a letter when several threads of one process send letters: with and without request slots.

Run: .venv/bin/python -m bench.threads_cpu [--batch 200] [--rounds 8] [--threads 4]
In one process, batches of letters (bench.profile_letter's GET + POST) alternate between one
thread, `--threads` threads on an app without request slots (REQUEST_SLOTS=0) and as many on an
app with one slot (the default). Each app has its own SQLite database. Prints each round, then
each setting's median CPU a letter and its median ratio to one thread in the same round, so the
machine's drift from minute to minute cancels out.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import threading
import time
from collections.abc import Iterator

from flask import Flask

from bench.profile_letter import _letter
from bench.support import letter_app

# Client addresses and emails never repeat, so no letter meets a limit meant for one person.
_numbers: Iterator[int] = itertools.count(100)
_numbers_lock = threading.Lock()


def _next_number() -> int:
    with _numbers_lock:
        return next(_numbers)


def cpu_ms_a_letter(app: Flask, threads: int, letters: int) -> float:
    """The process's CPU ms a letter while `threads` threads send `letters` between them."""
    each = max(1, letters // threads)

    def send() -> None:
        client = app.test_client()
        for _ in range(each):
            _letter(client, _next_number())

    workers = [threading.Thread(target=send) for _ in range(threads)]
    started = time.process_time()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return (time.process_time() - started) * 1000 / (each * threads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=200, help="letters a batch")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    many = args.threads
    names = ("1 thread", f"{many} threads, no slots", f"{many} threads, 1 slot")
    with letter_app(overrides={"REQUEST_SLOTS": 0}) as free, letter_app() as slotted:
        runs = ((free, 1), (free, many), (slotted, many))
        for app, threads in runs:  # warm caches and pools
            cpu_ms_a_letter(app, threads, 8 * threads)
        results: dict[str, list[float]] = {name: [] for name in names}
        for round_number in range(args.rounds):
            for name, (app, threads) in zip(names, runs, strict=True):
                results[name].append(cpu_ms_a_letter(app, threads, args.batch))
            shown = ", ".join(f"{name} {results[name][-1]:.2f}" for name in names)
            print(f"round {round_number + 1}: ms of CPU a letter: {shown}", flush=True)
    one = results[names[0]]
    for name in names:
        ratios = [mine / base for mine, base in zip(results[name], one, strict=True)]
        print(
            f"{name}: median {statistics.median(results[name]):.2f} ms of CPU a letter, "
            f"{statistics.median(ratios):.3f} times one thread's (rounds: "
            f"{', '.join(f'{r:.2f}' for r in ratios)})"
        )


if __name__ == "__main__":
    main()
