"""Deliveries counted per office and status for the dashboard, recounted by the worker."""

from __future__ import annotations

from datetime import datetime, timedelta

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
from webapp.services.stats import refresh_submission_tallies, upsert_into

# How stale the worker lets per-office delivery counts get before recounting them.
DELIVERY_RECOUNT_AFTER = timedelta(seconds=60)


def refresh_delivery_tallies(session: Session, campaign_id: int, now: datetime) -> None:
    """Recount one campaign's deliveries per office and status (they change state over time)."""
    with write_transaction(session):
        rows = session.execute(
            select(
                Delivery.recipient_key,
                Delivery.status,
                func.count(),
                func.max(Delivery.recipient_name),
                func.max(Delivery.recipient_chamber),
                func.max(Delivery.recipient_state),
                func.max(Delivery.recipient_district),
            )
            # An unconfirmed (or held) letter's deliveries are not on their way until its
            # sender confirms: the dashboard counts those letters apart, as it does people.
            .join(Submission, Submission.id == Delivery.submission_id)
            .where(
                Delivery.campaign_id == campaign_id,
                Submission.status != SubmissionStatus.UNCONFIRMED,
            )
            .group_by(Delivery.recipient_key, Delivery.status)
        ).all()
        session.execute(delete(DeliveryTally).where(DeliveryTally.campaign_id == campaign_id))
        if rows:
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
                        "status": status.value,
                        "count": count,
                        "recipient_name": name or "",
                        "chamber": chamber,
                        "state": state,
                        "district": district,
                        "computed_at": now,
                    }
                    # A fixed order, so concurrent recounts lock rows in the same order.
                    for key, status, count, name, chamber, state, district in sorted(
                        rows, key=lambda row: (row[0], row[1].value)
                    )
                ],
            )


def delivery_tallies_age(session: Session, campaign_id: int, now: datetime) -> timedelta | None:
    computed = session.scalar(
        select(func.max(DeliveryTally.computed_at)).where(DeliveryTally.campaign_id == campaign_id)
    )
    return None if computed is None else now - computed


def refresh_all(
    session: Session, now: datetime, max_age: timedelta = DELIVERY_RECOUNT_AFTER
) -> None:
    """Periodic work for the worker: tally new letters, recount stale live campaigns."""
    refresh_submission_tallies(session)
    live = session.scalars(select(Campaign.id).where(Campaign.status == CampaignStatus.LIVE)).all()
    for campaign_id in live:
        age = delivery_tallies_age(session, campaign_id, now)
        if age is None or age > max_age:
            refresh_delivery_tallies(session, campaign_id, now)
