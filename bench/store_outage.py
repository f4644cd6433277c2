"""Letters per second while the rate-limit store hangs: asked by every letter, or checked aside.

Run: .venv/bin/python -m bench.store_outage [--seconds 20] [--workers 2] [--threads 4]
     [--warm-seconds 5]
gunicorn serves the widget on SQLite (the database is not what fails here) with its rate limits
in another store, and wrk sends letters flat out through letters.lua, in three runs:
- the limits in a redis-server that answers (skipped when redis-server is not installed);
- the limits at a port that takes connections and never answers, as a Redis that hangs, with
  RATELIMIT_STORE_RETRY_SECONDS=0: every letter asks the store and waits out its timeout;
- the same store with the default wait (10 s): letters skip it, and after each wait the next
  request starts a check in a thread of its worker's own.
The store's timeouts are the app's default for a Redis address (1 s). Each run prints letters/s,
p50/p99, 5xx, how many connections reached the hanging store, and acknowledged letters against
stored ones: a store that hangs may slow letters, never lose one.
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.load_report import redis_server, stored_names
from bench.serving import (
    LUA,
    WARM_SECONDS,
    acknowledged,
    app_env,
    parse_result,
    prepare_database,
    run_wrk,
    serve_letters,
    warm_up,
)

# As many connections as the workers have threads: a letter that waits for the store then
# waits seconds, and more connections would only queue past wrk's 10 s timeout.
CONNECTIONS_PER_THREAD = 1


class SilentServer:
    """A TCP port that takes connections and never answers: a Redis that hangs."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=512)
        self.port: int = self.listener.getsockname()[1]
        self.accepted: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self) -> None:
        self.listener.close()
        for connection in self.accepted:
            connection.close()


@contextmanager
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()


def run(
    name: str, instance: Path, url: str, limits: str, retry: str, args: argparse.Namespace
) -> dict[str, float]:
    """One flat-out run of `args.seconds` against a fresh gunicorn; its figures, printed."""
    env = {**app_env(url, instance, limits), "RATELIMIT_STORE_RETRY_SECONDS": retry}
    acks = instance / ("acks-" + "".join(c if c.isalnum() else "-" for c in name))
    with serve_letters("app:app", env, args.workers, args.threads, acks) as served:
        warm_up(served, args.warm_seconds)
        connections = args.workers * args.threads * CONNECTIONS_PER_THREAD
        result = parse_result(run_wrk(served.url, args.seconds, connections, LUA, served.lua_env))
    per_second = result["recorded"] / result["seconds"]
    print(
        f"{name}: {per_second:.1f} letters/s, p50 {result['p50']:.0f} ms, p99 "
        f"{result['p99']:.0f} ms, 5xx {int(result['errors5xx'])}",
        flush=True,
    )
    return {"letters_per_s": per_second, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2, help="of answering, then checked aside")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--warm-seconds", type=int, default=WARM_SECONDS, help="each server's")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="civic-outage-") as folder,
        redis_server(Path(folder)) as redis_url,
        silent_server() as silent,
    ):
        instance = Path(folder)
        url = f"sqlite:///{instance / 'outage.db'}"
        prepare_database(url, instance)
        hanging = f"redis://127.0.0.1:{silent.port}"
        if redis_url is None:
            print("redis-server not installed: the answering store's runs are skipped")
        ratios = []
        asked_aside = 0
        for round_number in range(1, args.rounds + 1):
            aside_name = f"round {round_number}, store hangs, checked aside"
            if redis_url is not None:
                answers = run(
                    f"round {round_number}, store answers", instance, url, redis_url, "10", args
                )
            before = len(silent.accepted)
            aside = run(aside_name, instance, url, hanging, "10", args)
            asked_aside += len(silent.accepted) - before
            if redis_url is not None:
                ratios.append(aside["letters_per_s"] / answers["letters_per_s"])
        before = len(silent.accepted)
        every = run("store hangs, every letter asks", instance, url, hanging, "0", args)
        asked_every = len(silent.accepted) - before
        print(
            f"connections that reached the hanging store: {asked_every} in the run where every "
            f"letter asks, {asked_aside} in {args.rounds} where it is checked aside"
        )
        if ratios:
            shown = ", ".join(f"{ratio:.3f}" for ratio in ratios)
            print(
                f"letters/s with the store hanging and checked aside, against it answering: {shown}"
            )
            print(
                f"letters/s when every letter asks the hanging store, against the last run with "
                f"it answering: {every['letters_per_s'] / answers['letters_per_s']:.3f}"
            )
        acks: set[str] = set()
        for folder_of_acks in instance.glob("acks-*"):
            acks |= acknowledged(folder_of_acks)
        lost = acks - stored_names(url, instance)
        print(f"acknowledged {len(acks):,}, of them not in the database: {len(lost)}")
        if lost:
            raise SystemExit("letters acknowledged but not stored")


if __name__ == "__main__":
    main()
