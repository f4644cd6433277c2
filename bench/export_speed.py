"""Letters and deliveries CSV exports: rows/s and peak memory, before and after plain-row reads.

Run: .venv/bin/python -m bench.export_speed [--letters 20000] [--rounds 3]
     [--backends sqlite,postgresql]
Generates the letters (bench.generate: two deliveries each), then per backend times each export
through its generator in this process, the code before (tests/dashboard/export_reference.py: the
exports as they were at f5eddba, reading entities through the models) and now, alternated round
by round so both meet the machine at the same speed, and checks both wrote the same bytes. Then,
untimed, each one's peak of Python allocations (tracemalloc): flat in the number of rows while the
reads stream.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import time
import tracemalloc
from collections.abc import Callable, Iterator

from flask import Flask
from sqlalchemy import select

from bench.generate import generate
from bench.support import bench_apps, load_civic_data
from tests.dashboard import export_reference
from webapp.dashboard.deliveries_export import deliveries_csv
from webapp.dashboard.export import admin_csv
from webapp.database import db
from webapp.models import Campaign

Export = Callable[[], Iterator[str]]


def _exports(campaign_id: int, names: dict[int, str]) -> dict[str, dict[str, Export]]:
    return {
        "letters": {
            "before": lambda: export_reference.admin_csv(db.session(), campaign_id, names),
            "now": lambda: admin_csv(db.session(), campaign_id, names),
        },
        "deliveries": {
            "before": lambda: export_reference.deliveries_csv(db.session(), campaign_id),
            "now": lambda: deliveries_csv(db.session(), campaign_id),
        },
    }


def _drain(export: Export) -> tuple[int, str, float]:
    """Rows written (header left out), the bytes' digest, seconds."""
    digest, rows = hashlib.sha256(), -1
    started = time.perf_counter()
    for line in export():
        digest.update(line.encode())
        rows += 1
    seconds = time.perf_counter() - started
    db.session.remove()
    return rows, digest.hexdigest(), seconds


def _peak_mb(export: Export) -> float:
    tracemalloc.start()
    for _line in export():
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    db.session.remove()
    return peak / 1e6


def measure(app: Flask, slug: str, rounds: int) -> list[str]:
    lines = []
    with app.test_request_context():
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
        assert campaign is not None
        names = {p.id: p.code for p in campaign.partners}
        exports = _exports(campaign.id, names)
        db.session.remove()
        for name, versions in exports.items():
            rates: dict[str, list[float]] = {"before": [], "now": []}
            digests, count = set(), 0
            for n in range(rounds):
                # before, now; then now, before: neither always runs on a warmer cache.
                order = ("before", "now") if n % 2 == 0 else ("now", "before")
                for version in order:
                    count, digest, seconds = _drain(versions[version])
                    rates[version].append(count / seconds)
                    digests.add(digest)
            same = "same bytes" if len(digests) == 1 else "BYTES DIFFER"
            before, now = statistics.median(rates["before"]), statistics.median(rates["now"])
            peaks = {version: _peak_mb(export) for version, export in versions.items()}
            lines.append(
                f"{name}: {count:,} rows; rows/s before {before:,.0f} "
                f"({', '.join(f'{r:,.0f}' for r in rates['before'])}), "
                f"now {now:,.0f} ({', '.join(f'{r:,.0f}' for r in rates['now'])}), "
                f"x{now / before:.2f}; {same}; peak allocations before "
                f"{peaks['before']:.1f} MB, now {peaks['now']:.1f} MB"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--letters", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    with bench_apps(
        args.backends.split(","), {"RATELIMIT_ENABLED": False, "LOG_LEVEL": "WARNING"}
    ) as apps:
        for backend, app in apps:
            load_civic_data(app)
            started = time.perf_counter()
            slug = generate(app, args.letters)
            print(f"{backend}: {args.letters:,} letters in {time.perf_counter() - started:.0f} s")
            for line in measure(app, slug, args.rounds):
                print(f"{backend} {line}", flush=True)


if __name__ == "__main__":
    main()
