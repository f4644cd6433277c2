"""Posting one letter from the outbox: the budget, both addresses checked, the letter's HTML."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from flask import render_template
from markupsafe import Markup
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.leases import Holder
from webapp.delivery.outbox import record_held
from webapp.delivery.post import PostalAddress, PostClient, parse_us_address
from webapp.delivery.smtp import SendError
from webapp.models import DUE_STATUSES, Channel, Delivery, DeliveryStatus, PostalStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PostBudget:
    """Per campaign: letters a day and in all (0: no cap), and the price of one letter."""

    per_day: int = 0
    total: int = 0
    price_cents: int = 0


def budget_from_config(config: Mapping[str, Any]) -> PostBudget:
    return PostBudget(
        per_day=int(config.get("POST_DAILY_LIMIT") or 0),
        total=int(config.get("POST_TOTAL_LIMIT") or 0),
        price_cents=int(config.get("POST_PRICE_CENTS") or 0),
    )


def posted_counts(session: Session, campaign_id: int | None, now: datetime) -> tuple[int, int]:
    """The campaign's letters handed to the service: today (UTC) and in all."""
    mine = (
        Delivery.campaign_id == campaign_id,
        Delivery.channel == Channel.POST,
        Delivery.status == DeliveryStatus.SENT,
    )
    midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    total = session.scalar(select(func.count()).select_from(Delivery).where(*mine)) or 0
    today = (
        session.scalar(
            select(func.count()).select_from(Delivery).where(*mine, Delivery.sent_at >= midnight)
        )
        or 0
    )
    return int(today), int(total)


def over_budget(budget: PostBudget, today: int, total: int) -> str | None:
    if budget.total and total >= budget.total:
        return f"postal budget reached: {total} letters in all (POST_TOTAL_LIMIT)"
    if budget.per_day and today >= budget.per_day:
        return f"postal budget reached: {today} letters today (POST_DAILY_LIMIT)"
    return None


class Postal:
    """The worker's postal side. Addresses are checked once per process, before the first
    letter to them; an office the service says mail cannot reach stops all its letters."""

    def __init__(self, client: PostClient, budget: PostBudget) -> None:
        self.client = client
        self.budget = budget
        self._checked: dict[str, str | None] = {}  # address -> None (fine) or why not

    def hold_if_needed(
        self, session: Session, row: Delivery, holder: Holder, now: datetime
    ) -> bool:
        """Leave the letter with the organisers when it must not go out; True if it was left.

        An office whose address is refused has all its waiting letters left, not one by one.
        Raises SendError when a check could not be made (the service is down): try later.
        """
        why = over_budget(self.budget, *posted_counts(session, row.campaign_id, now))
        whole_office = False
        if why is None:
            why = self._check("return address", self.client.settings.sender)
        if why is None:
            office = parse_us_address(row.recipient_name, row.recipient_address)
            why = (
                "office address is not a US postal address the service can print"
                if office is None
                else self._check("office address", office)
            )
            whole_office = why is not None
        if why is None:
            return False
        record_held(session, row, holder, now, why)
        if whole_office:
            hold_office(session, row.recipient_key, why, now)
        log.warning("Delivery %s left with the organisers: %s", row.id, why)
        return True

    def _check(self, label: str, address: PostalAddress) -> str | None:
        key = repr(address)
        if key not in self._checked:
            result = self.client.verify(address)
            if not result.ok and not result.permanent:
                raise SendError(f"{label} check failed: {result.detail}")
            self._checked[key] = None if result.ok else f"{label} refused: {result.detail}"
        return self._checked[key]

    def prepare(self, row: Delivery) -> Callable[[], tuple[DeliveryStatus, str | None]]:
        """The send for one letter (its HTML rendered now, no network until it runs)."""
        office = parse_us_address(row.recipient_name, row.recipient_address)
        if office is None:
            raise SendError("the office address cannot be printed", permanent=True)
        html = render_template(
            "delivery/post_letter.html", delivery=row, sub=row.submission, letter_style=_style()
        )
        key = row.idempotency_key

        def send() -> tuple[DeliveryStatus, str | None]:
            result = self.client.create_letter(office, html, key, f"civic-letters {key}")
            if result.ok and result.detail:
                return DeliveryStatus.SENT, result.detail
            raise SendError(f"postal service: {result.detail}", permanent=result.permanent)

        return send


@cache
def _style() -> Markup:
    """The posted letter's stylesheet, inside the page: the service renders it on its own."""
    css = (
        Path(__file__).resolve().parent.parent / "static" / "css" / "post_letter.css"
    ).read_text()
    return Markup("<style>\n") + Markup(css) + Markup("</style>")  # noqa: S704 - our own file


def hold_office(session: Session, recipient_key: str, why: str, now: datetime) -> int:
    """Every waiting posted letter to this office goes to the organisers, with the reason."""
    with write_transaction(session):
        result = session.execute(
            update(Delivery)
            .where(
                Delivery.recipient_key == recipient_key,
                Delivery.channel == Channel.POST,
                Delivery.status.in_(DUE_STATUSES),
            )
            .values(status=DeliveryStatus.PACKET, last_error=why, failed_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class PostalSummary:
    """A campaign's letters by post for its dashboard: where they are, what they cost."""

    by_status: dict[str, int]  # PostalStatus values; "waiting" for those not yet posted
    held: int  # left with the organisers (budget reached, address refused)
    posted: int
    spent_cents: int
    budget: PostBudget


def postal_summary(session: Session, campaign_id: int, budget: PostBudget) -> PostalSummary:
    counts: dict[str, int] = {}
    held = 0
    for status, postal, number in session.execute(
        select(Delivery.status, Delivery.postal_status, func.count())
        .where(Delivery.campaign_id == campaign_id, Delivery.channel == Channel.POST)
        .group_by(Delivery.status, Delivery.postal_status)
    ):
        if status == DeliveryStatus.PACKET:
            held += number
        else:
            key = PostalStatus(postal).value if postal else "waiting"
            counts[key] = counts.get(key, 0) + number
    posted = sum(n for key, n in counts.items() if key != "waiting")
    return PostalSummary(counts, held, posted, posted * budget.price_cents, budget)
