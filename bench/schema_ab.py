"""A letter's CPU on the newest schema against an older revision's, alternated in one process.

Run: .venv/bin/python -m bench.schema_ab --revision c18b00000019 [--backends sqlite,postgresql]
     [--rounds 8] [--batch 200] [--stored 0]

For a migration that changes only how rows are stored (indexes, say), the question is whether a
letter costs less, and by a few percent: this machine's speed drifts by more than that between
two runs. As in bench.decay, one process holds two apps on one backend, one migrated to the
newest revision and one taken back down to --revision, and sends batches of letters to each in
turn through the real form path (GET + POST, in-process). Prints CPU milliseconds per letter for
each and the newest/older ratio per round; on PostgreSQL the server's processes' CPU is added.
The older revision must store every column today's letters write: since c19b00000022 (a column
every letter writes) no older one can, so the example above is the comparison as it was made.
"""

from __future__ import annotations

import argparse
import statistics
from contextlib import ExitStack

from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade

from bench.decay import app_with_letters, cpu_per_letter
from webapp.database import db


def _older(stack: ExitStack, backend: str, stored: int, revision: str) -> Flask:
    app = app_with_letters(stack, backend, stored)
    with app.app_context():
        db.session.remove()
        downgrade(revision=revision)
        with db.engine.connect() as connection:
            at = MigrationContext.configure(connection).get_current_heads()
        db.engine.dispose()
    if at != (revision,):
        raise RuntimeError(f"the older app is at {at}, not {revision}")
    return app


def run(backend: str, revision: str, rounds: int, batch: int, stored: int) -> None:
    with ExitStack() as stack:
        apps = {
            "newest": app_with_letters(stack, backend, stored),
            revision: _older(stack, backend, stored, revision),
        }
        for app in apps.values():  # warm caches and pools
            cpu_per_letter(app, 1_000_000, 50)
        costs: dict[str, list[float]] = {name: [] for name in apps}
        for round_ in range(rounds):
            first = 2_000_000 + round_ * batch  # distinct senders: a repeat takes a short path
            # Each round starts with the other app, so neither always runs on a warmer cache.
            order = list(apps) if round_ % 2 == 0 else list(reversed(apps))
            for name in order:
                costs[name].append(cpu_per_letter(apps[name], first, batch))
            print(
                f"round {round_ + 1}: "
                + ", ".join(f"{name} {costs[name][-1]:.2f} ms" for name in apps)
                + " of CPU per letter",
                flush=True,
            )
        ratios = [n / o for n, o in zip(costs["newest"], costs[revision], strict=True)]
        print(
            f"{backend}: CPU per letter, median of {rounds} rounds: newest schema "
            f"{statistics.median(costs['newest']):.3f} ms, at {revision} "
            f"{statistics.median(costs[revision]):.3f} ms; newest/older per round "
            f"{', '.join(f'{r:.3f}' for r in ratios)} (median {statistics.median(ratios):.3f})",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--revision", required=True, help="the older schema's Alembic revision")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--stored", type=int, default=0, help="letters stored in both first")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        run(backend, args.revision, args.rounds, args.batch, args.stored)


if __name__ == "__main__":
    main()
