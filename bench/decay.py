"""Does a letter cost more as a day of action fills the tables? Alternated in one process.

Run: .venv/bin/python -m bench.decay [--backends sqlite,postgresql] [--letters 50000]
     [--rounds 6] [--batch 200] [--workers 2]

bench.load's rate per tenth of a long run moves with this machine's speed as much as with the
code (its CPU speed drifts by half within an hour), so it cannot tell a slower machine from a
letter that costs more on fuller tables. Here one process holds two apps on one backend, one
empty and one with --letters letters already stored (bench.generate), and sends batches of
letters to each in turn through the real form path (GET + POST, in-process): both see the same
machine at the same moment. Each database is served by --workers apps of its own (own engine and
pool, one instance folder: as gunicorn's workers share the database and the limit file) taking
the letters in turn. One connection alone keeps its page cache from letter to letter; a served
SQLite database's connections lose theirs whenever another commits (WAL mode), so every letter
reads again the B-tree pages it walks, and there are more of them in fuller tables (two apps:
152 read calls a letter on 50,000 letters sent through the form, 123 on 50,000 generated ones,
95-97 on an empty database; one app alone: 32 on the generated ones against 25). Prints CPU
milliseconds per letter for each and the full/empty ratio. On PostgreSQL the server's processes'
CPU is added (its postmaster and the children alive at the end of each batch: the apps' pooled
connections, the checkpointer, the WAL writer).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from flask import Flask
from sqlalchemy.engine import make_url

from bench.generate import generate
from bench.process_cpu import cpu_seconds, postgres_processes
from bench.profile_letter import SLUG, _letter
from bench.support import _app, bench_apps, load_civic_data
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


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def workers_of(stack: ExitStack, app: Flask, workers: int) -> list[Flask]:
    """`app` and workers - 1 more apps on its database and instance folder (own engines)."""
    more = []
    for _ in range(workers - 1):
        other = _app(app.config["SQLALCHEMY_DATABASE_URI"], Path(app.instance_path), SETTINGS)
        stack.callback(_dispose, other)
        more.append(other)
    return [app, *more]


def server_cpu(app: Flask) -> float:
    """CPU seconds used so far by the PostgreSQL server's processes now alive (0 on SQLite)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        return 0.0
    assert url.port is not None
    return sum(cpu_seconds(postgres_processes(url.port)).values())


def cpu_per_letter(apps: Flask | Sequence[Flask], first: int, count: int) -> float:
    """CPU milliseconds a letter, the letters sent to `apps` in turn (one app: all to it)."""
    served = [apps] if isinstance(apps, Flask) else list(apps)
    clients = [app.test_client() for app in served]
    started, server = time.process_time(), server_cpu(served[0])
    for n in range(first, first + count):
        _letter(clients[n % len(clients)], n)
    spent = time.process_time() - started + server_cpu(served[0]) - server
    return spent * 1000 / count


def run(backend: str, letters: int, rounds: int, batch: int, workers: int = 2) -> None:
    with ExitStack() as stack:
        generated = time.perf_counter()
        full = workers_of(stack, app_with_letters(stack, backend, letters), workers)
        print(f"{backend}: {letters:,} letters stored in {time.perf_counter() - generated:.0f} s")
        empty = workers_of(stack, app_with_letters(stack, backend, 0), workers)
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
            f"{backend}: CPU per letter ({workers} apps a database in turn), median of {rounds} "
            f"rounds: empty "
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
    parser.add_argument(
        "--workers", type=int, default=2, help="apps on each database, taking letters in turn"
    )
    args = parser.parse_args()
    if args.workers < 1:
        parser.error("--workers must be 1 or more")
    for backend in args.backends.split(","):
        run(backend, args.letters, args.rounds, args.batch, args.workers)


if __name__ == "__main__":
    main()
