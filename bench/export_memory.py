"""Stream one campaign's CSV export through the app and report rows, time and peak memory.

Used by bench.dashboard in a fresh process: python -m bench.export_memory DB_URL SLUG EMAIL PW DIR
"""

from __future__ import annotations

import json
import re
import sys
import time
import tracemalloc

from bench.support import BENCH_SECRETS
from webapp import create_app


def _rss_mb() -> float:
    """This process's peak resident memory (VmHWM).

    Not getrusage's ru_maxrss: on Linux that carries over the parent's size at fork, so a child
    of the generating process would report the parent's peak instead of its own.
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main() -> None:
    url, slug, email, password, instance = sys.argv[1:6]
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            **BENCH_SECRETS,
            "INSTANCE_PATH": instance,
            "RATELIMIT_ENABLED": False,
        }
    )
    client = app.test_client()
    page = client.get("/dashboard/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token
    client.post(
        "/dashboard/login",
        data={"email": email, "password": password, "csrf_token": token.group(1)},
    )
    baseline = _rss_mb()
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(f"/dashboard/campaigns/{slug}/export.csv", buffered=False)
    assert response.status_code == 200
    size = rows = 0
    for chunk in response.iter_encoded():
        size += len(chunk)
        rows += chunk.count(b"\n")
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "rows": rows - 1,
                "megabytes": size / 1e6,
                "seconds": round(seconds, 1),
                "peak_rss_mb": _rss_mb(),
                "baseline_rss_mb": baseline,
                "tracemalloc_peak_mb": peak / 1e6,
            }
        )
    )


if __name__ == "__main__":
    main()
