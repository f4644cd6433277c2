"""Everything one campaign's dashboard shows, assembled from the tallies and small queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from webapp.civic.index import ROSTER_DATASET
from webapp.dashboard.charts import Bar, days_between, last_hours, series
from webapp.dashboard.held_reasons import reason_group
from webapp.dashboard.offices import (
    NOT_RECEIVED,
    OfficeRow,
    office_rows,
    quiet_districts,
    quiet_offices,
)
from webapp.models import (
    Campaign,
    CivicDataset,
    Partner,
    RosterChange,
    Submission,
    SubmissionStatus,
)
from webapp.services.partner_codes import unknown_code_of
from webapp.services.stats import (
    DIMENSIONS,
    PAGE_TALLY_BUDGET_S,
    PARTNER_DIMENSIONS,
    catch_up_within,
    public_letter_count,
    tallies,
)

RECENT_PERSONAL = 20
HELD_SHOWN = 20
TOP_OFFICES = 15


def recent_personal(campaign_id: int) -> Select[Submission]:
    """The letters the dashboard lists under its recent personal paragraphs."""
    return (
        select(Submission)
        .where(Submission.campaign_id == campaign_id, Submission.personal_message.is_not(None))
        .order_by(Submission.created_at.desc())
        .limit(RECENT_PERSONAL)
    )


def held_waiting(campaign_id: int) -> ColumnElement[bool]:
    """Letters the risk checks held that still wait for their sender or an organiser."""
    return (
        (Submission.campaign_id == campaign_id)
        & Submission.held.is_(True)
        & (Submission.status == SubmissionStatus.UNCONFIRMED)
    )


def held_shown(campaign_id: int) -> Select[Submission]:
    """The held letters the dashboard lists, to release or decline."""
    waiting = held_waiting(campaign_id)
    return select(Submission).where(waiting).order_by(Submission.id.desc()).limit(HELD_SHOWN)


class PartnerCount(NamedTuple):
    """A partner's letters; no name nor code for the letters that credit no partner."""

    name: str | None
    code: str | None
    letters: int

    @property
    def label(self) -> str:
        """As data.json keys it, which scripts read as it is: "Name (code)" or "no partner"."""
        return "no partner" if self.name is None else f"{self.name} ({self.code})"


@dataclass
class DashboardData:
    supporters: int
    goal: int | None
    per_day: list[Bar]
    per_hour: list[Bar]
    by_state: dict[str, int]
    by_district: dict[str, int]
    by_country: dict[str, int]
    personalised_share: float | None
    by_partner: list[PartnerCount] = field(default_factory=list)
    # Letters that came with a partner code naming no partner of the campaign: (code, count).
    unknown_partner_codes: list[tuple[str, int]] = field(default_factory=list)
    # Those of them a partner added since has: its letters still credit no partner.
    since_added_codes: frozenset[str] = frozenset()
    by_source: list[tuple[str, int]] = field(default_factory=list)
    deliveries_by_status: dict[str, int] = field(default_factory=dict)
    deliveries_counted_at: datetime | None = None
    # The delivery counts are older than the page recounts (or missing): say so, and why.
    deliveries_stale: bool = False
    offices: list[OfficeRow] = field(default_factory=list)
    quiet_offices: list[OfficeRow] = field(default_factory=list)
    quiet_districts: list[str] = field(default_factory=list)
    recent_personal: list[Submission] = field(default_factory=list)
    roster: CivicDataset | None = None
    roster_changes: list[RosterChange] = field(default_factory=list)
    unconfirmed: int = 0
    held: int = 0
    held_reasons: list[tuple[str, int]] = field(default_factory=list)
    held_recent: list[Submission] = field(default_factory=list)
    still_counting: bool = False
    # For a partner: the whole campaign's letters as its public page counts them (the goal is
    # the campaign's, so a partner's own letters against it would read as the campaign's).
    campaign_public: int | None = None

    @property
    def goal_count(self) -> int:
        """The letters the goal bar measures: a partner's the public count, an admin's all."""
        return self.supporters if self.campaign_public is None else self.campaign_public

    @property
    def goal_percent(self) -> int | None:
        if not self.goal:
            return None
        return min(100, round(100 * self.goal_count / self.goal))

    @property
    def mistyped_codes(self) -> list[str]:
        """Unknown codes no partner has since: a snippet or link to correct."""
        return [c for c, _n in self.unknown_partner_codes if c not in self.since_added_codes]

    @property
    def top_offices_shown(self) -> int:
        """How many offices the busiest-offices table lists at most."""
        return TOP_OFFICES

    @property
    def top_offices(self) -> list[OfficeRow]:
        """The offices with the most letters, none without: 15 unless fewer have any."""
        return [o for o in self.offices if o.total][:TOP_OFFICES]

    @property
    def letters_to_offices(self) -> int:
        return sum(n for s, n in self.deliveries_by_status.items() if s not in NOT_RECEIVED)


