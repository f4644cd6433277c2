"""The postal budget per campaign: places taken under a lock, so no number of workers overshoots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.models import Campaign, Channel, Delivery, DeliveryStatus, Mailing


@dataclass(frozen=True)
class PostBudget:
    """The settings: letters a day and in all per campaign (0: no cap), what a mailing costs
    (first sheet included) and each further sheet, and the most sheets in one mailing."""

    per_day: int = 0
    total: int = 0
    price_cents: int = 0
    extra_sheet_cents: int = 0
    max_sheets: int = 60

    def for_campaign(self, campaign: Campaign | None) -> PostBudget:
        """The campaign's own caps where its file sets them, else the settings'."""
        if campaign is None:
            return self
        return PostBudget(
            per_day=self.per_day
            if campaign.post_daily_limit is None
            else campaign.post_daily_limit,
            total=self.total if campaign.post_total_limit is None else campaign.post_total_limit,
            price_cents=self.price_cents,
            extra_sheet_cents=self.extra_sheet_cents,
            max_sheets=self.max_sheets,
        )


def budget_from_config(config: Mapping[str, Any]) -> PostBudget:
    return PostBudget(
        per_day=int(config.get("POST_DAILY_LIMIT") or 0),
        total=int(config.get("POST_TOTAL_LIMIT") or 0),
        price_cents=int(config.get("POST_PRICE_CENTS") or 0),
        extra_sheet_cents=int(config.get("POST_EXTRA_PAGE_CENTS") or 0),
        max_sheets=max(1, int(config.get("POST_MAX_PAGES") or 60)),
    )


def lock_campaign(session: Session, campaign_id: int) -> Campaign | None:
    """Every place in one campaign's budget is taken under this row lock (PostgreSQL: FOR NO KEY
    UPDATE, which letters being written, holding only a key-share lock, do not wait for;
    SQLite: the write lock the transaction already holds)."""
    query = select(Campaign).where(Campaign.id == campaign_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(key_share=True)
    return session.scalars(query.execution_options(populate_existing=True)).first()


def places_taken(session: Session, campaign_id: int, now: datetime) -> tuple[int, int]:
    """Letters that took a place in the campaign's budget: today (UTC) and in all."""
    mine = Delivery.campaign_id == campaign_id
    taken = Delivery.postal_budget_day.is_not(None)
    total = session.scalar(select(func.count()).select_from(Delivery).where(mine, taken)) or 0
    today = (
        session.scalar(
            select(func.count())
            .select_from(Delivery)
            .where(mine, Delivery.postal_budget_day == now.date())
        )
        or 0
    )
    return int(today), int(total)


def take_places(
    session: Session,
    campaign_id: int,
    ids: Sequence[int],
    now: datetime,
    budget: PostBudget,
    holder_token: str | None = None,
) -> tuple[list[int], str | None]:
    """Give as many of `ids` (in order) a place in today's budget as the caps allow; inside the
    caller's write transaction. Returns the ids that got one and, if some did not, why.

    The campaign row lock is taken first and the counts read after it, each statement with a
    fresh snapshot: a second worker waits for the first's commit and then counts its places.
    With `holder_token`, only rows that worker still holds are given a place.
    """
    budget = budget.for_campaign(lock_campaign(session, campaign_id))
    today, total = places_taken(session, campaign_id, now)
    room = len(ids)
    why = None
    if budget.total and total + room > budget.total:
        room = max(0, budget.total - total)
        why = f"postal budget reached: {budget.total} letters in all (the campaign's total cap)"
    if budget.per_day and today + room > budget.per_day:
        room = max(0, budget.per_day - today)
        why = why or f"postal budget reached: {budget.per_day} letters today (the daily cap)"
    granted = list(ids[:room])
    if granted:
        query = update(Delivery).where(Delivery.id.in_(granted))
        if holder_token is not None:
            query = query.where(
                Delivery.status == DeliveryStatus.SENDING, Delivery.lease_token == holder_token
            )
        result = session.execute(
            query.values(postal_budget_day=now.date()).execution_options(synchronize_session=False)
        )
        if holder_token is not None and int(getattr(result, "rowcount", 0) or 0) == 0:
            granted = []  # taken over by another worker: it is theirs to count
    return granted, why


def free_places(session: Session, ids: Sequence[int]) -> None:
    """Letters that will not be posted after all (they died) give their places back."""
    if ids:
        session.execute(
            update(Delivery)
            .where(Delivery.id.in_(list(ids)))
            .values(postal_budget_day=None)
            .execution_options(synchronize_session=False)
        )


@dataclass(frozen=True)
class PostalSummary:
    """A campaign's letters by post for its dashboard: where they are, what they cost."""

    by_status: dict[str, int]  # PostalStatus values; "waiting" for those not yet posted
    held: int  # left with the organisers (budget reached, address refused)
    posted: int
    mailings: int  # envelopes: one per letter, or one per batch
    sheets: int
    spent_cents: int
    budget: PostBudget
    today: int  # places taken today and in all
    total: int


def postal_summary(
    session: Session, campaign: Campaign, budget: PostBudget, now: datetime
) -> PostalSummary:
    """Letters by postal status, and the money spent counted from the sheets really sent."""
    counts: dict[str, int] = {}
    held = 0
    post = (Delivery.campaign_id == campaign.id, Delivery.channel == Channel.POST)
    for status, postal, number in session.execute(
        select(Delivery.status, Delivery.postal_status, func.count())
        .where(*post)
        .group_by(Delivery.status, Delivery.postal_status)
    ):
        if status == DeliveryStatus.PACKET:
            held += number
        else:
            key = postal.value if postal else "waiting"
            counts[key] = counts.get(key, 0) + number
    posted = sum(n for key, n in counts.items() if key != "waiting")
    budget = budget.for_campaign(campaign)
    envelopes = sheets = 0
    for query in (
        select(func.count(), func.sum(func.coalesce(Delivery.postal_sheets, 1))).where(
            *post, Delivery.status == DeliveryStatus.SENT, Delivery.mailing_id.is_(None)
        ),
        select(func.count(), func.sum(Mailing.sheets)).where(
            Mailing.campaign_id == campaign.id, Mailing.status == DeliveryStatus.SENT
        ),
    ):
        number, pages = session.execute(query).one()
        envelopes, sheets = envelopes + int(number or 0), sheets + int(pages or 0)
    today, total = places_taken(session, campaign.id, now)
    return PostalSummary(
        by_status=counts,
        held=held,
        posted=posted,
        mailings=envelopes,
        sheets=sheets,
        spent_cents=envelopes * budget.price_cents
        + (sheets - envelopes) * budget.extra_sheet_cents,
        budget=budget,
        today=today,
        total=total,
    )
