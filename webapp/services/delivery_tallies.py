"""Deliveries counted per office and status for the dashboard, recounted by the worker."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryTally,
    Submission,
    SubmissionStatus,
)
from webapp.services.delivery_counts import tally_status
from webapp.services.stats import refresh_submission_tallies, upsert_into

# How stale the worker lets per-office delivery counts get before recounting them.
DELIVERY_RECOUNT_AFTER = timedelta(seconds=60)
# A page recounts stale counts itself only for a campaign with at most this many deliveries:
# measured at 130-180 ms for 10,000 deliveries and 280-390 ms for 40,000 (SQLite and PostgreSQL),
# so about 200 ms here; a million letters took 12 s, which no organiser should wait for.
PAGE_RECOUNT_MAX_DELIVERIES = 20_000


class _Counted(NamedTuple):
    letters: int
    name: str
    chamber: str | None
    state: str | None
    district: str | None


def _count(session: Session, campaign_id: int) -> dict[tuple[str, str], _Counted]:
    """The campaign's deliveries per office and the status the dashboard counts them under."""
    unconfirmed = Submission.status == SubmissionStatus.UNCONFIRMED
    rows = session.execute(
        select(
            Delivery.recipient_key,
            Delivery.status,
            unconfirmed,
            func.count(),
            func.max(Delivery.recipient_name),
            func.max(Delivery.recipient_chamber),
            func.max(Delivery.recipient_state),
            func.max(Delivery.recipient_district),
        )
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(Delivery.campaign_id == campaign_id)
        .group_by(Delivery.recipient_key, Delivery.status, unconfirmed)
    ).all()
    # An unconfirmed (or held) letter's queued deliveries are not on their way until its
    # writer confirms, but may still go: they are counted under a status of their own.
    counted: dict[tuple[str, str], _Counted] = {}
    for key, status, waiting, count, name, chamber, state, district in rows:
        bucket = (key, tally_status(status, bool(waiting)))
        before = counted.get(bucket)
        counted[bucket] = (
            before._replace(letters=before.letters + count)
            if before
            else _Counted(count, name or "", chamber, state, district)
        )
    return counted


def live_statuses(session: Session, campaign_id: int) -> dict[str, Counter[str]]:
    """As stored_statuses, counted now and stored nowhere: for a command that only reads."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for (key, status), c in _count(session, campaign_id).items():
        counts[key][status] += c.letters
    return counts


def refresh_delivery_tallies(session: Session, campaign_id: int, now: datetime) -> None:
    """Recount one campaign's deliveries per office and status (they change state over time).

    Counted in a read, then written in a short write transaction: on SQLite the write lock is
    taken at BEGIN, and a count over a day of action's deliveries (seconds at a million letters)
    held it while every letter being recorded waited. The worker recounts each minute."""
    counted = _count(session, campaign_id)
    with write_transaction(session, after_reads=True):
        session.execute(delete(DeliveryTally).where(DeliveryTally.campaign_id == campaign_id))
        if counted:
            # Two workers may recount at once: the one whose delete ran before the other's
            # commit inserts rows that now exist again, so it updates them (as tallies do).
            statement = upsert_into(session, DeliveryTally)
            fresh = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=["campaign_id", "recipient_key", "status"],
                set_={
                    column: fresh[column]
                    for column in (
                        "count",
                        "recipient_name",
                        "chamber",
                        "state",
                        "district",
                        "computed_at",
                    )
                },
            )
            session.execute(
                statement,
                [
                    {
                        "campaign_id": campaign_id,
                        "recipient_key": key,
                        "status": status,
                        "count": c.letters,
                        "recipient_name": c.name,
                        "chamber": c.chamber,
                        "state": c.state,
                        "district": c.district,
                        "computed_at": now,
                    }
                    # A fixed order, so concurrent recounts lock rows in the same order.
                    for (key, status), c in sorted(counted.items())
                ],
            )


def delivery_tallies_counted_at(session: Session, campaign_id: int) -> datetime | None:
    return session.scalar(
        select(func.max(DeliveryTally.computed_at)).where(DeliveryTally.campaign_id == campaign_id)
    )


def delivery_tallies_age(session: Session, campaign_id: int, now: datetime) -> timedelta | None:
    computed = delivery_tallies_counted_at(session, campaign_id)
    return None if computed is None else now - computed


def stored_statuses(session: Session, campaign_id: int) -> dict[str, Counter[str]]:
    """Each office's deliveries by the status the dashboard counts them under, as last counted."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for key, status, count in session.execute(
        select(DeliveryTally.recipient_key, DeliveryTally.status, DeliveryTally.count).where(
            DeliveryTally.campaign_id == campaign_id
        )
    ):
        counts[key][status] += count
    return counts


