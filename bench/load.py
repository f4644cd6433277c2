"""Letters per second through gunicorn and the real form path, with wrk.

Run: .venv/bin/python -m bench.load [--backends sqlite,postgresql] [--letters 50000]

For each backend: start gunicorn on loopback, load the roster and ZIP table, then
1. a bare Flask endpoint under the same gunicorn settings, as the yardstick (requests/s);
2. the letter path as fast as it goes until --letters letters are recorded: each letter is a
   GET of the widget form (a signed token) then a POST that validates, looks up officials,
   composes and records the letter in one transaction (wrk + bench/letters.lua);
3. the same path paced at --rate letters/s, for p50/p99 latency;
4. the bare endpoint again: this machine's speed drifts by a third within minutes, so the ratio
   is taken against the better of the two yardsticks (a machine that sped up during the letter
   runs does not flatter it) and both are printed;
and finally check that the database holds exactly as many letters as were acknowledged, and
read from the stored rows the letters per second in each tenth of the flat-out run (a rate
that falls as a day goes on shows there). Rate limits use the default store (a SQLite file
shared by the workers); a last run keeps them in Redis when redis-server is installed.
Each letter comes from a random 10.x.y.z address (X-Forwarded-For, one trusted proxy hop), so
rate limits and risk checks run with their default settings; nothing is skipped or raised
except the "sent too fast" signal (wrk does not pause to read).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from bench.load_report import CpuMeter, rate_by_tenth, redis_server, stored_names
from bench.process_cpu import children
from bench.support import BENCH_SECRETS, load_civic_data
from tests.pg import PostgresCluster, free_port
from webapp import create_app
from webapp.campaigns.services import DEFAULT_CAMPAIGN_FILE, import_campaign_path
from webapp.database import db

ROOT = Path(__file__).resolve().parent.parent
LUA = ROOT / "bench" / "letters.lua"
RESULT = re.compile(r"RESULT (.*)")
WRK_THREADS = 2
BENCH_ENV = {
    # Letters come from many addresses, as on a day of action: wrk sends a random
    # X-Forwarded-For per letter and the app trusts one proxy hop. The default rate limits and
    # risk thresholds then apply unchanged (per address, per network, per sender).
    "TRUST_PROXY_HOPS": "1",
    # wrk posts the moment it has the form; a person takes longer than the "too fast" signal.
    "RISK_MIN_FORM_SECONDS": "0",
    "CIVIC_SYNC_ON_START": "0",
    "COUNT_CACHE_SECONDS": "5",
    "LOG_LEVEL": "WARNING",
    "OUTBOX_POLL_SECONDS": "3600",
}


def _prepare(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            **BENCH_SECRETS,
            "INSTANCE_PATH": str(instance),
            "CIVIC_SYNC_ON_START": False,
        }
    )
    with app.app_context():
        upgrade()
        import_campaign_path(db.session(), DEFAULT_CAMPAIGN_FILE)
        db.engine.dispose()
    load_civic_data(app)


def _gunicorn(
    app_spec: str,
    port: int,
    env: dict[str, str],
    workers: int,
    threads: int = 4,
    warm: bool = True,
) -> subprocess.Popen[bytes]:
    """gunicorn with the app's settings, returned once every worker has warmed up and serves."""
    ready = Path(tempfile.mkdtemp(prefix="civic-ready-"))
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "--config",
        str(ROOT / "bench" / "gunicorn_ready.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        app_spec,
    ]
    hook = {"BENCH_READY_DIR": str(ready), "BENCH_WARM": "1" if warm else "0"}
    process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env, **hook})
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and process.poll() is None:
            marks = {path.name for path in ready.iterdir()}
            if len(marks) >= workers:
                started = {str(pid) for pid in children(process.pid)}
                assert marks == started, (marks, started)
                requests.get(f"http://127.0.0.1:{port}/", timeout=5)
                return process
            time.sleep(0.2)
    finally:
        shutil.rmtree(ready, ignore_errors=True)
    process.kill()
    raise RuntimeError(f"gunicorn did not start {workers} workers: {app_spec}")


