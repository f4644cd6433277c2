"""Does a letter cost more as a day of action fills the tables? Alternated in one process.

Run: .venv/bin/python -m bench.decay [--backends sqlite,postgresql] [--letters 50000]
     [--rounds 6] [--batch 200]

bench.load's rate per tenth of a long run moves with this machine's speed as much as with the
code (its CPU speed drifts by half within an hour), so it cannot tell a slower machine from a
letter that costs more on fuller tables. Here one process holds two apps on one backend, one
empty and one with --letters letters already stored (bench.generate), and sends batches of
letters to each in turn through the real form path (GET + POST, in-process): both see the same
machine at the same moment. Prints CPU milliseconds per letter for each and the full/empty
ratio. On PostgreSQL the server's processes' CPU is added (its postmaster and the children alive
at the end of each batch: the app's pooled connections, the checkpointer, the WAL writer).
"""

from __future__ import annotations

import argparse
import statistics
import time
from contextlib import ExitStack

from flask import Flask
from sqlalchemy.engine import make_url

from bench.generate import generate
from bench.process_cpu import cpu_seconds, postgres_processes
from bench.profile_letter import SLUG, _letter
from bench.support import bench_apps, load_civic_data
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db

SETTINGS = {"RISK_MIN_FORM_SECONDS": 0, "LOG_LEVEL": "WARNING"}


def app_with_letters(stack: ExitStack, backend: str, stored: int) -> Flask:
    """An app of its own (own folder and database) with `stored` letters already in it."""
    _backend, app = next(stack.enter_context(bench_apps([backend], SETTINGS)))
    if stored:
        assert generate(app, stored) == SLUG
    else:
        with app.app_context():
            import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE)
    load_civic_data(app)
    return app


def server_cpu(app: Flask) -> float:
    """CPU seconds used so far by the PostgreSQL server's processes now alive (0 on SQLite)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return 0.0
    assert url.port is not None
    return sum(cpu_seconds(postgres_processes(url.port)).values())


def cpu_per_letter(app: Flask, first: int, count: int) -> float:
    client = app.test_client()
    started, server = time.process_time(), server_cpu(app)
    for n in range(first, first + count):
        _letter(client, n)
    spent = time.process_time() - started + server_cpu(app) - server
    return spent * 1000 / count


def run(backend: str, letters: int, rounds: int, batch: int) -> None:
    with ExitStack() as stack:
        generated = time.perf_counter()
        full = app_with_letters(stack, backend, letters)
        print(f"{backend}: {letters:,} letters stored in {time.perf_counter() - generated:.0f} s")
        empty = app_with_letters(stack, backend, 0)
        for app in (empty, full):  # warm caches and pools
            cpu_per_letter(app, 1_000_000, 50)
        costs: dict[str, list[float]] = {"empty": [], "full": []}
        for round_ in range(rounds):
            # Distinct senders in every batch: a repeat letter would take the short path.
            first = 2_000_000 + round_ * batch
            costs["empty"].append(cpu_per_letter(empty, first, batch))
            costs["full"].append(cpu_per_letter(full, first, batch))
            print(
                f"round {round_ + 1}: empty {costs['empty'][-1]:.2f} ms, "
                f"full {costs['full'][-1]:.2f} ms of CPU per letter",
                flush=True,
            )
        ratios = [f / e for e, f in zip(costs["empty"], costs["full"], strict=True)]
        print(
            f"{backend}: CPU per letter, median of {rounds} rounds: empty "
            f"{statistics.median(costs['empty']):.2f} ms, with {letters:,} letters stored "
            f"{statistics.median(costs['full']):.2f} ms; full/empty per round "
            f"{', '.join(f'{r:.2f}' for r in ratios)} (median {statistics.median(ratios):.2f})",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--letters", type=int, default=50_000, help="letters in the full app")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    for backend in args.backends.split(","):
        run(backend, args.letters, args.rounds, args.batch)


if __name__ == "__main__":
    main()
