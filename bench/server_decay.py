"""Does a gunicorn server that has taken many letters answer slower than a fresh one? In turns.

bench.load reads its rate in each tenth of the flat-out run from the stored rows. This machine's
speed drifts by a third within minutes, so a last tenth slower than the first cannot tell a
slower machine from a slower server. Here, after bench.load's runs, the loaded server and a fresh
one (same backend and settings, an empty database) are sent letters flat out in turn, so both
see the machine at the same moments. The order flips every round, so a machine that slows or
speeds up steadily favours neither: the ratio is the mean of the rounds' loaded/fresh ratios.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load_report import CpuMeter, stored_names
from bench.serving import (
    LUA,
    acknowledged,
    app_env,
    letters_env,
    parse_result,
    prepare_database,
    run_wrk,
    start_gunicorn,
)
from tests.pg import PostgresCluster, free_port


@dataclass(frozen=True)
class Served:
    """A running gunicorn, and letters.lua's settings for sending letters to it."""

    pid: int
    lua_env: dict[str, str]


@dataclass(frozen=True)
class Turn:
    """One turn at a server: its letters per second, the app's CPU a letter, its 5xx."""

    letters_per_s: float
    app_cpu_ms: float
    errors_5xx: int


Measure = Callable[[Served], Turn]


def flat_out(seconds: int) -> Measure:
    """A turn of `seconds` with 32 connections, as bench.load's flat-out run."""

    def measure(served: Served) -> Turn:
        meter = CpuMeter(served.pid, None)
        started = time.time()
        origin = served.lua_env["ORIGIN"]
        result = parse_result(run_wrk(origin + "/", seconds, 32, LUA, served.lua_env))
        cpu = meter.read(int(result["recorded"]), time.time() - started)
        rate = result["recorded"] / result["seconds"]
        return Turn(rate, float(cpu["app_cpu_ms_per_letter"]), int(result["errors5xx"]))

    return measure


def alternate(loaded: Served, fresh: Served, rounds: int, measure: Measure) -> dict[str, Any]:
    """`rounds` turns at each server, the fresh one first in even rounds, the loaded in odd."""
    turns: dict[str, list[Turn]] = {"loaded": [], "fresh": []}
    for n in range(rounds):
        order = [("fresh", fresh), ("loaded", loaded)]
        for name, served in order if n % 2 == 0 else reversed(order):
            turns[name].append(measure(served))
    pairs = zip(turns["loaded"], turns["fresh"], strict=True)
    ratios = [old.letters_per_s / new.letters_per_s for old, new in pairs if new.letters_per_s]
    return {
        "decay_rounds": rounds,
        "loaded_letters_per_s": [round(t.letters_per_s, 1) for t in turns["loaded"]],
        "fresh_letters_per_s": [round(t.letters_per_s, 1) for t in turns["fresh"]],
        "loaded_app_cpu_ms": [t.app_cpu_ms for t in turns["loaded"]],
        "fresh_app_cpu_ms": [t.app_cpu_ms for t in turns["fresh"]],
        "loaded_over_fresh": round(statistics.fmean(ratios), 3) if ratios else 0.0,
        "decay_errors_5xx": sum(t.errors_5xx for t in turns["loaded"] + turns["fresh"]),
    }


def loaded_against_fresh(
    loaded: Served,
    cluster: PostgresCluster | None,
    folder: Path,
    server: tuple[str, int, int, str],
    rounds: int,
    seconds: int,
) -> dict[str, Any]:
    """Start a fresh server like the loaded one (`server`: app, workers, threads, limits) on an
    empty database in `folder` (or the cluster), warm it up, and alternate. The fresh server's
    letters are checked as the loaded one's are: acknowledged ones must all be stored."""
    app, workers, threads, limits = server
    folder.mkdir()
    url = cluster.create_database("fresh") if cluster else f"sqlite:///{folder / 'fresh.db'}"
    prepare_database(url, folder)
    port = free_port()
    process = start_gunicorn(app, port, app_env(url, folder, limits), workers, threads)
    acks = folder / "acks"
    acks.mkdir()
    fresh = Served(process.pid, letters_env(f"http://127.0.0.1:{port}", acks))
    try:
        run_wrk(fresh.lua_env["ORIGIN"] + "/", 5, 16, LUA, fresh.lua_env)  # as the loaded had
        result = alternate(loaded, fresh, rounds, flat_out(seconds))
    finally:
        process.terminate()
        process.wait(timeout=30)
    result["fresh_lost"] = len(acknowledged(acks) - stored_names(url, folder))
    return result
