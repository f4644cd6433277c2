"""Letters built as database rows, with partner attribution and consents, for dashboard tests."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.dashboard.helpers import campaign_in, partners_in
from webapp.database import db, utcnow, write_transaction
from webapp.models import (
    Channel,
    Consent,
    Delivery,
    DeliveryStatus,
    LetterText,
    Submission,
    SubmissionStatus,
    Supporter,
)
from webapp.services.submissions import email_key

STATEMENT = "The organisations' statement, as sent.\n"


@dataclass(frozen=True)
class Office:
    """One delivery of a letter: the office it goes to and the status it has reached."""

    key: str
    name: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    chamber: str | None = None
    state: str | None = None
    district: str | None = None
    office: str | None = None  # as the letter addresses it ("United States Senate")


PRESIDENT = Office("target:president", "The President of the United States")
# A member who has left office: their letters wait for the changeover.
LEFT = Office(
    "member:X000001",
    "Rep. Gone",
    DeliveryStatus.HELD,
    chamber="us_house",
    state="MI",
    district="12",
)


@dataclass
class Letter:
    """A submission as the supporter form would record it, with the fields tests vary."""

    email: str
    state: str | None = "MI"
    district: int | None = 12
    created_at: datetime | None = None
    partner: str | None = None
    source: str | None = None
    personal_message: str | None = None
    edited_body: str | None = None
    status: SubmissionStatus = SubmissionStatus.CONFIRMED
    first_name: str = "Rasha"
    last_name: str = "Haddad"
    # The name as written in another script, beside the Latin one offices receive.
    native_first_name: str | None = None
    native_last_name: str | None = None
    language: str = "en"
    street: str | None = "100 Main St"
    city: str = "Dearborn"
    zip_code: str | None = "48126"
    country: str = "US"
    private: bool = False
    held: bool = False  # held by the risk checks (released if confirmed, declined if declined)
    risk_reasons: tuple[str, ...] = ()  # as the risk checks store them, in English
    offices: tuple[Office, ...] = (PRESIDENT,)
    consents: tuple[str | None, ...] = ()  # partner codes (None: the campaign's own box)


def _statement(session: Session) -> LetterText:
    digest = hashlib.sha256(STATEMENT.encode()).hexdigest()
    found = session.scalar(select(LetterText).where(LetterText.sha256 == digest))
    if found is None:
        found = LetterText(sha256=digest, body=STATEMENT)
        session.add(found)
        session.flush()
    return found


def add_letters(app: Flask, slug: str, letters: list[Letter]) -> list[int]:
    """Insert the letters (supporter, submission, deliveries, consents); returns submission ids."""
    ids: list[int] = []
    with app.app_context():
        session = db.session()
        cid = campaign_in(session, slug)
        partners = partners_in(session, cid)
        with write_transaction(session):
            statement = _statement(session)
            for letter in letters:
                ids.append(_add_letter(session, cid, statement, partners, letter))
    return ids


def _add_letter(
    session: Session,
    cid: int,
    statement: LetterText,
    partners: dict[str, int],
    letter: Letter,
) -> int:
    when = letter.created_at or utcnow()
    supporter = Supporter(
        email_key=email_key(letter.email),
        email=letter.email,
        first_name=letter.first_name,
        last_name=letter.last_name,
        created_at=when,
        updated_at=when,
    )
    districts: dict[str, object] = {"state": letter.state} if letter.state else {}
    if letter.district is not None:
        districts["cd"] = letter.district
    submission = Submission(
        campaign_id=cid,
        supporter=supporter,
        partner_id=partners[letter.partner] if letter.partner else None,
        source=letter.source,
        status=letter.status,
        subject="Five steps",
        statement=statement,
        personal_message=letter.personal_message,
        edited_body=letter.edited_body,
        closing="Sincerely,",
        first_name=letter.first_name,
        last_name=letter.last_name,
        native_first_name=letter.native_first_name,
        native_last_name=letter.native_last_name,
        language=letter.language,
        street=letter.street,
        city=letter.city,
        state=letter.state,
        zip_code=letter.zip_code,
        country=letter.country,
        private=letter.private,
        held=letter.held,
        risk_reasons=list(letter.risk_reasons),
        districts=districts,
        created_at=when,
        confirmed_at=when if letter.status is SubmissionStatus.CONFIRMED else None,
    )
    session.add(submission)
    for office in letter.offices:
        submission.deliveries.append(
            Delivery(
                campaign_id=cid,
                recipient_key=office.key,
                recipient_name=office.name,
                recipient_chamber=office.chamber,
                recipient_state=office.state,
                recipient_district=office.district,
                recipient_office=office.office,
                channel=Channel.FORM,
                status=office.status,
                salutation=f"Dear {office.name},",
                idempotency_key=uuid.uuid4().hex,
                created_at=when,
                updated_at=when,
            )
        )
    session.flush()
    for code in letter.consents:
        session.add(
            Consent(
                supporter_id=supporter.id,
                campaign_id=cid,
                partner_id=partners[code] if code else None,
                submission_id=submission.id,
                wording=f"Keep me informed ({code or 'campaign'})",
                granted_at=when,
            )
        )
    return submission.id


def add_held_letter(app: Flask, slug: str, reasons: tuple[str, ...], **fields: Any) -> int:
    """One letter the risk checks held for its writer's confirmation, with their `reasons`."""
    held = Letter(
        "held@example.org",
        status=SubmissionStatus.UNCONFIRMED,
        held=True,
        risk_reasons=reasons,
        **fields,
    )
    (letter,) = add_letters(app, slug, [held])
    return letter


def submission_id(app: Flask, email: str) -> int:
    """The id of the letter an email address wrote (one campaign per test)."""
    with app.app_context():
        found = db.session.scalar(
            select(Submission.id)
            .join(Supporter, Supporter.id == Submission.supporter_id)
            .where(Supporter.email_key == email_key(email))
        )
        assert found is not None, email
        return found


def attribute_to_partner(app: Flask, submission: int, code: str | None) -> None:
    """Set Submission.partner_id as the widget will (the form cannot attribute letters yet)."""
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            row = session.get(Submission, submission)
            assert row is not None
            row.partner_id = partners_in(session, row.campaign_id)[code] if code else None


def add_partner_consent(app: Flask, submission: int, code: str) -> None:
    """Record that a letter's supporter ticked a partner's box (the widget will offer it)."""
    with app.app_context():
        session = db.session()
        with write_transaction(session):
            row = session.get(Submission, submission)
            assert row is not None
            session.add(
                Consent(
                    supporter_id=row.supporter_id,
                    campaign_id=row.campaign_id,
                    partner_id=partners_in(session, row.campaign_id)[code],
                    submission_id=row.id,
                    wording=f"Keep me informed ({code})",
                    granted_at=row.created_at,
                )
            )
