"""The offices on a campaign's dashboard: each one's letters by status, and the quiet ones."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.civic.states import BY_CODE, house_districts
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    DeliveryTally,
    Official,
    Partner,
    Submission,
    SubmissionStatus,
)
from webapp.services.delivery_tallies import counts_for_page
from webapp.services.recipients import lookup_chambers

# The worker recounts deliveries every minute; a page only pays for the recount (a scan of the
# campaign's deliveries) when no worker has done it for a while, e.g. none is running, and only
# for a small campaign: a big one's counts are shown with their time instead.
DELIVERY_TALLY_MAX_AGE = timedelta(minutes=5)
FEW_LETTERS = 3
# Not letters an office gets: never confirmed, declined, or replaced by the seat's new member's.
NOT_RECEIVED = {DeliveryStatus.CANCELLED.value, DeliveryStatus.REPLACED.value}


@dataclass
class OfficeRow:
    key: str
    name: str
    chamber: str | None
    state: str | None
    district: str | None
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counted.values())

    @property
    def counted(self) -> dict[str, int]:
        """The statuses of the letters in `total`, so that a row's statuses add up to it."""
        return {s: n for s, n in self.by_status.items() if s not in NOT_RECEIVED}

    @property
    def not_sent(self) -> dict[str, int]:
        """Letters never to go to this office (declined, expired, retargeted): not in `total`."""
        return {s: n for s, n in self.by_status.items() if s in NOT_RECEIVED}


@dataclass
class OfficeCounts:
    rows: list[OfficeRow]
    # When the deliveries were counted; None when they never were (a big campaign).
    counted_at: datetime | None
    # Older than DELIVERY_TALLY_MAX_AGE (or never counted): too big to recount for a page.
    stale: bool


def office_rows(session: Session, campaign: Campaign, now: datetime) -> OfficeCounts:
    """Every office with its delivery counts, and when those were counted."""
    # When, as the channel map says it (one rule: "just recounted, nothing to count" is now).
    when = counts_for_page(session, campaign.id, now, DELIVERY_TALLY_MAX_AGE)
    rows: dict[str, OfficeRow] = {}
    for t in session.scalars(select(DeliveryTally).where(DeliveryTally.campaign_id == campaign.id)):
        row = rows.setdefault(
            t.recipient_key,
            OfficeRow(t.recipient_key, t.recipient_name, t.chamber, t.state, t.district),
        )
        row.by_status[t.status] = row.by_status.get(t.status, 0) + t.count
    # Offices the campaign targets but nobody has written to yet belong in coverage too.
    chambers = [c for c in lookup_chambers(campaign) if c in ("us_senate", "us_house")]
    if chambers:
        officials = session.execute(
            select(
                Official.external_id,
                Official.full_name,
                Official.chamber,
                Official.state,
                Official.district,
            ).where(Official.active.is_(True), Official.chamber.in_(chambers))
        )
        for bioguide, name, chamber, state, district in officials:
            rows.setdefault(
                f"official:{bioguide}",
                OfficeRow(f"official:{bioguide}", name, chamber, state, district),
            )
    ordered = sorted(rows.values(), key=lambda r: (-r.total, r.name))
    return OfficeCounts(ordered, when.deliveries_counted_at, when.deliveries_stale)


def quiet_offices(offices: list[OfficeRow]) -> list[OfficeRow]:
    """Offices with one or two letters first (nearly forgotten), then those with none."""
    return sorted(
        (o for o in offices if o.total < FEW_LETTERS),
        key=lambda o: (o.total == 0, o.total, o.name),
    )


def quiet_districts(campaign: Campaign, by_district: dict[str, int]) -> list[str]:
    if "us_house" not in lookup_chambers(campaign):
        return []
    seats = [f"{s}-{d}" for s in BY_CODE for d in house_districts(s)]
    return [seat for seat in seats if by_district.get(seat, 0) == 0]


def partner_deliveries(session: Session, campaign: Campaign, partner: Partner) -> dict[str, int]:
    """Delivery statuses for one partner's letters (small enough to count directly): the
    letters its other numbers count, confirmed and not kept off partners' numbers."""
    rows = session.execute(
        select(Delivery.status, func.count())
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(
            Delivery.campaign_id == campaign.id,
            Submission.partner_id == partner.id,
            Submission.status == SubmissionStatus.CONFIRMED,
            Submission.private.is_(False),
        )
        .group_by(Delivery.status)
    )
    return {status.value: count for status, count in rows}
