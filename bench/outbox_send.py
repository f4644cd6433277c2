"""How fast one outbox worker sends letters to offices by email, and the statements each costs.

Run: .venv/bin/python -m bench.outbox_send [--backends sqlite,postgresql] [--letters 1000]

A day of action's letters leave through the outbox: each office's copy is claimed in a batch,
built, leased for its send, sent and recorded, each outcome committed before the next send.
Inserts --letters confirmed one-office letters with their email delivery due, then runs one
worker's batches (OUTBOX_BATCH_SIZE) to a local SMTP server (aiosmtpd, in a thread of this
process) until none is left. Prints the emails sent per second, the worker's own CPU (its
thread's, so not the SMTP server's) per email, and the SQL statements per email by kind.
PostgreSQL: a throwaway cluster, whose own CPU is not counted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event

from bench.letter_statements import _kind
from bench.support import bench_apps
from tests.delivery.campaigns import bulk_email_deliveries
from tests.delivery.smtp_server import SmtpSink
from webapp.database import db
from webapp.delivery.worker import Worker


def _run(app: Flask, letters: int, sink: SmtpSink) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="civic-outbox-") as folder:
        bulk_email_deliveries(app, Path(folder), letters)
    worker = Worker(app, "bench-worker")
    seen: Counter[str] = Counter()

    def record(*args: Any) -> None:
        seen[_kind(args[2])] += 1  # before_cursor_execute(conn, cursor, statement, ...)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    sent, wall, cpu = 0, time.perf_counter(), time.thread_time()
    try:
        while True:
            report = worker.run_batch()
            if report.claimed == 0:
                break
            sent += report.sent
    finally:
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        event.remove(engine, "before_cursor_execute", record)
    if sent != letters or len(sink.message_ids()) != letters:
        raise RuntimeError(f"sent {sent}, received {len(sink.message_ids())} of {letters}")
    return {"rate": sent / wall, "cpu_ms": cpu * 1000 / sent, "statements": seen, "sent": sent}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--letters", type=int, default=1000)
    args = parser.parse_args()
    with SmtpSink() as sink:
        overrides = {"SMTP_URL": sink.url, "LOG_LEVEL": "WARNING"}
        with bench_apps(args.backends.split(","), overrides) as apps:
            for backend, app in apps:
                sink.clear()
                result = _run(app, args.letters, sink)
                statements: Counter[str] = result["statements"]
                print(
                    f"{backend}: {result['sent']:,} emails at {result['rate']:.0f}/s, "
                    f"{result['cpu_ms']:.2f} ms of the worker's CPU each, "
                    f"{sum(statements.values()) / result['sent']:.1f} statements each"
                )
                for kind, count in statements.most_common():
                    print(f"  {count / result['sent']:5.2f}  {kind}")


if __name__ == "__main__":
    main()
