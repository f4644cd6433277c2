"""Issue 3 benchmark: in-process ZIP lookup and cached address lookup latency (goal p50 < 1 ms).

Run: .venv/bin/python -m bench.civic_lookup [--backends sqlite,postgresql] [--zips 20000]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from bench.support import bench_apps, load_civic_data, percentiles
from tests.stubs import StubServer
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.database import db, utcnow

FIXTURE = (
    Path(__file__).resolve().parent.parent / "tests/fixtures/census/address-mi-12-dearborn.json"
)
CONGRESS = ("us_senate", "us_house")


def run(backends: list[str], zip_count: int, addresses: int, seed: int = 7) -> dict[str, object]:
    rng = random.Random(seed)
    report: dict[str, object] = {}
    with StubServer() as stub:
        stub.reply_json("/geocoder/geographies/address", json.loads(FIXTURE.read_text()))
        overrides = {"CENSUS_GEOCODER_URL": f"{stub.url}/geocoder"}
        with bench_apps(backends, overrides) as apps:
            for backend, app in apps:
                load_civic_data(app)
                with app.app_context():
                    lookup: CivicLookup = app.extensions["civic_lookup"]
                    session = db.session()
                    zips = lookup.zips.all_zips(session)
                    lookup.lookup(session, AddressQuery(zips[0]), CONGRESS, utcnow())  # warm
                    zip_ms = []
                    for zip_code in rng.choices(zips, k=zip_count):
                        started = time.perf_counter()
                        lookup.lookup(session, AddressQuery(zip_code), CONGRESS, utcnow())
                        zip_ms.append((time.perf_counter() - started) * 1000)
                    queries = [
                        AddressQuery("48126", "MI", f"{100 + i} Michigan Ave", "Dearborn")
                        for i in range(addresses)
                    ]
                    for query in queries:  # fill the cache: one geocoder call per address
                        lookup.lookup(session, query, CONGRESS, utcnow())
                    calls_before = stub.count()
                    address_ms = []
                    for query in rng.choices(queries, k=zip_count // 2):
                        started = time.perf_counter()
                        lookup.lookup(session, query, CONGRESS, utcnow())
                        address_ms.append((time.perf_counter() - started) * 1000)
                    assert stub.count() == calls_before, "cached lookups reached the geocoder"
                    session.rollback()
                report[backend] = {
                    "zip_lookup_ms": percentiles(zip_ms),
                    "cached_address_lookup_ms": percentiles(address_ms),
                    "zip_samples": len(zip_ms),
                    "address_samples": len(address_ms),
                }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--zips", type=int, default=20000)
    parser.add_argument("--addresses", type=int, default=200)
    args = parser.parse_args()
    report = run(args.backends.split(","), args.zips, args.addresses)
    for backend, numbers in report.items():
        assert isinstance(numbers, dict)
        for name in ("zip_lookup_ms", "cached_address_lookup_ms"):
            p = numbers[name]
            print(
                f"{backend:10} {name:26} p50 {p['p50']:.3f} ms  p90 {p['p90']:.3f} ms  "
                f"p99 {p['p99']:.3f} ms  max {p['max']:.3f} ms"
            )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
