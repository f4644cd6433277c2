"""The "did they reply?" survey: queue its email and one reminder, record and change answers."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session, selectinload

from webapp.database import write_transaction
from webapp.models import (
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationKind,
    OfficeReply,
    ReplyAnswer,
    ReplySurvey,
    Submission,
    SubmissionStatus,
    Supporter,
)

# An office has the letter once it was sent or accepted by a system, or marked sent by the
# supporter (a hand-off); the letters organisers hand over are marked sent too.
DELIVERED = (DeliveryStatus.SENT, DeliveryStatus.ACCEPTED, DeliveryStatus.DONE_BY_SUPPORTER)
SURVEY_KINDS = (NotificationKind.REPLY_SURVEY, NotificationKind.REPLY_REMINDER)
_BATCH = 500
# A survey more than this late is not sent: letters delivered before an upgrade (or while the
# worker was stopped for weeks) are not asked about months on, and each run reads only recent
# deliveries.
LATEST = timedelta(days=14)


@dataclass(frozen=True)
class SurveyRound:
    invited: int = 0  # survey emails queued
    reminded: int = 0  # reminders queued
    offices_added: int = 0  # offices added to a survey already sent (shown on its page)


def _delivered_at() -> ColumnElement[datetime]:
    return func.coalesce(Delivery.done_at, Delivery.sent_at)


def _contactable() -> ColumnElement[bool]:
    """The letter is confirmed and its writer has not asked us to stop writing to them."""
    return exists().where(
        Supporter.id == Submission.supporter_id,
        Supporter.no_contact_at.is_(None),
        Submission.status == SubmissionStatus.CONFIRMED,
    )


def queue_reply_surveys(
    session: Session, now: datetime, days: int, reminder_days: int
) -> SurveyRound:
    """Queue the survey emails and reminders due at `now` (idempotent: run it as often as you like).

    A letter's survey email goes `days` after its first office got the letter and lists every
    office that had it by then; offices reached later join the survey page (and the reminder,
    if it has not gone). A survey more than LATEST overdue is never sent. One reminder goes
    `reminder_days` after the email when no office was answered. Erased supporters have no
    rows left; those who unsubscribed are skipped.
    """
    if days <= 0:
        return SurveyRound()
    try:
        invited, added = _queue_invitations(session, now, days)
    except IntegrityError:  # another worker queued the same surveys first: theirs stand
        invited = added = 0
    reminded = _queue_reminders(session, now, reminder_days) if reminder_days > 0 else 0
    return SurveyRound(invited, reminded, added)


def _queue_invitations(session: Session, now: datetime, days: int) -> tuple[int, int]:
    with write_transaction(session):
        rows = session.execute(
            select(
                Delivery.submission_id, Delivery.id, Submission.campaign_id, Delivery.recipient_key
            )
            .join(Submission, Submission.id == Delivery.submission_id)
            .where(
                Delivery.status.in_(DELIVERED),
                _delivered_at() <= now - timedelta(days=days),
                _delivered_at() > now - timedelta(days=days) - LATEST,
                _contactable(),
                ~exists().where(OfficeReply.delivery_id == Delivery.id),
            )
            .order_by(Delivery.submission_id, Delivery.id)
            .limit(_BATCH)
        ).all()
        due: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for submission_id, delivery_id, campaign_id, key in rows:
            due[submission_id].append((delivery_id, campaign_id, key))
        if len(rows) == _BATCH and len(due) > 1:
            # The batch may have cut the last letter's offices short: it goes whole next time.
            due.pop(rows[-1][0])
        surveys = {
            s.submission_id: s
            for s in session.scalars(
                select(ReplySurvey).where(ReplySurvey.submission_id.in_(list(due)))
            )
        }
        invited = added = 0
        for submission_id, offices in due.items():
            survey = surveys.get(submission_id)
            if survey is None:
                survey = ReplySurvey(
                    submission_id=submission_id,
                    campaign_id=offices[0][1],
                    invited_at=now,
                    created_at=now,
                )
                session.add(survey)
                session.add(_email(submission_id, NotificationKind.REPLY_SURVEY, now))
                invited += 1
            else:
                added += len(offices)
            for delivery_id, campaign_id, key in offices:
                survey.offices.append(
                    OfficeReply(
                        delivery_id=delivery_id,
                        campaign_id=campaign_id,
                        recipient_key=key,
                        asked_at=now,
                    )
                )
    return invited, added


def _queue_reminders(session: Session, now: datetime, reminder_days: int) -> int:
    with write_transaction(session):
        surveys = list(
            session.scalars(
                select(ReplySurvey)
                .join(Submission, Submission.id == ReplySurvey.submission_id)
                .where(
                    ReplySurvey.reminded_at.is_(None),
                    ReplySurvey.invited_at <= now - timedelta(days=reminder_days),
                    _contactable(),
                    ~exists().where(
                        OfficeReply.survey_id == ReplySurvey.id, OfficeReply.answer.is_not(None)
                    ),
                    # Every office taken back by its writer ("I have not sent it yet"): no ask.
                    exists().where(OfficeReply.survey_id == ReplySurvey.id),
                )
                .order_by(ReplySurvey.id)
                .limit(_BATCH)
                # Two workers on PostgreSQL: each survey is reminded by one of them only.
                .with_for_update(skip_locked=True, of=ReplySurvey)
            )
        )
        for survey in surveys:
            survey.reminded_at = now
            session.add(_email(survey.submission_id, NotificationKind.REPLY_REMINDER, now))
    return len(surveys)


def _email(submission_id: int, kind: NotificationKind, now: datetime) -> Notification:
    return Notification(submission_id=submission_id, kind=kind, created_at=now, updated_at=now)


def survey_for(session: Session, submission: Submission) -> ReplySurvey | None:
    """The letter's survey with its offices (None before its email was queued)."""
    return session.scalar(
        select(ReplySurvey)
        .where(ReplySurvey.submission_id == submission.id)
        .options(selectinload(ReplySurvey.offices).selectinload(OfficeReply.delivery))
    )


