"""The channel map: for each office a live campaign reaches, how a letter would travel today."""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.civic.index import representative_from_official
from webapp.delivery.channels import CWC_CHANNELS, NO_TOPICS, CwcReach, Route, route
from webapp.delivery.form_limits import form_limit
from webapp.delivery.office_latest import Latest, latest_per_office
from webapp.delivery.post import parse_us_address
from webapp.delivery.postal_addresses import stored_check
from webapp.delivery.readiness import Readiness
from webapp.letters.compose import Recipient, fixed_recipients
from webapp.models import (
    Campaign,
    Channel,
    DeliveryStatus,
    FailureReason,
    Official,
    PostalAddressCheck,
    TargetKind,
)
from webapp.services.delivery_tallies import stored_statuses
from webapp.services.recipients import recipient_for

# Chambers whose every office is in the local roster; state legislators are looked up live.
ENUMERABLE = ("us_senate", "us_house")
CHANNEL_NAMES = {
    Channel.CWC: "House CWC",
    Channel.SENATE_CWC: "Senate CWC",
    Channel.EMAIL: "email",
    Channel.FORM: "web-form hand-off",
    Channel.PACKET: "organisers' packet",
    Channel.POST: "First-Class post",
}


class Mark(enum.StrEnum):
    GREEN = "green"  # a working channel that needs nobody
    AMBER = "amber"  # hand-off only (the supporter carries the letter), or waiting for SMTP_URL
    RED = "red"  # failing now (see `_mark`), its settings broken, or no channel at all


@dataclass
class OfficeChannel:
    key: str
    name: str
    route: Route
    form_limit: int | None
    statuses: Counter[str] = field(default_factory=Counter)
    last_success: datetime | None = None
    last_failure: datetime | None = None
    last_error: str | None = None
    failure_reason: FailureReason | None = None  # why the last failure, when it was recorded
    mark: Mark = Mark.GREEN
    # Posting to this office is stopped: the service called its address undeliverable.
    postal_stop: PostalAddressCheck | None = None
    # Whose seat: a member of Congress's chamber, state and district (None for fixed offices).
    chamber: str | None = None
    state: str | None = None
    district: str | None = None

    @property
    def channel_name(self) -> str:
        return CHANNEL_NAMES[self.route.channel]

    @property
    def recovered(self) -> bool:
        """It failed, and letters went through since: its last failure is history, no alarm."""
        return self.mark is not Mark.RED and _sent_since(self.last_success, self.last_failure)


def campaign_offices(session: Session, campaign: Campaign) -> list[Recipient]:
    """The fixed targets, then every member of Congress a lookup target can reach."""
    offices = fixed_recipients(campaign)
    for target in campaign.targets:
        if target.kind is not TargetKind.LOOKUP:
            continue
        chambers = [c for c in target.chambers if c in ENUMERABLE]
        officials = session.scalars(
            select(Official)
            .where(Official.chamber.in_(chambers))
            .order_by(
                Official.chamber.desc(), Official.state, Official.district, Official.last_name
            )
        )
        offices += [
            recipient_for(representative_from_official(o), campaign, target.optional, target)
            for o in officials
        ]
    return offices


def _sent_since(last_success: datetime | None, last_failure: datetime | None) -> bool:
    return last_failure is not None and last_success is not None and last_success > last_failure


def _mark(channel: Channel, last: Latest, readiness: Readiness | None) -> Mark:
    """Red while the office fails: its last failure is newer than its last success, or a letter
    waits for a retry or was given up on. Not for a day after any failure, which kept a cron
    alarm ringing long after the relay came back (QA6 defect 8). Red too when the channel's
    settings stop the worker; amber while they are missing (its letters wait)."""
    # Whether a letter fails is asked live (office_latest), not read from the stored counts.
    if channel is Channel.PACKET or last.failing or readiness is Readiness.BROKEN:
        return Mark.RED
    if last.failure is not None and not _sent_since(last.success, last.failure):
        return Mark.RED
    if channel is Channel.FORM or readiness is Readiness.OFF:
        return Mark.AMBER
    return Mark.GREEN


