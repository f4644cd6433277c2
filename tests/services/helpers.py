"""Recording letters straight through the service, for tests of what gets written."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.letters.test_compose import SIGNER as COMPOSE_SIGNER
from webapp.database import db
from webapp.letters.compose import Signer, compose_letters, fixed_recipients
from webapp.models import Campaign, Channel
from webapp.services.submissions import LetterRequest, record_submission

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
SIGNER = COMPOSE_SIGNER


def email_channel(_recipient: Any, _signer: Any) -> Channel:
    return Channel.EMAIL


def record_letter(
    app: Flask, slug: str, signer: Signer = SIGNER, now: datetime = NOW, **request: Any
) -> tuple[bool, int]:
    """Record `signer`'s letter to the campaign `slug` at `now`: (created, submission id)."""
    with app.app_context():
        session = db.session()
        campaign = session.scalars(select(Campaign).where(Campaign.slug == slug)).one()
        letters = compose_letters(campaign, signer, fixed_recipients(campaign), None, None)
        request = {"personal_message": None, "edited_body": None, **request}
        letter = LetterRequest(signer=signer, **request)
        result = record_submission(session, campaign, letter, letters, now, email_channel)
        return result.created, result.submission.id