def still_wanted(notification: Notification) -> bool:
    """Whether a queued survey email should still go when its turn comes.

    The supporter may have unsubscribed, answered before the reminder left the outbox, or taken
    back "I have sent it" for every office it asks about.
    """
    submission = notification.submission
    if submission is None or submission.supporter.no_contact_at is not None:
        return False
    session = object_session(notification)
    if session is None:
        return True
    asked = (
        select(func.count())
        .select_from(OfficeReply)
        .join(ReplySurvey, ReplySurvey.id == OfficeReply.survey_id)
        .where(ReplySurvey.submission_id == submission.id)
    )
    if not session.scalar(asked):  # its writer took back "I have sent it" for every office
        return False
    if notification.kind is not NotificationKind.REPLY_REMINDER:
        return True
    return not session.scalar(asked.where(OfficeReply.answer.is_not(None)))


def record_answers(
    session: Session,
    submission: Submission,
    answers: dict[int, ReplyAnswer],
    now: datetime,
) -> int:
    """Record (or change) the answer for each of the letter's surveyed offices, by delivery id.

    Offices not in this letter's survey are ignored. Returns how many answers were recorded.
    """
    recorded = 0
    with write_transaction(session):
        rows = session.scalars(
            select(OfficeReply)
            .join(ReplySurvey, ReplySurvey.id == OfficeReply.survey_id)
            .where(
                ReplySurvey.submission_id == submission.id,
                OfficeReply.delivery_id.in_(list(answers)),
            )
        )
        for row in rows:
            row.answer = answers[row.delivery_id]
            row.answered_at = now
            recorded += 1
    return recorded


def stop_contact(session: Session, supporter: Supporter, now: datetime) -> None:
    """No more follow-up emails to this supporter; any queued and not yet sent are cancelled."""
    with write_transaction(session):
        if supporter.no_contact_at is None:
            supporter.no_contact_at = now
        mine = select(Submission.id).where(Submission.supporter_id == supporter.id)
        for row in session.scalars(
            select(Notification).where(
                Notification.submission_id.in_(mine),
                Notification.kind.in_(SURVEY_KINDS),
                Notification.status.in_((DeliveryStatus.PENDING, DeliveryStatus.FAILED)),
            )
        ):
            row.status = DeliveryStatus.CANCELLED
            row.updated_at = now