def _partner_scoped(raw: dict[str, int], partner_id: int) -> dict[str, int]:
    prefix = f"{partner_id}|"
    return {k[len(prefix) :]: v for k, v in raw.items() if k.startswith(prefix)}


def build_dashboard(
    session: Session, campaign: Campaign, partner: Partner | None, now: datetime
) -> DashboardData:
    """The numbers for one campaign; a partner sees only letters attributed to it."""
    caught_up = catch_up_within(session, PAGE_TALLY_BUDGET_S)
    raw = tallies(
        session, campaign.id, [*DIMENSIONS, *(f"partner_{d}" for d in PARTNER_DIMENSIONS)]
    )
    if partner is not None:
        scoped = {d: _partner_scoped(raw[f"partner_{d}"], partner.id) for d in PARTNER_DIMENSIONS}
        day, country, state, district, personal = (
            scoped["day"],
            scoped["country"],
            scoped["state"],
            scoped["district"],
            scoped["personalised"],
        )
        hour: dict[str, int] = {}
    else:
        day, hour, country, state, district, personal = (
            raw["day"],
            raw["hour"],
            raw["country"],
            raw["state"],
            raw["district"],
            raw["personalised"],
        )
    supporters = sum(personal.values())
    data = DashboardData(
        supporters=supporters,
        goal=campaign.goal,
        per_day=series(day, days_between(day), label_from=5),
        per_hour=series(hour, last_hours(now), label_from=5) if partner is None else [],
        by_state=state,
        by_district=district,
        by_country=country,
        personalised_share=(personal.get("yes", 0) / supporters) if supporters else None,
        still_counting=not caught_up,
    )
    if partner is not None:
        data.campaign_public = public_letter_count(session, campaign.id) if campaign.goal else None
        return data
    # The page shows each partner's name and code apart, each isolated (name_and_code).
    partners = {str(p.id): p for p in campaign.partners}
    unknown = {k: v for k, v in raw["partner"].items() if unknown_code_of(k) is not None}
    rows = []
    for key, letters in raw["partner"].items():
        if key in unknown:
            continue
        partner_row = partners.get(key)
        name, code = (partner_row.name, partner_row.code) if partner_row else (None, None)
        rows.append(PartnerCount(name, code, letters))
    data.by_partner = sorted(rows, key=lambda row: -row.letters)
    data.unknown_partner_codes = sorted(
        ((str(unknown_code_of(k)), v) for k, v in unknown.items()), key=lambda kv: -kv[1]
    )
    # As links match codes (find_partner): exactly, or in another case when only one does.
    codes = {p.code for p in campaign.partners}
    folded = Counter(code.casefold() for code in codes)
    data.since_added_codes = frozenset(
        c for c, _n in data.unknown_partner_codes if c in codes or folded[c.casefold()] == 1
    )
    data.by_source = sorted(raw["source"].items(), key=lambda kv: -kv[1])
    counts = office_rows(session, campaign, now)
    data.offices, data.deliveries_counted_at = counts.rows, counts.counted_at
    data.deliveries_stale = counts.stale
    totals: dict[str, int] = defaultdict(int)
    for office in data.offices:
        for status, count in office.by_status.items():
            totals[status] += count
    data.deliveries_by_status = dict(totals)
    # Never counted, every office would look quiet: the page says "not counted yet" instead.
    data.quiet_offices = quiet_offices(data.offices) if counts.counted_at else []
    data.quiet_districts = quiet_districts(campaign, district)
    data.recent_personal = list(session.scalars(recent_personal(campaign.id)))
    data.roster = session.get(CivicDataset, ROSTER_DATASET)
    changes = session.scalars(select(RosterChange).order_by(RosterChange.id.desc()).limit(500))
    data.roster_changes = [c for c in changes if campaign.id in (c.campaign_ids or [])][:50]
    data.unconfirmed = (
        session.scalar(
            select(func.count(Submission.id)).where(
                Submission.campaign_id == campaign.id,
                Submission.status == SubmissionStatus.UNCONFIRMED,
            )
        )
        or 0
    )
    _held(session, campaign, data)
    return data


def _held(session: Session, campaign: Campaign, data: DashboardData) -> None:
    """Letters held by the risk checks: how many, why, and the latest ones to release."""
    waiting = held_waiting(campaign.id)
    data.held = session.scalar(select(func.count(Submission.id)).where(waiting)) or 0
    if not data.held:
        return
    reasons: Counter[str] = Counter()
    for row in session.scalars(
        select(Submission.risk_reasons).where(waiting).order_by(Submission.id.desc()).limit(5000)
    ):
        for reason in row or []:
            reasons[reason_group(str(reason))] += 1
    data.held_reasons = reasons.most_common()
    data.held_recent = list(session.scalars(held_shown(campaign.id)))
