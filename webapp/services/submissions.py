"""Recording a letter: Supporter, Submission and one Delivery per office, in one transaction."""

from __future__ import annotations

import hashlib
import secrets
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
    find_writer,
    insert_many,
    insert_one,
    store_texts,
    upsert_supporter,
)
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
    partner_code: str | None = None
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
        # Random, not a digest: a hash of a known letter with a name in it would confirm a guess.
        owned = LetterText(sha256=secrets.token_hex(32), body=body, owner=supporter)
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
    # What needs no row is worked out before the write transaction: SQLite writers queue for
    # its lock one at a time, so each moment it is held caps the letters per second.
    email = request.signer.email
    email_keys, new_key = keyring().email_keys(email), email_key(email)
    supporter = supporter_fields(request, now)
    texts, places = letter_texts(campaign, request, letters)
    code = request.partner_code
    # The form has loaded the campaign's partners (a query here only if it has not).
    partner_id = next((p.id for p in campaign.partners if code and p.code == code), None)
    fields = {**submission_fields(campaign, request, letters[0], now), "partner_id": partner_id}
    confirmed = fields["status"] is SubmissionStatus.CONFIRMED
    offices = [
        delivery_fields(
            campaign.id, letter, choose(letter.recipient, request.signer), confirmed, now
        )
        for letter in letters
    ]
    kind = NotificationKind.RECEIPT if confirmed else NotificationKind.CONFIRMATION
    # Rows go in through Core statements, so nothing loaded before needs reloading after.
    with write_transaction(session, keep_loaded=True):
        found = find_writer(session, campaign.id, email_keys)
        if found is not None and found.letter is not None:
            submission_id, token = found.letter
            return RecordResult(session, submission_id, created=False, receipt_token=token)
        supporter_id, cipher = upsert_supporter(session, found, new_key, supporter)
        text_ids = store_texts(session, texts, supporter_id, cipher)
        submission_id = insert_one(
            session,
            Submission,
            cipher,
            {**fields, "supporter_id": supporter_id, "statement_id": text_ids[0]},
        )
        deliveries = [
            {
                **office,
                "submission_id": submission_id,
                "body_id": None if body is None else text_ids[body],
                "cover_id": None if cover is None else text_ids[cover],
            }
            for office, (body, cover) in zip(offices, places, strict=True)
        ]
        insert_many(session, Delivery, cipher, deliveries)
        insert_many(
            session,
            Notification,
            cipher,
            [{"submission_id": submission_id, "kind": kind, "created_at": now, "updated_at": now}],
        )
        insert_many(
            session,
            ParagraphBand,
            cipher,
            [
                {"campaign_id": campaign.id, "submission_id": submission_id, "band": band}
                for band in request.paragraph_bands
            ],
        )
        insert_many(
            session,
            Consent,
            cipher,
            [
                {
                    "supporter_id": supporter_id,
                    "campaign_id": campaign.id,
                    "partner_id": partner_id_,
                    "submission_id": submission_id,
                    "wording": wording,
                    "granted_at": now,
                }
                for partner_id_, wording in request.consents
            ],
        )
    return RecordResult(
        session,
        submission_id,
        created=True,
        receipt_token=fields["receipt_token"],
        letter=recorded_letter(fields, offices),
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