@dataclass(frozen=True)
class CountedWhen:
    """When a page's delivery counts were made, and whether they are older than it shows
    without a word (_deliveries_when.html reads these two names)."""

    deliveries_counted_at: datetime | None
    deliveries_stale: bool


def counts_for_page(
    session: Session, campaign_id: int, now: datetime, max_age: timedelta
) -> CountedWhen:
    """Recount a small campaign's stale counts (refresh_if_cheap), and say from when they are."""
    stale = refresh_if_cheap(session, campaign_id, now, max_age)
    counted_at = delivery_tallies_counted_at(session, campaign_id)
    # Just recounted with nothing to count: no tally row carries the time, but it is now.
    return CountedWhen(counted_at or (None if stale else now), stale)


MapCounts = tuple[CountedWhen, dict[str, Counter[str]] | None]


def counts_for_map(
    session: Session, campaign_id: int, now: datetime, max_age: timedelta
) -> MapCounts:
    """For the channel map, which also lists letters read live (its undelivered letters) and
    must not contradict them: a small campaign's counts made now and stored nowhere (a page
    view writes nothing), else the stored ones (None) and from when they are."""
    if recount_is_cheap(session, campaign_id, PAGE_RECOUNT_MAX_DELIVERIES):
        return CountedWhen(now, False), live_statuses(session, campaign_id)
    counted_at = delivery_tallies_counted_at(session, campaign_id)
    stale = counted_at is None or now - counted_at > max_age
    return CountedWhen(counted_at, stale), None


def recount_is_cheap(
    session: Session, campaign_id: int, most: int = PAGE_RECOUNT_MAX_DELIVERIES
) -> bool:
    """Whether the campaign has at most `most` deliveries, counted no further than that: the
    answer reads at most `most` + 1 index entries, however big the campaign."""
    some = select(Delivery.id).where(Delivery.campaign_id == campaign_id).limit(most + 1)
    return (session.scalar(select(func.count()).select_from(some.subquery())) or 0) <= most


def refresh_if_cheap(session: Session, campaign_id: int, now: datetime, max_age: timedelta) -> bool:
    """For a page: recount counts older than `max_age` (or none yet) when that is cheap.

    True when the counts stay older than `max_age` or missing: the campaign is too big to
    recount while a page waits, and the worker (or an organiser's "Count now") recounts it."""
    age = delivery_tallies_age(session, campaign_id, now)
    if age is not None and age <= max_age:
        return False
    if not recount_is_cheap(session, campaign_id, PAGE_RECOUNT_MAX_DELIVERIES):
        return True
    refresh_delivery_tallies(session, campaign_id, now)
    return False


def refresh_all(
    session: Session,
    now: datetime,
    max_age: timedelta = DELIVERY_RECOUNT_AFTER,
    step: Callable[[], object] = lambda: None,
) -> None:
    """Periodic work for the worker: tally new letters, recount stale live campaigns. `step`
    is called before each campaign's recount (the worker's heartbeat: each may take seconds)."""
    refresh_submission_tallies(session)
    live = session.scalars(select(Campaign.id).where(Campaign.status == CampaignStatus.LIVE)).all()
    for campaign_id in live:
        step()
        age = delivery_tallies_age(session, campaign_id, now)
        if age is None or age > max_age:
            refresh_delivery_tallies(session, campaign_id, now)
