"""A supporter takes back "I have sent it": the letter waits for them again, asked about nowhere."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, delete, exists, select, update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.models import Channel, Delivery, DeliveryStatus, OfficeReply, ReplySurvey, Submission


def unmark_done_by_supporter(session: Session, delivery: Delivery, now: datetime) -> bool:
    """The supporter had not sent it after all (a mistaken tap on "I have sent it"): the letter
    waits for them again, as it did before. A hand-off we never tried to send (the office's
    own form) needs their action again; a letter our attempts had failed to deliver is
    undelivered again, for them to send or the organisers to retry. One conditional UPDATE,
    as the marking was, deciding from the row as it stands.

    Not once retention took the letter's own words: what is left is offered to no one (its
    receipt says so), so the office would wait for the writer for good. A reply survey stops
    asking about the office, which never got the letter.
    """
    handoff = and_(Delivery.channel == Channel.FORM, Delivery.attempts == 0)
    kept_whole = select(Submission.id).where(Submission.purged_at.is_(None))
    with write_transaction(session):
        undone = session.execute(
            update(Delivery)
            .where(
                Delivery.id == delivery.id,
                Delivery.status == DeliveryStatus.DONE_BY_SUPPORTER,
                Delivery.submission_id.in_(kept_whole),
            )
            .values(
                status=case((handoff, DeliveryStatus.NEEDS_ACTION), else_=DeliveryStatus.DEAD),
                done_at=None,
                updated_at=now,
            )
        )
        taken_back = int(getattr(undone, "rowcount", 0) or 0) == 1
        if taken_back:
            session.execute(delete(OfficeReply).where(OfficeReply.delivery_id == delivery.id))
            # A survey left with no office would open an empty form; sent again, the letter
            # gets a survey (and its invitation) afresh.
            session.execute(
                delete(ReplySurvey).where(
                    ReplySurvey.submission_id == delivery.submission_id,
                    ~exists().where(OfficeReply.survey_id == ReplySurvey.id),
                )
            )
    session.expire(delivery)
    return taken_back
