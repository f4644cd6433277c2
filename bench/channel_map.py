"""The channel map page's render time at N letters, before (a full count) and now (tallies).

Run: .venv/bin/python -m bench.channel_map [--backends sqlite,postgresql] [--letters 200000]
     [--renders 10]
Builds the coalition campaign with N letters (two deliveries each: the President's web form and
the writer's House member, in every status, a sixth of them failing with the relay's error),
then per backend prints: what each render read before (every delivery counted, every delivered
and every failed row read for each office's latest), timed with the schema as it was
(c19d00000024), the migration's index build, the worker's recount of the stored tallies (once a
minute, in the background), and the page's render p50/p90 now, with its two new lookups alone.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select, text, update

from bench.dashboard import PASSWORD, _login
from bench.decay import server_cpu
from bench.generate import generate
from bench.support import bench_apps, load_civic_data, percentiles
from webapp.database import db, utcnow
from webapp.delivery.channel_map import campaign_offices
from webapp.delivery.office_latest import latest_per_office
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    Official,
    Role,
    Submission,
    SubmissionStatus,
)
from webapp.services.delivery_counts import tally_status
from webapp.services.delivery_tallies import refresh_delivery_tallies, stored_statuses
from webapp.services.organisers import create_organiser

BEFORE = "c19d00000024"  # the schema the full count ran on, before the office indexes
DELIVERED = (DeliveryStatus.SENT, DeliveryStatus.ACCEPTED, DeliveryStatus.DONE_BY_SUPPORTER)
RELAY_DOWN = "451 4.3.0 relay temporarily unavailable"


class _Timed:
    """Wall and CPU milliseconds of each run of some work. CPU is this process's and, on
    PostgreSQL, the server's: the machine is shared, and wall time counts others' turns too."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def __call__(self, work: Callable[[], object]) -> None:
        wall, cpu, server = time.perf_counter(), time.process_time(), server_cpu(self.app)
        work()
        self.cpu.append((time.process_time() - cpu + server_cpu(self.app) - server) * 1000)
        self.wall.append((time.perf_counter() - wall) * 1000)

    def median(self) -> dict[str, float]:
        return {
            "wall_ms": round(statistics.median(self.wall), 1),
            "cpu_ms": round(statistics.median(self.cpu), 1),
        }


def _as_worker_left_them(app: Flask, slug: str) -> int:
    """The generated letters to the real House members (keyed as the map lists offices), and
    with the times and errors the worker writes: sent, done by the supporter, failed."""
    with app.app_context():
        session = db.session()
        campaign_id = session.scalars(select(Campaign.id).where(Campaign.slug == slug)).one()
        members = session.execute(
            select(Official.state, Official.district, Official.external_id).where(
                Official.chamber == "us_house"
            )
        )
        for state, district, bioguide in members:
            session.execute(
                update(Delivery)
                .where(
                    Delivery.campaign_id == campaign_id,
                    Delivery.recipient_key == f"official:H-{state}-{district}",
                )
                .values(recipient_key=f"official:{bioguide}")
            )
        sent = Delivery.status.in_((DeliveryStatus.SENT, DeliveryStatus.ACCEPTED))
        session.execute(update(Delivery).where(sent).values(sent_at=Delivery.created_at))
        session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.DONE_BY_SUPPORTER)
            .values(done_at=Delivery.created_at)
        )
        session.execute(
            update(Delivery)
            .where(Delivery.status == DeliveryStatus.FAILED)
            .values(failed_at=Delivery.created_at, last_error=RELAY_DOWN)
        )
        session.commit()
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))  # as autovacuum would have by now
            session.commit()
        return campaign_id