def _wrk(
    url: str,
    seconds: int,
    connections: int,
    lua: Path | None = None,
    env: dict[str, str] | None = None,
) -> str:
    command = [
        "wrk",
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if lua is not None:
        command += ["-s", str(lua)]
    out = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **(env or {})},
        timeout=seconds + 120,
    )
    return out.stdout


def _parse_result(output: str) -> dict[str, float]:
    match = RESULT.search(output)
    if not match:
        raise RuntimeError(output)
    return {k: float(v) for k, v in (pair.split("=") for pair in match.group(1).split())}


def _bare_rps(port: int, env: dict[str, str], workers: int, threads: int) -> float:
    """The best of three 15-second runs, each from a fresh start once every worker is ready
    (before that wait, one run came out at about 1,800 or 5,000 requests/s from one start to the
    next, as the first worker up took every connection)."""
    samples = []
    for _ in range(3):
        process = _gunicorn("bench.bare_app:app", port, env, workers, threads, warm=False)
        try:
            output = _wrk(f"http://127.0.0.1:{port}/", 15, 32)
        finally:
            process.terminate()
            process.wait(timeout=30)
        found = re.search(r"Requests/sec:\s+([\d.]+)", output)
        assert found is not None, output
        samples.append(float(found.group(1)))
    print(f"bare Flask endpoint, requests/s in three runs: {samples}", flush=True)
    return max(samples)


def _acknowledged(folder: Path) -> set[str]:
    names: set[str] = set()
    for path in folder.glob("ack-*.txt"):
        names.update(line.strip() for line in path.read_text().splitlines() if line.strip())
    return names


def run_backend(
    backend: str,
    letters: int,
    rate: int,
    workers: int,
    limits: str = "",
    threads: int = 4,
    app: str = "app:app",
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="civic-load-") as folder:
        instance = Path(folder)
        cluster = PostgresCluster().start() if backend == "postgresql" else None
        try:
            url = (
                cluster.create_database("load") if cluster else f"sqlite:///{instance / 'load.db'}"
            )
            _prepare(url, instance)
            env = {
                **BENCH_ENV,
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "DATA_ENCRYPTION_KEY": "bench",
                "INSTANCE_PATH": str(instance),
                "DB_POOL_SIZE": "8",
                # Empty: the default, a SQLite file shared by the gunicorn workers.
                "RATELIMIT_STORAGE_URI": limits,
            }
            port = free_port()
            bare = _bare_rps(port, env, workers, threads)
            port = free_port()
            server = _gunicorn(app, port, env, workers, threads)
            origin = f"http://127.0.0.1:{port}"
            acks = instance / "acks"
            acks.mkdir()
            lua_env = {
                "SLUG": "syria-five-steps",
                "ORIGIN": origin,
                "RATE": "0",
                "ACK_DIR": str(acks),
            }
            try:
                _wrk(origin + "/", 5, 16, LUA, lua_env)  # warm-up: imports, caches, pools
                probe = _parse_result(_wrk(origin + "/", 10, 32, LUA, lua_env))
                per_second = max(1.0, probe["recorded"] / probe["seconds"])
                seconds = int(max(10, (letters - probe["recorded"]) / per_second * 1.15))
                meter = CpuMeter(server.pid, cluster.port if cluster else None)
                full_started = time.time()
                full = _parse_result(_wrk(origin + "/", seconds, 32, LUA, lua_env))
                full_ended = time.time()
                cpu = meter.read(int(full["recorded"]), full_ended - full_started)
                # Paced: two requests per letter, on a schedule shared by each wrk thread's
                # 50 / WRK_THREADS connections (letters.lua's delay()).
                paced_env = {**lua_env, "RATE": str(2 * rate / WRK_THREADS)}
                paced = _parse_result(_wrk(origin + "/", 30, 50, LUA, paced_env))
            finally:
                server.terminate()
                server.wait(timeout=30)
            bare_after = _bare_rps(free_port(), env, workers, threads)
            yardstick = max(bare, bare_after)
            acknowledged = _acknowledged(acks)
            stored = stored_names(url, instance)
            tenths = rate_by_tenth(url, instance, full_started, full_ended)
            # wrk stops mid-request at the end of each run: a letter may be recorded whose reply
            # was never read. Every acknowledged letter must be stored; nothing else is lost.
            lost = acknowledged - stored
            return {
                "backend": backend,
                "limits": limits.split(":")[0] or "sqlite file",
                "bare_requests_per_s": round(yardstick, 1),
                "bare_before_and_after": [round(bare, 1), round(bare_after, 1)],
                "letters": int(probe["recorded"] + full["recorded"]),
                "letters_per_s": round(full["recorded"] / full["seconds"], 1),
                "ratio_to_bare": round((full["recorded"] / full["seconds"]) / yardstick, 3),
                "rate_by_tenth": tenths,
                "last_tenth_over_first": round(tenths[-1] / tenths[0], 3) if tenths[0] else 0.0,
                **cpu,
                "full_p50_ms": full["p50"],
                "full_p99_ms": full["p99"],
                "paced_target_letters_per_s": rate,
                "paced_letters_per_s": round(paced["recorded"] / paced["seconds"], 1),
                "paced_p50_ms": paced["p50"],
                "paced_p99_ms": paced["p99"],
                "errors_5xx": int(probe["errors5xx"] + full["errors5xx"] + paced["errors5xx"]),
                "acknowledged": len(acknowledged),
                "rows": len(stored & acknowledged),
                "lost": len(lost),
                "recorded_but_reply_cut_off": len(stored - acknowledged),
            }
        finally:
            if cluster is not None:
                cluster.stop()


