"""Recording a letter: Supporter, Submission and one Delivery per office, in one transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from webapp.antiabuse.risk import Risk
from webapp.civic.types import Provenance
from webapp.database import write_transaction
from webapp.letters.compose import ComposedLetter, Recipient, Signer
from webapp.models import (
    Campaign,
    Channel,
    Consent,
    Delivery,
    LetterText,
    Notification,
    NotificationKind,
    ParagraphBand,
    Submission,
    SubmissionStatus,
    Supporter,
)
from webapp.models.letter_text import owned_text_name
from webapp.sealing import keyring
from webapp.services.letter_fields import (
    delivery_fields,
    letter_texts,
    owned_text,
    submission_fields,
    supporter_fields,
)
from webapp.services.letter_rows import (
    WriterRace,
    by_column,
    find_writer,
    insert_many,
    insert_one,
    plan_texts,
    sealed_row,
    supporter_row,
    write_supporter,
    write_texts,
)
from webapp.services.partner_codes import written_code
from webapp.services.recorded import RecordedLetter, recorded_letter

_ATTEMPTS = 3


def email_key(email: str) -> str:
    """How an address is recognised: a keyed hash of it trimmed and case-folded (never kept)."""
    return keyring().email_key(email)


def same_email(email: str) -> ColumnElement[bool]:
    """Matches the supporter with this address (under the previous master key too, mid-rotation)."""
    return Supporter.email_key.in_(keyring().email_keys(email))


ChannelChooser = Callable[[Recipient, Signer], Channel]


@dataclass(frozen=True)
class LetterRequest:
    signer: Signer
    personal_message: str | None
    edited_body: str | None
    personal_english: str | None = None
    include_original: bool = False
    consents: Sequence[tuple[int | None, str]] = ()  # (partner id or None, wording shown)
    partner_code: str | None = None  # a partner's, or as written when it names none
    source: str | None = None
    language: str = "en"
    ip_hash: str | None = None
    provenance: Provenance = field(default_factory=Provenance)
    subnet_hash: str | None = None
    personal_hash: str | None = None
    paragraph_bands: tuple[str, ...] = ()
    prompt_variant: str | None = None
    private: bool = False
    response_requested: bool = False
    risk: Risk = field(default_factory=Risk)


@dataclass(frozen=True)
class RecordResult:
    """A letter recorded, or found already recorded; its Submission is loaded when first read.

    `letter` is what the thank-you page shows of a letter just recorded (None for a repeat).
    """

    session: Session = field(repr=False, compare=False)
    submission_id: int
    created: bool
    receipt_token: str
    letter: RecordedLetter | None = None

    @cached_property
    def submission(self) -> Submission:
        return self.session.get_one(
            Submission, self.submission_id, options=[joinedload(Submission.supporter)]
        )


def letter_by_receipt(session: Session, token: str) -> Submission | None:
    """The letter whose receipt token this is (a receipt, confirmation or survey link's key)."""
    return session.scalar(select(Submission).where(Submission.receipt_token == token))


def find_submission(session: Session, campaign: Campaign, email: str) -> Submission | None:
    return session.scalar(
        select(Submission)
        .join(Supporter, Submission.supporter_id == Supporter.id)
        .where(Submission.campaign_id == campaign.id, same_email(email))
    )


def letter_text(session: Session, body: str, supporter: Supporter, signer: Signer) -> LetterText:
    """The stored text, shared with every letter that has the same; or, when merge fields put
    the supporter's name or ZIP into it, theirs alone and sealed under their key.
    """
    if owned_text(body, signer):
        owned = LetterText(sha256=owned_text_name(), body=body, owner=supporter)
        session.add(owned)
        return owned
    digest = hashlib.sha256(body.encode()).hexdigest()
    # This letter's other offices may have added the same text a moment ago, not yet written.
    pending = (o for o in session.new if isinstance(o, LetterText) and o.sha256 == digest)
    existing = next(pending, None)
    if existing is not None:
        return existing
    # Without autoflush: each lookup would otherwise write the half-built letter's rows one
    # office at a time (a flush per office); the transaction's last flush writes them together.
    with session.no_autoflush:
        existing = session.scalar(select(LetterText).where(LetterText.sha256 == digest))
    if existing is not None:
        return existing
    text = LetterText(sha256=digest, body=body)
    session.add(text)
    return text


def new_delivery(
    session: Session,
    campaign_id: int,
    letter: ComposedLetter,
    channel: Channel,
    confirmed: bool,
    own_body: str,
    writer: tuple[Supporter, Signer],
    now: datetime,
) -> Delivery:
    """The outbox row for one office's letter; its body is stored only where it differs.

    `writer` (the supporter row and how they sign) decides whether a text merged with their
    name is theirs alone (sealed, erased with them).
    """
    return Delivery(
        **delivery_fields(campaign_id, letter, channel, confirmed, now),
        body=None if letter.body == own_body else letter_text(session, letter.body, *writer),
        cover=letter_text(session, letter.cover, *writer) if letter.cover else None,
    )


def _record_once(
    session: Session,
    campaign: Campaign,
    request: LetterRequest,
    letters: Sequence[ComposedLetter],
    now: datetime,
    choose: ChannelChooser,
) -> RecordResult:
    # Everything but the writes is done before the write transaction: the repeat check, the
    # shared texts' lookup, the sealing. SQLite writers queue for its lock one at a time, so
    # each moment it is held caps the letters per second. Whatever changes in between (a
    # supporter or text written, or erased, by another transaction) fails a statement below
    # on a unique key or a key check, and the retry looks again.
    email = request.signer.email
    found = find_writer(session, campaign.id, keyring().email_keys(email))
    if found is not None and found.letter is not None:
        submission_id, token = found.letter
        return RecordResult(session, submission_id, created=False, receipt_token=token)
    supporter, cipher = supporter_row(found, email_key(email), supporter_fields(request, now))
    texts, places = letter_texts(campaign, request, letters)
    planned_texts = plan_texts(session, texts, cipher)
    code = request.partner_code
    # The form has loaded the campaign's partners (a query here only if it has not).
    partner_id = next((p.id for p in campaign.partners if code and p.code == code), None)
    # A code that names no partner is kept as written, for the organisers to see.
    unknown = written_code(code) if partner_id is None else None
    fields = {
        **submission_fields(campaign, request, letters[0], now),
        "partner_id": partner_id,
        "unknown_partner_code": unknown,
    }
    confirmed = fields["status"] is SubmissionStatus.CONFIRMED
    offices = [
        delivery_fields(
            campaign.id, letter, choose(letter.recipient, request.signer), confirmed, now
        )
        for letter in letters
    ]
    submission = sealed_row(Submission, cipher, fields)
    deliveries = [sealed_row(Delivery, cipher, office) for office in offices]
    kind = NotificationKind.RECEIPT if confirmed else NotificationKind.CONFIRMATION
    notification = by_column(Notification, {"kind": kind, "created_at": now, "updated_at": now})
    bands = [
        by_column(ParagraphBand, {"campaign_id": campaign.id, "band": band})
        for band in request.paragraph_bands
    ]
    consents = [
        by_column(
            Consent,
            {
                "campaign_id": campaign.id,
                "partner_id": partner_id_,
                "wording": wording,
                "granted_at": now,
            },
        )
        for partner_id_, wording in request.consents
    ]
    # Rows go in as driver SQL, so nothing loaded before needs reloading after. Since the
    # last commit this request has only read (the civic cache commits its own writes).
    with write_transaction(session, keep_loaded=True, after_reads=True):
        supporter_id = write_supporter(session, found, supporter)
        text_ids = write_texts(session, planned_texts, supporter_id)
        submission_id = insert_one(
            session,
            Submission,
            {**submission, "supporter_id": supporter_id, "statement_id": text_ids[0]},
        )
        insert_many(
            session,
            Delivery,
            [
                {
                    **row,
                    "submission_id": submission_id,
                    "body_id": None if body is None else text_ids[body],
                    "cover_id": None if cover is None else text_ids[cover],
                }
                for row, (body, cover) in zip(deliveries, places, strict=True)
            ],
        )
        insert_many(session, Notification, [{**notification, "submission_id": submission_id}])
        insert_many(
            session, ParagraphBand, [{**band, "submission_id": submission_id} for band in bands]
        )
        insert_many(
            session,
            Consent,
            [
                {**consent, "supporter_id": supporter_id, "submission_id": submission_id}
                for consent in consents
            ],
        )
    return RecordResult(
        session,
        submission_id,
        created=True,
        receipt_token=fields["receipt_token"],
        letter=recorded_letter(fields, offices, email),
    )


def record_submission(
    session: Session,
    campaign: Campaign,
    request: LetterRequest,
    letters: Sequence[ComposedLetter],
    now: datetime,
    choose: ChannelChooser,
) -> RecordResult:
    """Record the letter once per (campaign, email); a repeat returns the existing submission.

    Deliveries (the outbox) and the supporter's receipt or confirmation email are written in
    the same transaction, so nothing recorded can miss its delivery.

    Concurrent first letters from one address race on the unique email key (PostgreSQL); the
    loser retries and then finds the winner's row.
    """
    if not letters:
        raise ValueError("a submission needs at least one recipient")
    for attempt in range(_ATTEMPTS):
        try:
            return _record_once(session, campaign, request, letters, now, choose)
        except (IntegrityError, WriterRace):
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