def _full_count(campaign: Campaign) -> None:
    """What every render ran before: the three queries the channel map read its rows with."""
    session = db.session()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    unconfirmed = Submission.status == SubmissionStatus.UNCONFIRMED
    for key, status, waiting, number in session.execute(
        select(Delivery.recipient_key, Delivery.status, unconfirmed, func.count())
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(Delivery.campaign_id == campaign.id)
        .group_by(Delivery.recipient_key, Delivery.status, unconfirmed)
    ):
        counts[key][tally_status(DeliveryStatus(status), bool(waiting))] += number
    session.execute(
        select(Delivery.recipient_key, func.max(func.coalesce(Delivery.done_at, Delivery.sent_at)))
        .where(Delivery.campaign_id == campaign.id, Delivery.status.in_(DELIVERED))
        .group_by(Delivery.recipient_key)
    ).all()
    failures = {
        key: (when, error, reason)
        for key, when, error, reason in session.execute(
            select(
                Delivery.recipient_key,
                Delivery.failed_at,
                Delivery.last_error,
                Delivery.failure_reason,
            )
            .where(Delivery.campaign_id == campaign.id, Delivery.failed_at.is_not(None))
            .order_by(Delivery.failed_at)
        )
    }
    assert failures and counts


def _new_lookups(campaign: Campaign) -> None:
    session = db.session()
    stored_statuses(session, campaign.id)
    keys = [office.key for office in campaign_offices(session, campaign)]
    assert latest_per_office(session, campaign.id, keys)


def _median(
    app: Flask, campaign_id: int, work: Callable[[Campaign], None], n: int
) -> dict[str, float]:
    timed = _Timed(app)
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert campaign is not None
        for _ in range(n):
            timed(lambda: work(campaign))
        db.session.remove()
    return timed.median()


def _measure(app: Flask, letters: int, renders: int) -> dict[str, Any]:
    load_civic_data(app)
    slug = generate(app, letters)
    campaign_id = _as_worker_left_them(app, slug)
    with app.app_context():
        failing = db.session.scalar(select(func.count()).where(Delivery.failed_at.is_not(None)))
        db.session.remove()  # its open read would hold up the DDL on PostgreSQL
        downgrade(revision=BEFORE)
    before = _median(app, campaign_id, _full_count, max(3, renders // 3))
    once = _Timed(app)
    with app.app_context():
        once(upgrade)
        create_organiser(db.session(), "admin@example.org", PASSWORD, Role.ADMIN, None, utcnow())
        once(lambda: refresh_delivery_tallies(db.session(), campaign_id, utcnow()))
        db.session.remove()
    lookups = _median(app, campaign_id, _new_lookups, renders)
    client = app.test_client()
    _login(client)
    path = f"/dashboard/campaigns/{slug}/channels"
    assert client.get(path).status_code == 200  # and warm
    pages = _Timed(app)
    for _ in range(renders):
        pages(lambda: client.get(path))
    return {
        "letters": letters,
        "failed_deliveries": failing,
        "before_full_count": before,
        "migration_ms": round(once.wall[0], 1),
        "worker_recount_ms": round(once.wall[1], 1),
        "new_lookups": lookups,
        "render": pages.median(),
        "render_wall_ms": {k: round(v, 1) for k, v in percentiles(pages.wall).items()},
        "renders": renders,
        "load_average": round(os.getloadavg()[0], 1),
    }


def run(backends: list[str], letters: int, renders: int) -> dict[str, Any]:
    with bench_apps(backends, {"RATELIMIT_ENABLED": False}) as apps:
        return {backend: _measure(app, letters, renders) for backend, app in apps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--letters", type=int, default=200_000)
    parser.add_argument("--renders", type=int, default=10)
    args = parser.parse_args()
    report = run(args.backends.split(","), args.letters, args.renders)
    for backend, r in report.items():
        before, now, lookups = r["before_full_count"], r["render"], r["new_lookups"]
        print(
            f"{backend:10} {r['letters']:,} letters, {r['failed_deliveries']:,} failed "
            f"deliveries: before, the full count alone {before['wall_ms']:.0f} ms a render "
            f"({before['cpu_ms']:.0f} ms CPU); now the page renders in {now['wall_ms']:.0f} ms "
            f"({now['cpu_ms']:.0f} ms CPU), its stored counts and latest lookups "
            f"{lookups['wall_ms']:.0f} ms ({lookups['cpu_ms']:.0f} ms CPU); medians. The "
            f"worker's recount {r['worker_recount_ms']:.0f} ms a minute; migration "
            f"{r['migration_ms']:.0f} ms; load average {r['load_average']}"
        )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