def _report(r: dict[str, Any]) -> None:
    print(
        f"{r['backend']:10} limits in {r['limits']}: {r['letters']:,} letters at "
        f"{r['letters_per_s']} letters/s (bare Flask {r['bare_requests_per_s']} req/s, the better "
        f"of {r['bare_before_and_after'][0]} before and {r['bare_before_and_after'][1]} after; "
        f"ratio {r['ratio_to_bare']}); p50 {r['full_p50_ms']:.0f} ms p99 {r['full_p99_ms']:.0f} ms "
        f"flat out; per tenth of the run {r['rate_by_tenth']} letters/s (last/first "
        f"{r['last_tenth_over_first']}); CPU a letter flat out: app "
        f"{r['app_cpu_ms_per_letter']} ms (workers' shares {r['worker_cpu_shares']}, "
        f"{r['workers_ended']} ended), "
        f"database server {r['database_server_cpu_ms_per_letter']} ms, "
        f"wrk {r['wrk_cpu_ms_per_letter']} ms, {r['cores_busy']} of {os.cpu_count()} cores busy "
        f"in them; paced {r['paced_letters_per_s']}/s of "
        f"{r['paced_target_letters_per_s']}: p50 {r['paced_p50_ms']:.0f} ms p99 "
        f"{r['paced_p99_ms']:.0f} ms; 5xx {r['errors_5xx']}; acknowledged "
        f"{r['acknowledged']:,}, in the database {r['rows']:,}, reply cut off by wrk's stop "
        f"{r['recorded_but_reply_cut_off']} (lost {r['lost']})",
        flush=True,
    )
    print(r, flush=True)
    if r["lost"] != 0 or r["errors_5xx"]:
        sys.exit(1)
    if r["acknowledged"] < r["letters"]:
        # Every "sent" page names its letter; fewer names than letters means the check of
        # acknowledged against stored letters did not run, whatever "lost" says.
        sys.exit("the acknowledged letters' names could not be read from the replies")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--letters", type=int, default=50_000)
    parser.add_argument("--rate", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument(
        "--redis-letters",
        type=int,
        default=10_000,
        help="letters for a last SQLite run with the limits in Redis (0: skip)",
    )
    args = parser.parse_args()
    for backend in args.backends.split(","):
        _report(run_backend(backend, args.letters, args.rate, args.workers, threads=args.threads))
    if args.redis_letters:
        with (
            tempfile.TemporaryDirectory(prefix="civic-redis-") as folder,
            redis_server(Path(folder)) as redis_url,
        ):
            if redis_url is None:
                print("redis-server not installed: the Redis run is skipped", flush=True)
            else:
                backend = args.backends.split(",")[0]
                _report(
                    run_backend(
                        backend,
                        args.redis_letters,
                        args.rate,
                        args.workers,
                        redis_url,
                        threads=args.threads,
                    )
                )


if __name__ == "__main__":
    main()
