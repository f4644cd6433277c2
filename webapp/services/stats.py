"""Dashboard and public numbers: letters tallied incrementally, once each, as they are confirmed."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.models import (
    Campaign,
    Delivery,
    DeliveryStatus,
    Submission,
    SubmissionStatus,
    SubmissionTally,
)
from webapp.services.delivery_counts import DeliverySummary, delivery_summary
from webapp.services.partner_codes import unknown_bucket

TALLY_BATCH = 5000
# Pages count at most this long before answering; the worker counts the rest in the background.
PAGE_TALLY_BUDGET_S = 2.0
PUBLIC_TALLY_BUDGET_S = 0.5
REANALYZE_AFTER = 20_000
# Dimensions counted for every letter; the partner_* ones again under the letter's partner.
# "country" counts every letter (US ones under "US"); "state" and "district" only US letters.
DIMENSIONS = (
    "day",
    "hour",
    "country",
    "state",
    "district",
    "partner",
    "source",
    "personalised",
    "match",
)
PARTNER_DIMENSIONS = ("day", "country", "state", "district", "personalised")
HOME_COUNTRY = "US"


def _buckets(row: Any) -> Iterable[tuple[str, str]]:
    created: datetime = row.created_at
    cd = (row.districts or {}).get("cd")
    values = {
        "day": created.strftime("%Y-%m-%d"),
        "hour": created.strftime("%Y-%m-%dT%H"),
        "country": row.country or HOME_COUNTRY,
        "partner": _partner_bucket(row),
        "source": row.source or "none",
        "personalised": "yes" if row.personalised else "no",
        "match": row.lookup_match.value,
    }
    # A letter from abroad has no state or district: it is on no state map. A citizen abroad
    # writes as a constituent of the US address where they vote, so their letter counts for
    # that state and district (their offices' coverage) as well as for the country they live in.
    if row.state:
        values["state"] = row.state
        values["district"] = f"{row.state}-{cd}" if cd is not None else f"{row.state}-?"
    yield from values.items()
    if row.private:
        return  # counted for organisers, but kept off public counts and partners' numbers
    yield "public_country", values["country"]
    if "state" in values:
        yield "public_state", values["state"]
    if row.partner_id:
        for dimension in PARTNER_DIMENSIONS:
            if dimension in values:
                yield f"partner_{dimension}", f"{row.partner_id}|{values[dimension]}"


def _partner_bucket(row: Any) -> str:
    """The letter's partner's id; or, kept apart from "none", the code it came with that
    names no partner (a mistyped snippet), for the organisers to find."""
    if row.partner_id:
        return str(row.partner_id)
    return unknown_bucket(row.unknown_partner_code) if row.unknown_partner_code else "none"


def upsert_into(session: Session, model: Any) -> Any:
    """An INSERT that can take ON CONFLICT, in the session's dialect."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def _add_counts(session: Session, counts: Counter[tuple[int, str, str]]) -> None:
    if not counts:
        return
    rows = [
        {"campaign_id": c, "dimension": d, "bucket": b, "count": n}
        # A fixed order: concurrent refreshes then lock rows in the same order (no deadlock).
        for (c, d, b), n in sorted(counts.items())
    ]
    statement = upsert_into(session, SubmissionTally)
    statement = statement.on_conflict_do_update(
        index_elements=["campaign_id", "dimension", "bucket"],
        set_={"count": SubmissionTally.count + statement.excluded["count"]},
    )
    session.execute(statement, rows)


def refresh_submission_tallies(session: Session, batch: int = TALLY_BATCH) -> int:
    """Count every newly confirmed letter into the tallies; each letter is counted exactly once."""
    counted = _count_new_letters(session, batch, None)[0]
    _reanalyze_after_backlog(session, counted)
    return counted


def catch_up_within(session: Session, budget_s: float, batch: int = TALLY_BATCH) -> bool:
    """Count new letters for about `budget_s` seconds; True when none is left waiting.

    A backlog of a million letters takes the best part of a minute: a page counts what it can
    and says it is still counting, while the worker counts the rest.
    """
    counted, caught_up = _count_new_letters(session, batch, time.monotonic() + budget_s)
    _reanalyze_after_backlog(session, counted)
    return caught_up


def _reanalyze_after_backlog(session: Session, counted: int) -> None:
    """Refresh PostgreSQL's statistics once a large backlog has been counted.

    Until autovacuum catches up, the planner still believes most letters are uncounted and
    answers "is anything waiting?" with a scan of the whole table (400 ms at a million letters)
    instead of the index.
    """
    if counted >= REANALYZE_AFTER and session.get_bind().dialect.name == "postgresql":
        with write_transaction(session):
            session.execute(text("ANALYZE submission"))


