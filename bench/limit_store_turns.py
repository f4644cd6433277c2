"""Is a loaded server slower than a new one, and is its filled rate-limit store why? In turns.

bench.load's loaded-against-new turns (bench/server_decay.py) compare a server that has taken a
day's letters with a new one on an empty database. The loaded one differs in three ways: fuller
tables, workers that served those letters, and a limit store holding a counter per address and
window. This bench adds a third server, new but started on a copy of the loaded one's limit
store, so the store's share can be told from the rest. SQLite, default limits, flat out.

Run: .venv/bin/python -m bench.limit_store_turns [--load-seconds 300] [--rounds 4] [--turn 12]
     [--warm-seconds 5]
Prints each round's ratios (loaded/new, new-with-store/new, loaded/new-with-store; each round
runs new, loaded, store, store, loaded, new, so a machine that drifts steadily favours none),
then their medians, each turn's letters/s and app CPU a letter, and the files' sizes.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.serving import (
    WARM_SECONDS,
    Served,
    app_env,
    flat_out,
    prepare_database,
    serve_letters,
    warm_up,
)

WORKERS, THREADS = 2, 4
ORDER = ("new", "loaded", "store", "store", "loaded", "new")
RATIOS = (("loaded", "new"), ("store", "new"), ("loaded", "store"))


def _sizes(folder: Path) -> str:
    files = sorted(folder.glob("ratelimits.sqlite3*")) + sorted(folder.glob("load.db*"))
    return " ".join(f"{path.name}={path.stat().st_size // 1024} KB" for path in files)


@contextmanager
def _server(folder: Path, warm: int, store_from: Path | None = None) -> Iterator[Served]:
    """A warm gunicorn on a new SQLite database in `folder`; its limit store a copy of
    `store_from`'s when given (SQLite's backup API: the loaded server keeps running)."""
    folder.mkdir()
    url = f"sqlite:///{folder / 'load.db'}"
    prepare_database(url, folder)
    if store_from is not None:
        source = sqlite3.connect(store_from / "ratelimits.sqlite3")
        target = sqlite3.connect(folder / "ratelimits.sqlite3")
        try:
            source.backup(target)
            counters = target.execute("SELECT count(*) FROM counters").fetchone()[0]
        finally:
            source.close()
            target.close()
        print(f"the store server starts with {counters} counters copied", flush=True)
    with serve_letters("app:app", app_env(url, folder), WORKERS, THREADS, folder / "acks") as s:
        warm_up(s, warm)
        yield s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--load-seconds", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--turn", type=int, default=12, help="seconds a turn")
    parser.add_argument("--warm-seconds", type=int, default=WARM_SECONDS, help="each server's")
    args = parser.parse_args()
    warm = args.warm_seconds
    with tempfile.TemporaryDirectory(prefix="civic-store-turns-") as tmp, ExitStack() as stack:
        root = Path(tmp)
        servers = {"loaded": stack.enter_context(_server(root / "loaded", warm))}
        load = flat_out(servers["loaded"], args.load_seconds, None)
        print(
            f"loaded: {load.result['recorded']:.0f} letters at {load.letters_per_s:.1f}/s; "
            f"{_sizes(root / 'loaded')}",
            flush=True,
        )
        servers["new"] = stack.enter_context(_server(root / "new", warm))
        servers["store"] = stack.enter_context(_server(root / "store", warm, root / "loaded"))
        rates: dict[str, list[float]] = {name: [] for name in servers}
        cpu: dict[str, list[float]] = {name: [] for name in servers}
        ratios: dict[str, list[float]] = {f"{a}/{b}": [] for a, b in RATIOS}
        for number in range(args.rounds):
            done = dict.fromkeys(servers, 0.0)
            for name in ORDER:
                run = flat_out(servers[name], args.turn, None)
                rates[name].append(run.letters_per_s)
                cpu[name].append(float(run.cpu["app_cpu_ms_per_letter"]))
                done[name] += run.letters_per_s
            for a, b in RATIOS:
                ratios[f"{a}/{b}"].append(done[a] / done[b])
            said = ", ".join(f"{key} {values[-1]:.3f}" for key, values in ratios.items())
            print(f"round {number + 1}: {said}", flush=True)
        for key, values in ratios.items():
            print(f"{key}: median {statistics.median(values):.3f}, rounds {len(values)}")
        for name in servers:
            print(
                f"{name}: letters/s {[round(r, 1) for r in rates[name]]}, "
                f"app CPU ms a letter {[round(c, 2) for c in cpu[name]]}; {_sizes(root / name)}"
            )


if __name__ == "__main__":
    main()
