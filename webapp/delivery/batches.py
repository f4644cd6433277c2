"""Batched post: an office's letters of one day go in one mailing (a few past the sheet limit)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.batch_unreadable import readable_members, readable_pages
from webapp.delivery.channel_faults import ChannelFaults, Pause
from webapp.delivery.failure_reasons import held_reason
from webapp.delivery.leases import Holder, claim, hold_for_send, release
from webapp.delivery.mailing import Postal, hold_office, postal_error
from webapp.delivery.mailing_outcomes import (
    MailingReport,
    record_mailing_failed,
    record_mailing_sent,
)
from webapp.delivery.outbox import load
from webapp.delivery.outcomes import RetryPolicy
from webapp.delivery.post import parse_us_address
from webapp.delivery.post_render import COVER_PAGES, batch_html, pack, page_count
from webapp.delivery.post_render import sheets as sheets_for
from webapp.delivery.postal_budget import lock_campaign, take_places
from webapp.delivery.smtp import ChannelDown, SendError
from webapp.models import (
    DUE_STATUSES,
    Channel,
    Delivery,
    DeliveryStatus,
    Mailing,
    Submission,
    SubmissionStatus,
    Target,
)
from webapp.sealing import SealingError

log = logging.getLogger(__name__)
GROUP_ROWS = 5000  # letters looked at per round; the rest wait for the next round
Group = tuple[int, str, date]  # campaign, office, the day its letters were written


def waiting_groups(session: Session, now: datetime) -> dict[Group, list[int]]:
    """Letters to batched offices, written before today (UTC) and in no mailing yet."""
    midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
    rows = session.execute(
        select(Delivery.id, Delivery.campaign_id, Delivery.recipient_key, Delivery.created_at)
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(
            Submission.status == SubmissionStatus.CONFIRMED,
            Delivery.channel == Channel.POST,
            Delivery.target_id.in_(select(Target.id).where(Target.post_batched.is_(True))),
            Delivery.mailing_id.is_(None),
            Delivery.status.in_(DUE_STATUSES),
            or_(Delivery.next_attempt_at.is_(None), Delivery.next_attempt_at <= now),
            Delivery.created_at < midnight,
        )
        .order_by(Delivery.id)
        .limit(GROUP_ROWS)
    )
    groups: dict[Group, list[int]] = defaultdict(list)
    for row_id, campaign_id, key, created in rows:
        if campaign_id is not None:
            groups[(campaign_id, key, created.date())].append(row_id)
    return groups


def _leave(session: Session, ids: list[int], why: str, now: datetime) -> None:
    """These letters wait with the organisers (for the office's packet), with the reason."""
    session.execute(
        update(Delivery)
        .where(Delivery.id.in_(ids))
        .values(
            status=DeliveryStatus.PACKET,
            last_error=why,
            failure_reason=held_reason(why),
            failed_at=now,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )


@dataclass
class Batcher:
    """Makes the day's mailings, then sends them like outbox rows: claimed, leased, one
    idempotency key per envelope, so a worker dying after the service's answer and before its
    commit has the envelope sent again under the same key, and printed once."""

    postal: Postal
    holder: Holder
    policy: RetryPolicy
    lease_margin: float
    batch_size: int
    clock: Callable[[], datetime]
    faults: ChannelFaults
    # The worker's heartbeat, between envelopes: a long round of them is work, not a stop.
    beat: Callable[[], object] = lambda: None

    def run(self, session: Session) -> MailingReport:
        report = MailingReport()
        for group, ids in waiting_groups(session, self.clock()).items():
            self.beat()
            try:
                report.held += self.assemble(session, group, ids, self.clock())
            except SendError as exc:  # the service could not check an address: back off
                log.warning("mailing to %s not made yet: %s", group[1], exc)
                self._later(session, ids, exc)
                met = Pause(Delivery, ids[0])
                if isinstance(exc, ChannelDown) and self.faults.fault(
                    session, Channel.POST, exc.certain, met
                ):
                    self.faults.pause(Channel.POST, Delivery, ids[0])
                    return report  # the service is down: no more checks, no mailings now
        ids = claim(
            session, Mailing, self.holder, self.clock(), self.batch_size, self.policy.lease_seconds
        )
        for index, mailing_id in enumerate(ids):
            self.beat()
            mailing = session.get(Mailing, mailing_id)
            if mailing is None:
                continue
            report.mailings += 1
            try:
                stopped = self.send(session, mailing, report)
            except SealingError:  # no letter opens: the envelopes wait, untouched
                release(session, Mailing, ids[index:], self.holder, self.clock())
                raise
            if stopped:  # the service is down: the other envelopes wait for it, untouched
                release(session, Mailing, ids[index + 1 :], self.holder, self.clock())
                break
        return report

    def _later(self, session: Session, ids: list[int], exc: SendError) -> None:
        """Ask again after the channel's backoff, not at every poll of the worker; why is kept
        and dated as any failure is, for the channel map."""
        now, error = self.clock(), str(exc)
        with write_transaction(session):
            session.execute(
                update(Delivery)
                .where(Delivery.id.in_(ids), Delivery.mailing_id.is_(None))
                .values(
                    next_attempt_at=now + self.faults.delay(Channel.POST),
                    last_error=error[:2000],
                    failure_reason=exc.reason,
                    failed_at=now,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )

    def assemble(self, session: Session, group: Group, ids: list[int], now: datetime) -> int:
        """Put the group's letters in mailings; returns how many were left with the organisers."""
        campaign_id, key, day = group
        rows = [r for r in load(session, Delivery, ids) if isinstance(r, Delivery)]
        first = rows[0]
        why, whole_office = self.postal.refused(
            session, key, first.recipient_name, first.recipient_address, now
        )
        if why is not None:
            if whole_office:
                return hold_office(session, key, why, now)
            with write_transaction(session):
                _leave(session, ids, why, now)
            return len(ids)
        pages = readable_pages(session, rows, now, self.policy)  # laid out before any lock is taken
        with write_transaction(session):
            lock_campaign(session, campaign_id)
            still = list(
                session.scalars(
                    select(Delivery.id)
                    .where(
                        Delivery.id.in_(list(pages)),
                        Delivery.mailing_id.is_(None),
                        Delivery.status.in_(DUE_STATUSES),
                    )
                    .order_by(Delivery.id)
                )
            )
            granted, why = take_places(session, campaign_id, still, now, self.postal.budget)
            over = still[len(granted) :]
            if over and why:
                _leave(session, over, why, now)
            part = session.scalar(
                select(func.max(Mailing.part)).where(
                    Mailing.campaign_id == campaign_id,
                    Mailing.recipient_key == key,
                    Mailing.day == day,
                )
            )
            max_sheets = self.postal.budget.max_sheets
            for number, chunk in enumerate(pack([(i, pages[i]) for i in granted], max_sheets)):
                mailing = Mailing(
                    campaign_id=campaign_id,
                    recipient_key=key,
                    day=day,
                    part=(part or 0) + number + 1,
                    letters=len(chunk),
                    sheets=sheets_for(COVER_PAGES + sum(pages[i] for i in chunk)),
                    created_at=now,
                    updated_at=now,
                )
                session.add(mailing)
                session.flush()
                session.execute(
                    update(Delivery)
                    .where(Delivery.id.in_(chunk))
                    .values(mailing_id=mailing.id, updated_at=now)
                    .execution_options(synchronize_session=False)
                )
        return len(over)

    def send(self, session: Session, mailing: Mailing, report: MailingReport) -> bool:
        """Send one envelope and record how it went; whether the service was found down."""
        member_ids = list(
            session.scalars(
                select(Delivery.id).where(Delivery.mailing_id == mailing.id).order_by(Delivery.id)
            )
        )
        members = [r for r in load(session, Delivery, member_ids) if isinstance(r, Delivery)]
        first = members[0] if members else None
        office = parse_us_address(first.recipient_name, first.recipient_address) if first else None
        if office is None:
            why = (
                "no letter left to print"
                if first is None
                else "the office address cannot be printed"
            )
            return self._failed(session, mailing, SendError(why, permanent=True), report)
        sender = self.postal.client.settings.sender
        try:
            html = batch_html(members, office, sender, mailing.day)
        except SealingError:  # a letter no longer opens: it leaves, the envelope goes
            members = readable_members(session, mailing, members, self.clock(), self.policy)
            if not members:
                empty = SendError("no letter left to print", permanent=True)
                return self._failed(session, mailing, empty, report)
            html = batch_html(members, office, sender, mailing.day)
        sheets = sheets_for(page_count(html))
        client = self.postal.client
        lease = client.time_limit + self.lease_margin
        # Read before the lease's commit expires the envelope: read after it, it would begin a
        # transaction left open across the call, which may take the service's time limit.
        key = mailing.idempotency_key
        if not hold_for_send(session, mailing, self.holder, self.clock(), lease):
            return False  # another worker took the envelope over: theirs to send
        result = client.create_letter(office, html, key, f"civic-letters mailing {key}")
        if result.ok and result.detail:
            record_mailing_sent(session, mailing, self.holder, self.clock(), result.detail, sheets)
            self.faults.ok(Channel.POST)
            report.sent += len(members)
            return False
        return self._failed(session, mailing, postal_error(result), report)

    def _failed(
        self, session: Session, mailing: Mailing, exc: SendError, report: MailingReport
    ) -> bool:
        args = (self.holder, self.clock(), self.policy, self.faults)
        outcome, down = record_mailing_failed(session, mailing, exc, *args)
        if outcome is not None:
            report.waiting += down  # the service's fault: no attempt used
            report.failed += not down
        return down
