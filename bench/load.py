"""Letters per second through gunicorn and the real form path, with wrk.

Run: .venv/bin/python -m bench.load [--backends sqlite,postgresql] [--letters 50000]
     [--decay-rounds 2] [--decay-seconds 12] [--preview]

For each backend: start gunicorn on loopback, load the roster and ZIP table, then
1. a bare Flask endpoint under the same gunicorn settings, as the yardstick (requests/s);
2. the letter path as fast as it goes until --letters letters are recorded: each letter is a
   GET of the widget form (a signed token) then a POST that validates, looks up officials,
   composes and records the letter in one transaction (wrk + bench/letters.lua); with
   --preview, each letter also takes the preview POST a browser takes between the two (the
   form's only button is "Preview my letter"): three requests a letter, still counted as one
   letter when its send is recorded (the default, two requests, stays the issue's yardstick);
3. the same path paced at --rate letters/s, for p50/p99 latency;
4. the bare endpoint again: this machine's speed drifts by a third within minutes, so the ratio
   is taken against the better of the two yardsticks (a machine that sped up during the letter
   runs does not flatter it) and both are printed;
5. the server that took the letters of 2-3 against a new one on an empty database, flat out in
   turns (bench/server_decay.py): whether a server that has taken a day's letters answers
   slower, measured without the machine's drift (--decay-rounds 0 skips it);
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
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.load_report import rate_by_tenth, redis_server, stored_names
from bench.server_decay import loaded_against_new
from bench.serving import (
    FLAT_OUT_CONNECTIONS,
    LUA,
    acknowledged,
    app_env,
    flat_out,
    parse_result,
    prepare_database,
    run_wrk,
    serve_letters,
    start_gunicorn,
    stop,
    warm_up,
)
from tests.pg import PostgresCluster, free_port


def _bare_rps(port: int, env: dict[str, str], workers: int, threads: int) -> float:
    """The best of three 15-second runs, each from a fresh start once every worker is ready
    (before that wait, one run came out at about 1,800 or 5,000 requests/s from one start to the
    next, as the first worker up took every connection)."""
    samples = []
    for _ in range(3):
        process = start_gunicorn("bench.bare_app:app", port, env, workers, threads, warm=False)
        try:
            output = run_wrk(f"http://127.0.0.1:{port}/", 15, FLAT_OUT_CONNECTIONS)
        finally:
            stop(process)
        found = re.search(r"Requests/sec:\s+([\d.]+)", output)
        assert found is not None, output
        samples.append(float(found.group(1)))
    print(f"bare Flask endpoint, requests/s in three runs: {samples}", flush=True)
    return max(samples)


def run_backend(
    backend: str,
    letters: int,
    rate: int,
    workers: int,
    limits: str = "",
    threads: int = 4,
    app: str = "app:app",
    decay_rounds: int = 0,
    decay_seconds: int = 12,
    preview: bool = False,
) -> dict[str, Any]:
    """One backend's runs, as the module's docstring lists them (`decay_rounds` 0: no turns)."""
    with tempfile.TemporaryDirectory(prefix="civic-load-") as folder:
        instance = Path(folder)
        cluster = PostgresCluster().start() if backend == "postgresql" else None
        postgres_port = cluster.port if cluster else None
        try:
            url = (
                cluster.create_database("load") if cluster else f"sqlite:///{instance / 'load.db'}"
            )
            prepare_database(url, instance)
            env = app_env(url, instance, limits)
            bare = _bare_rps(free_port(), env, workers, threads)
            acks = instance / "acks"
            with serve_letters(app, env, workers, threads, acks, preview) as served:
                warm = warm_up(served)
                probe = parse_result(
                    run_wrk(served.url, 10, FLAT_OUT_CONNECTIONS, LUA, served.lua_env)
                )
                per_second = max(1.0, probe["recorded"] / probe["seconds"])
                seconds = int(max(10, (letters - probe["recorded"]) / per_second * 1.15))
                full = flat_out(served, seconds, postgres_port)
                # Paced: `rate` letters/s of two (three with the preview) requests each.
                paced_env = {**served.lua_env, "RATE": served.paced_rate(rate)}
                paced = parse_result(run_wrk(served.url, 30, 50, LUA, paced_env))
                # Measured as close to the letter runs as the first; the loaded server idles.
                bare_after = _bare_rps(free_port(), env, workers, threads)
                runs = (warm, probe, full.result, paced)
                taken = int(sum(r["recorded"] for r in runs))
                turns = (
                    loaded_against_new(
                        served,
                        cluster=cluster,
                        folder=instance / "new",
                        app_spec=app,
                        workers=workers,
                        threads=threads,
                        limits=limits,
                        rounds=decay_rounds,
                        seconds=decay_seconds,
                    )
                    if decay_rounds
                    else {}
                )
            yardstick = max(bare, bare_after)
            letters_acknowledged = acknowledged(instance / "acks")
            stored = stored_names(url, instance)
            tenths = rate_by_tenth(url, instance, full.started, full.ended)
            # wrk stops mid-request at the end of each run: a letter may be recorded whose reply
            # was never read. Every acknowledged letter must be stored; nothing else is lost.
            lost = letters_acknowledged - stored
            return {
                "backend": backend,
                "limits": limits.split(":")[0] or "sqlite file",
                "preview": preview,
                "previews": int(sum(r["previews"] for r in runs)),
                "bare_requests_per_s": round(yardstick, 1),
                "bare_before_and_after": [round(bare, 1), round(bare_after, 1)],
                "letters": int(probe["recorded"] + full.result["recorded"]),
                "letters_per_s": round(full.letters_per_s, 1),
                "ratio_to_bare": round(full.letters_per_s / yardstick, 3),
                "rate_by_tenth": tenths,
                "last_tenth_over_first": round(tenths[-1] / tenths[0], 3) if tenths[0] else 0.0,
                **full.cpu,
                "full_p50_ms": full.result["p50"],
                "full_p99_ms": full.result["p99"],
                "paced_target_letters_per_s": rate,
                "paced_letters_per_s": round(paced["recorded"] / paced["seconds"], 1),
                "paced_p50_ms": paced["p50"],
                "paced_p99_ms": paced["p99"],
                "errors_5xx": int(sum(r["errors5xx"] for r in runs))
                + turns.get("decay_errors_5xx", 0),
                "acknowledged": len(letters_acknowledged),
                "rows": len(stored & letters_acknowledged),
                "lost": len(lost),
                "recorded_but_reply_cut_off": len(stored - letters_acknowledged),
                **({"decay_after_letters": taken, **turns} if turns else {}),
            }
        finally:
            if cluster is not None:
                cluster.stop()


def _report(r: dict[str, Any]) -> None:
    path = (
        f"through the preview (GET, preview POST, send POST: 3 requests a letter; "
        f"{r['previews']:,} previews answered), letters/s counting sent letters, not requests, "
        if r.get("preview")
        else ""
    )
    print(
        f"{r['backend']:10} limits in {r['limits']}: {r['letters']:,} letters {path}at "
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
    if "decay_rounds" in r:
        print(
            f"{r['backend']:10} the server that had taken {r['decay_after_letters']:,} letters "
            f"against a new one, flat out in turns (new, loaded, loaded, new; "
            f"{r['decay_rounds']}x): {r['loaded_letters_per_s']} against {r['new_letters_per_s']} "
            f"letters/s; CPU a letter, app {r['loaded_app_cpu_ms']} against "
            f"{r['new_app_cpu_ms']} ms, database server {r['loaded_database_cpu_ms']} against "
            f"{r['new_database_cpu_ms']} ms; busiest worker's share {r['loaded_busiest_worker']} "
            f"against {r['new_busiest_worker']}; loaded/new {r['loaded_over_new']}; the new one "
            f"held {r['new_letters']:,} letters at the end (lost {r['new_lost']})",
            flush=True,
        )
    print(r, flush=True)
    if r["lost"] != 0 or r["errors_5xx"] or r.get("new_lost"):
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
    # As `make serve`: one worker a core.
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument(
        "--redis-letters",
        type=int,
        default=10_000,
        help="letters for a last SQLite run with the limits in Redis (0: skip)",
    )
    parser.add_argument(
        "--decay-rounds",
        type=int,
        default=2,
        help="rounds of the loaded server against a new one, four turns each (0: skip)",
    )
    parser.add_argument("--decay-seconds", type=int, default=12, help="seconds a turn")
    parser.add_argument(
        "--preview",
        action="store_true",
        help="each letter takes a browser's preview step (3 requests a letter, not 2)",
    )
    args = parser.parse_args()
    if args.decay_rounds < 0 or args.decay_seconds < 1:
        parser.error("--decay-rounds must be 0 or more and --decay-seconds 1 or more")
    for backend in args.backends.split(","):
        result = run_backend(
            backend,
            args.letters,
            args.rate,
            args.workers,
            threads=args.threads,
            decay_rounds=args.decay_rounds,
            decay_seconds=args.decay_seconds,
            preview=args.preview,
        )
        _report(result)
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
                        preview=args.preview,
                    )
                )


if __name__ == "__main__":
    main()