def channel_map(
    session: Session,
    campaign: Campaign,
    reach: CwcReach,
    ready: Mapping[Channel, Readiness] | None = None,
    counts: Mapping[str, Counter[str]] | None = None,
) -> list[OfficeChannel]:
    """One row per office, with its letters by status and its last success and failure.

    `ready`: each sending channel's settings as the worker judges them (readiness.py); without
    it every configured channel is taken to work. `counts`: each office's letters by status
    (delivery_tallies.live_statuses); without them, the stored tallies.
    """
    ready = ready or {}
    # As the dashboard's campaign page counts them, from the same stored tallies: a held or
    # unconfirmed letter's under its own status. A small campaign's come counted now
    # (counts_for_map).
    counts = stored_statuses(session, campaign.id) if counts is None else counts
    offices = campaign_offices(session, campaign)
    latest = latest_per_office(session, campaign.id, [office.key for office in offices])
    rows = []
    for office in offices:
        way = route(office, reach, complete=True)
        # Red before the first letter: each would be given up on, not merely fail for a while.
        untopical = way.channel in CWC_CHANNELS and not campaign.topics
        if untopical:
            way = Route(way.channel, (*way.why, NO_TOPICS))
        last = latest.get(office.key, Latest())
        failed_at, error, reason, sent_at = last.failure, last.error, last.reason, last.success
        stop = _postal_stop(session, way.channel, office.name, office.address)
        statuses = counts.get(office.key, Counter())
        readiness = ready.get(way.channel)
        mark = Mark.RED if stop or untopical else _mark(way.channel, last, readiness)
        rows.append(
            OfficeChannel(
                key=office.key,
                name=office.name,
                route=way,
                form_limit=form_limit(office.contact_url),
                statuses=statuses,
                last_success=sent_at,
                last_failure=failed_at,
                last_error=error,
                failure_reason=reason,
                mark=mark,
                postal_stop=stop,
                chamber=office.chamber,
                state=office.state,
                district=office.district,
            )
        )
    return rows


class Shown(enum.StrEnum):
    """Which offices the channel map lists (its `show` query value)."""

    ALL = "all"
    WITH_LETTERS = "letters"
    RED = "red"
    AMBER = "amber"
    GREEN = "green"


@dataclass(frozen=True)
class ChannelSummary:
    by_mark: Counter[Mark]
    with_letters: int
    total: int

    def count(self, show: Shown) -> int:
        """How many offices `show` lists."""
        if show is Shown.ALL:
            return self.total
        if show is Shown.WITH_LETTERS:
            return self.with_letters
        return self.by_mark[Mark(show.value)]


# Letters never to go to an office (declined, never confirmed, re-targeted): as the dashboard's
# offices page leaves them out of an office's letters, an office with only these has none.
_NEVER_SENT = frozenset({DeliveryStatus.CANCELLED.value, DeliveryStatus.REPLACED.value})


def _has_letters(row: OfficeChannel) -> bool:
    return any(status not in _NEVER_SENT for status in row.statuses)


def summarise(rows: list[OfficeChannel]) -> ChannelSummary:
    """How many offices each mark has, and how many have letters: the map's first lines."""
    marks = Counter(row.mark for row in rows)
    return ChannelSummary(marks, sum(1 for row in rows if _has_letters(row)), len(rows))


def shown(rows: list[OfficeChannel], show: Shown) -> list[OfficeChannel]:
    """The rows `show` asks for, in the map's order."""
    if show is Shown.ALL:
        return rows
    if show is Shown.WITH_LETTERS:
        return [row for row in rows if _has_letters(row)]
    return [row for row in rows if row.mark.value == show.value]


def _postal_stop(
    session: Session, channel: Channel, name: str, address: str | None
) -> PostalAddressCheck | None:
    """The stored verdict that stops this office's post, if the service refused its address."""
    office = parse_us_address(name, address) if channel is Channel.POST else None
    check = stored_check(session, office) if office else None
    return check if check is not None and not check.deliverable else None