def _count_new_letters(session: Session, batch: int, deadline: float | None) -> tuple[int, bool]:
    """(letters counted, whether the backlog is cleared)."""
    total = 0
    # A read first: when nothing is waiting, no write lock is taken at all.
    waiting = session.scalar(
        select(Submission.id)
        .where(Submission.status == SubmissionStatus.CONFIRMED, Submission.tallied.is_(False))
        .limit(1)
    )
    if waiting is None:
        return 0, True
    personalised = (
        Submission.personal_message.is_not(None) | Submission.edited_body.is_not(None)
    ).label("personalised")
    while True:
        with write_transaction(session):
            query = (
                select(
                    Submission.id,
                    Submission.campaign_id,
                    Submission.created_at,
                    Submission.country,
                    Submission.state,
                    Submission.districts,
                    Submission.partner_id,
                    Submission.unknown_partner_code,
                    Submission.source,
                    Submission.lookup_match,
                    Submission.private,
                    personalised,
                )
                .where(
                    Submission.status == SubmissionStatus.CONFIRMED, Submission.tallied.is_(False)
                )
                .order_by(Submission.id)
                .limit(batch)
            )
            if session.get_bind().dialect.name == "postgresql":
                # Two refreshers at once must not count the same letters twice.
                query = query.with_for_update(skip_locked=True, of=Submission)
            rows = session.execute(query).all()
            if not rows:
                return total, True
            counts: Counter[tuple[int, str, str]] = Counter()
            for row in rows:
                for dimension, bucket in _buckets(row):
                    counts[(row.campaign_id, dimension, bucket)] += 1
            _add_counts(session, counts)
            session.execute(
                update(Submission)
                .where(Submission.id.in_([r.id for r in rows]))
                .values(tallied=True)
                .execution_options(synchronize_session=False)
            )
        total += len(rows)
        if len(rows) < batch:
            return total, True
        if deadline is not None and time.monotonic() > deadline:
            return total, False


def tallies(
    session: Session, campaign_id: int, dimensions: Iterable[str]
) -> dict[str, dict[str, int]]:
    """dimension -> bucket -> count, for the given dimensions of one campaign."""
    wanted = list(dimensions)
    result: dict[str, dict[str, int]] = {d: {} for d in wanted}
    rows = session.execute(
        select(SubmissionTally.dimension, SubmissionTally.bucket, SubmissionTally.count).where(
            SubmissionTally.campaign_id == campaign_id, SubmissionTally.dimension.in_(wanted)
        )
    )
    for dimension, bucket, count in rows:
        result[dimension][bucket] = count
    return result


def public_stats(session: Session, campaign: Campaign) -> dict[str, Any]:
    """The public numbers: total letters, goal, US letters by state, all letters by country."""
    catch_up_within(session, PUBLIC_TALLY_BUDGET_S)
    raw = tallies(session, campaign.id, ["public_state", "public_country"])
    total = sum(raw["public_country"].values())
    return {
        "campaign": campaign.slug,
        "title": campaign.title,
        "letters": total,
        "goal": campaign.goal,
        "goal_percent": min(100, round(100 * total / campaign.goal)) if campaign.goal else None,
        "by_state": dict(sorted(raw["public_state"].items())),
        "by_country": dict(sorted(raw["public_country"].items())),
        # Confirmed letters only: none awaits confirmation, so that count stays the organisers'.
        "deliveries": {
            k: v
            for k, v in asdict(public_delivery_summary(session, campaign.id)).items()
            if k != "awaiting_confirmation"
        },
    }


def public_delivery_summary(session: Session, campaign_id: int) -> DeliverySummary:
    """Confirmed letters' deliveries, grouped honestly, leaving out supporters who asked to
    stay off public counts."""
    rows = session.execute(
        select(Delivery.status, func.count())
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(
            Delivery.campaign_id == campaign_id,
            Submission.status == SubmissionStatus.CONFIRMED,
            Submission.private.is_(False),
        )
        .group_by(Delivery.status)
    )
    return delivery_summary({DeliveryStatus(status).value: count for status, count in rows})


def public_letter_count(session: Session, campaign_id: int) -> int:
    """Confirmed letters from supporters who did not ask to be left out of public counts."""
    catch_up_within(session, PUBLIC_TALLY_BUDGET_S)
    return sum(tallies(session, campaign_id, ["public_country"])["public_country"].values())
