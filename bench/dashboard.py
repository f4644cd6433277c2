"""Issue 5 benchmark: dashboard render time and CSV export memory at a million letters.

Run: .venv/bin/python -m bench.dashboard [--backends sqlite,postgresql] [--letters 1000000]
Prints, per backend: generation time, the first render (every letter still uncounted: the page
counts for at most two seconds and says it is still counting), the worker's catch-up over the
backlog, p50/p90 of repeated renders with new letters arriving between them, and the CSV
export's rows, time and peak memory (measured in a fresh process).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from typing import Any

from bench.generate import generate
from bench.support import bench_apps, load_civic_data, percentiles
from webapp.database import db, utcnow
from webapp.models import Role
from webapp.services.delivery_tallies import refresh_all
from webapp.services.organisers import create_organiser

PASSWORD = "bench password 12345"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def _login(client: Any) -> None:
    page = client.get("/dashboard/login").get_data(as_text=True)
    token = CSRF_RE.search(page)
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/dashboard/login",
        data={"email": "admin@example.org", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    assert response.status_code == 302, response.status_code


def _add_letters(app: Any, slug: str, n: int) -> None:
    """A few new letters between renders, as on a day of action."""
    from tests.supporter.helpers import post_letter

    client = app.test_client()
    for i in range(n):
        response = post_letter(
            client, slug, email=f"new{time.monotonic_ns()}{i}@example.org", street=""
        )
        assert response.status_code in (303, 422), response.status_code


def run(backends: list[str], letters: int, renders: int) -> dict[str, Any]:
    report: dict[str, Any] = {}
    with bench_apps(backends, {"RATELIMIT_ENABLED": False}) as apps:
        for backend, app in apps:
            load_civic_data(app)
            started = time.perf_counter()
            slug = generate(app, letters)
            generated = time.perf_counter() - started
            with app.app_context():
                create_organiser(
                    db.session(), "admin@example.org", PASSWORD, Role.ADMIN, None, utcnow()
                )
            client = app.test_client()
            _login(client)
            started = time.perf_counter()
            first = client.get(f"/dashboard/campaigns/{slug}")
            cold_ms = (time.perf_counter() - started) * 1000
            assert first.status_code == 200
            # What the worker does in the background: count the rest of the backlog.
            started = time.perf_counter()
            with app.app_context():
                refresh_all(db.session(), utcnow())
                db.session.remove()
            catch_up = time.perf_counter() - started
            times = []
            for _ in range(renders):
                _add_letters(app, slug, 3)
                started = time.perf_counter()
                page = client.get(f"/dashboard/campaigns/{slug}")
                times.append((time.perf_counter() - started) * 1000)
                assert page.status_code == 200
            export = _export(app, slug)
            report[backend] = {
                "letters": letters,
                "generate_s": round(generated, 1),
                "first_render_ms": round(cold_ms, 1),
                "catch_up_s": round(catch_up, 1),
                "render_ms": percentiles(times),
                "renders": renders,
                "export": export,
            }
    return report


def _export(app: Any, slug: str) -> dict[str, Any]:
    """Stream the CSV in a fresh process so its peak memory is the export's alone."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.export_memory",
            url,
            slug,
            "admin@example.org",
            PASSWORD,
            app.config["INSTANCE_PATH"],
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--letters", type=int, default=1_000_000)
    parser.add_argument("--renders", type=int, default=25)
    args = parser.parse_args()
    report = run(args.backends.split(","), args.letters, args.renders)
    for backend, r in report.items():
        p = r["render_ms"]
        e = r["export"]
        print(
            f"{backend:10} {r['letters']:,} letters generated in {r['generate_s']} s; "
            f"first render (backlog uncounted) {r['first_render_ms']:.0f} ms; worker catch-up "
            f"{r['catch_up_s']} s; renders p50 {p['p50']:.0f} ms, "
            f"p90 {p['p90']:.0f} ms, max {p['max']:.0f} ms"
        )
        print(
            f"{backend:10} CSV: {e['rows']:,} rows, {e['megabytes']:.0f} MB in {e['seconds']} s; "
            f"peak RSS {e['peak_rss_mb']:.0f} MB (before export {e['baseline_rss_mb']:.0f} MB), "
            f"Python heap peak {e['tracemalloc_peak_mb']:.1f} MB"
        )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
