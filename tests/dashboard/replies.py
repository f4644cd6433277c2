"""Survey answers as database rows: one letter per answer, each to one office, answered."""

from __future__ import annotations

from collections.abc import Sequence

from flask import Flask
from sqlalchemy import select

from tests.dashboard.letters import Letter, Office, add_letters
from webapp.database import db, utcnow, write_transaction
from webapp.models import Delivery, DeliveryStatus, OfficeReply, ReplyAnswer, ReplySurvey


def add_answers(
    app: Flask,
    slug: str,
    key: str,
    name: str,
    answers: Sequence[ReplyAnswer | None],
    private: bool = False,
    prefix: str = "",
) -> None:
    """One sent letter to office `key` per answer (None: asked, not answered yet)."""
    office = Office(key, name, DeliveryStatus.SENT)
    tag = prefix or key.replace(":", "-")
    letters = [
        Letter(f"{tag}-{n}@example.org", offices=(office,), private=private)
        for n in range(len(answers))
    ]
    ids = add_letters(app, slug, letters)
    now = utcnow()
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            for submission_id, answer in zip(ids, answers, strict=True):
                delivery = session.scalars(
                    select(Delivery).where(Delivery.submission_id == submission_id)
                ).one()
                survey = ReplySurvey(
                    submission_id=submission_id, campaign_id=delivery.campaign_id, invited_at=now
                )
                survey.offices.append(
                    OfficeReply(
                        delivery_id=delivery.id,
                        campaign_id=delivery.campaign_id,
                        recipient_key=key,
                        asked_at=now,
                        answer=answer,
                        answered_at=now if answer else None,
                    )
                )
                session.add(survey)
