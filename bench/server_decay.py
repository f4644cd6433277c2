"""Does a gunicorn server that has taken many letters answer slower than a new one? In turns.

bench.load reads its rate in each tenth of the flat-out run from the stored rows. This machine's
speed drifts by a third within minutes, so a last tenth slower than the first cannot tell a
slower machine from a slower server. Here, after bench.load's runs, the loaded server (fuller
tables, workers that served those letters, a filled limit store) and a new one (same backend
and settings, an empty database) are sent letters flat out in turns, so both see the machine at
the same moments. Each round runs new, loaded, loaded, new: a machine that slows or speeds up
steadily favours neither, and the round's ratio is the loaded turns' letters over the new ones'.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load_report import stored_names
from bench.serving import (
    Served,
    acknowledged,
    app_env,
    flat_out,
    prepare_database,
    serve_letters,
    warm_up,
)
from tests.pg import PostgresCluster


@dataclass(frozen=True)
class Turn:
    """One turn at a server: letters a second, CPU a letter (app, PostgreSQL), its 5xx, and the
    busiest worker's share of the app's CPU (1.0: one worker took every connection)."""

    letters_per_s: float
    app_cpu_ms: float
    database_cpu_ms: float
    errors_5xx: int
    busiest_worker: float


Measure = Callable[[Served], Turn]


def flat_out_turns(seconds: int, postgres_port: int | None) -> Measure:
    """Turns of `seconds` flat out, as bench.load's flat-out run."""

    def measure(served: Served) -> Turn:
        run = flat_out(served, seconds, postgres_port)
        return Turn(
            run.letters_per_s,
            float(run.cpu["app_cpu_ms_per_letter"]),
            float(run.cpu["database_server_cpu_ms_per_letter"]),
            int(run.result["errors5xx"]),
            max(run.cpu["worker_cpu_shares"]),
        )

    return measure


def alternate(loaded: Served, new: Served, rounds: int, measure: Measure) -> dict[str, Any]:
    """`rounds` rounds of new, loaded, loaded, new; the mean of the rounds' loaded/new ratios."""
    if rounds < 1:
        raise ValueError("at least one round")
    turns: dict[str, list[Turn]] = {"loaded": [], "new": []}
    ratios = []
    for _ in range(rounds):
        done = {"loaded": 0.0, "new": 0.0}
        for name, served in (("new", new), ("loaded", loaded), ("loaded", loaded), ("new", new)):
            turn = measure(served)
            turns[name].append(turn)
            done[name] += turn.letters_per_s
        if not done["new"]:
            raise RuntimeError("the new server recorded no letter in a round")
        ratios.append(done["loaded"] / done["new"])
    return {
        "decay_rounds": rounds,
        "loaded_letters_per_s": [round(t.letters_per_s, 1) for t in turns["loaded"]],
        "new_letters_per_s": [round(t.letters_per_s, 1) for t in turns["new"]],
        "loaded_app_cpu_ms": [t.app_cpu_ms for t in turns["loaded"]],
        "new_app_cpu_ms": [t.app_cpu_ms for t in turns["new"]],
        "loaded_database_cpu_ms": [t.database_cpu_ms for t in turns["loaded"]],
        "new_database_cpu_ms": [t.database_cpu_ms for t in turns["new"]],
        "loaded_busiest_worker": [t.busiest_worker for t in turns["loaded"]],
        "new_busiest_worker": [t.busiest_worker for t in turns["new"]],
        "loaded_over_new": round(statistics.fmean(ratios), 3),
        "decay_errors_5xx": sum(t.errors_5xx for t in turns["loaded"] + turns["new"]),
    }


def loaded_against_new(
    loaded: Served,
    *,
    cluster: PostgresCluster | None,
    folder: Path,
    app_spec: str,
    workers: int,
    threads: int,
    limits: str,
    rounds: int,
    seconds: int,
) -> dict[str, Any]:
    """Start a new server like the loaded one on an empty database in `folder` (or in the
    cluster), sent letters as the loaded one is (through the preview or not), warm it up as the
    loaded one was, and alternate. Its acknowledged letters are
    checked as the loaded one's are: each must be stored."""
    folder.mkdir()
    url = cluster.create_database("new") if cluster else f"sqlite:///{folder / 'new.db'}"
    prepare_database(url, folder)
    env = app_env(url, folder, limits)
    with serve_letters(
        app_spec, env, workers, threads, folder / "acks", preview=loaded.preview
    ) as new:
        warm = warm_up(new)
        port = cluster.port if cluster else None
        result = alternate(loaded, new, rounds, flat_out_turns(seconds, port))
    stored = stored_names(url, folder)
    result["decay_errors_5xx"] += int(warm["errors5xx"])
    result["new_letters"] = len(stored)
    result["new_lost"] = len(acknowledged(folder / "acks") - stored)
    return result
