"""How long the outbox worker's claim takes on a day of action's database.

Run: .venv/bin/python -m bench.claim_time [--backends sqlite,postgresql] [--letters 50000]
     [--waiting 4000,200] [--claims 7]

On SQLite the claim holds the write lock that every letter queues for, once each
OUTBOX_POLL_SECONDS, so its time is time no letter can be written. Generates --letters letters
(bench.generate), marks every delivery sent but the newest --waiting ones, then times the claim
of one batch (OUTBOX_BATCH_SIZE rows, every channel) --claims times, putting the claimed rows
back in between. Prints the median and each time in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import func, select, text, update

from bench.generate import generate
from bench.support import bench_apps
from webapp.database import db
from webapp.delivery.leases import Holder, claim, claim_query
from webapp.models import Channel, Delivery, DeliveryStatus, Submission, SubmissionStatus


def _waiting(app: Flask, waiting: int) -> None:
    """Every delivery sent but the newest `waiting`, which wait for their first attempt."""
    with app.app_context():
        session = db.session()
        session.execute(update(Submission).values(status=SubmissionStatus.CONFIRMED))
        session.execute(update(Delivery).values(status=DeliveryStatus.SENT, mailing_id=None))
        newest = session.scalar(select(func.max(Delivery.id))) or 0
        session.execute(
            update(Delivery)
            .where(Delivery.id > newest - waiting)
            .values(status=DeliveryStatus.PENDING, next_attempt_at=None)
        )
        session.commit()


def _claims(app: Flask, claims: int) -> tuple[list[float], int]:
    with app.app_context():
        session = db.session()
        batch = int(app.config["OUTBOX_BATCH_SIZE"])
        spent, claimed = [], 0
        for _ in range(claims):
            started = time.perf_counter()
            ids = claim(
                session, Delivery, Holder("bench"), datetime.now(UTC), batch, 60, list(Channel)
            )
            spent.append((time.perf_counter() - started) * 1000)
            claimed = len(ids)
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids))
                .values(status=DeliveryStatus.PENDING, lease_expires_at=None)
            )
            session.commit()
        return spent, claimed


def _plan(app: Flask) -> str:
    """The claim's query plan as the database would run it now (PostgreSQL: with timings)."""
    with app.app_context():
        session = db.session()
        query = claim_query(
            Delivery, datetime.now(UTC), int(app.config["OUTBOX_BATCH_SIZE"]), list(Channel)
        )
        sql = str(query.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        sqlite = session.get_bind().dialect.name == "sqlite"
        explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "
        rows = session.execute(text(explain + sql)).all()
        session.rollback()
    return "\n".join(str(row[-1] if sqlite else row[0]) for row in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--letters", type=int, default=50_000)
    parser.add_argument("--waiting", default="4000,200", help="deliveries waiting, per run")
    parser.add_argument("--claims", type=int, default=7)
    parser.add_argument("--explain", action="store_true", help="print each claim's query plan")
    args = parser.parse_args()
    for backend in args.backends.split(","):
        with bench_apps([backend], {"LOG_LEVEL": "WARNING"}) as apps:
            _backend, app = next(apps)
            generate(app, args.letters)
            for waiting in (int(w) for w in args.waiting.split(",")):
                _waiting(app, waiting)
                spent, claimed = _claims(app, args.claims)
                if args.explain:
                    print(_plan(app), flush=True)
                print(
                    f"{backend}: {args.letters:,} letters, {waiting:,} deliveries waiting: a "
                    f"claim of {claimed} took {statistics.median(spent):.1f} ms (median; each "
                    f"{', '.join(f'{ms:.1f}' for ms in spent)})",
                    flush=True,
                )


if __name__ == "__main__":
    main()
