"""Recording a letter: Supporter, Submission and one Delivery per office, in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from webapp.antiabuse.risk import Risk
from webapp.civic.types import Provenance
from webapp.database import write_transaction
from webapp.delivery.channels import initial_status
from webapp.letters.compose import ComposedLetter, Recipient, Signer, merge_values
from webapp.letters.merge import render
from webapp.letters.own_words import own_chars
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
from webapp.services.letter_rows import (
    WriterRace,
    find_writer,
    insert_many,
    insert_one,
    store_texts,
    upsert_supporter,
)

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
    """A letter recorded, or found already recorded; its Submission is loaded when first read."""

    session: Session = field(repr=False, compare=False)
    submission_id: int
    created: bool

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


def owned_text(body: str, signer: Signer) -> bool:
    """Whether merge fields put the signer's name or ZIP into this text (then it is theirs)."""
    folded = body.casefold()
    return any(v and v.casefold() in folded for v in (signer.first_name, signer.last_name)) or bool(
        signer.zip_code and signer.zip_code in body
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


def delivery_fields(
    campaign_id: int, letter: ComposedLetter, channel: Channel, confirmed: bool, now: datetime
) -> dict[str, Any]:
    """A Delivery's own columns for one office's letter (without its texts)."""
    r = letter.recipient
    return {
        "campaign_id": campaign_id,
        "target_id": r.target_id,
        "recipient_key": r.key,
        "recipient_chamber": r.chamber,
        "recipient_state": r.state,
        "recipient_district": r.district,
        "channel": channel,
        "status": initial_status(channel, confirmed),
        "recipient_name": r.name,
        "recipient_office": r.office,
        "recipient_address": r.address,
        "contact_url": r.contact_url,
        "email": r.email,
        "salutation": letter.salutation,
        "created_at": now,
        "updated_at": now,
    }


def _supporter_fields(request: LetterRequest, now: datetime) -> dict[str, Any]:
    signer = request.signer
    return {
        "email": signer.email,
        "first_name": signer.first_name,
        "last_name": signer.last_name,
        "street": signer.street,
        "city": signer.city,
        "state": signer.state,
        "zip_code": signer.zip_code,
        "country": signer.country,
        "language": request.language,
        "created_at": now,
        "updated_at": now,
    }


def _submission_fields(
    campaign: Campaign, request: LetterRequest, first: ComposedLetter, now: datetime
) -> dict[str, Any]:
    """The Submission's columns (by attribute) apart from its supporter, statement and partner."""
    signer, provenance, risk = request.signer, request.provenance, request.risk
    waits = campaign.require_confirmation or risk.held
    return {
        "campaign_id": campaign.id,
        "source": request.source,
        "status": SubmissionStatus.UNCONFIRMED if waits else SubmissionStatus.CONFIRMED,
        "held": risk.held,
        "risk_score": risk.score,
        "risk_reasons": list(risk.reasons),
        "flagged": risk.flag_for_review,
        "private": request.private,
        "response_requested": request.response_requested,
        "subnet_hash": request.subnet_hash,
        "personal_hash": request.personal_hash,
        "prompt_variant": request.prompt_variant,
        "own_words_chars": own_chars(request.personal_message),
        "subject": first.subject,
        "personal_message": request.personal_message,
        "personal_english": request.personal_english,
        "include_original": request.include_original,
        "edited_body": request.edited_body,
        "closing": first.closing,
        "prefix": signer.prefix,
        "first_name": signer.first_name,
        "last_name": signer.last_name,
        "native_first_name": signer.native_first_name,
        "native_last_name": signer.native_last_name,
        "street": signer.street,
        "city": signer.city,
        "state": signer.state,
        "zip_code": signer.zip_code,
        "country": signer.country,
        "residence": signer.residence,
        "voting_city": signer.voting_city,
        "lookup_provider": provenance.provider,
        "lookup_match": provenance.match,
        "districts": dict(provenance.districts),
        "dataset_date": provenance.dataset_date,
        "congress": provenance.congress,
        "ip_hash": request.ip_hash,
        "language": request.language,
        "created_at": now,
        "confirmed_at": None if waits else now,
    }


def _texts(
    campaign: Campaign, request: LetterRequest, letters: Sequence[ComposedLetter]
) -> tuple[list[tuple[str, bool]], list[tuple[int | None, int | None]]]:
    """The letter's texts as (body, owned), the statement first; and per office the positions
    of its body (None: the submission's own) and cover among them."""
    signer = request.signer
    # The organisation's statement as this supporter's letter carries it (merge fields filled).
    statement = render(campaign.body, merge_values(campaign, signer, letters[0].recipient))
    own_body = request.edited_body if request.edited_body is not None else statement
    texts = [(statement, owned_text(statement, signer))]
    places: list[tuple[int | None, int | None]] = []
    for letter in letters:
        body = cover = None
        if letter.body != own_body:
            body = len(texts)
            texts.append((letter.body, owned_text(letter.body, signer)))
        if letter.cover:
            cover = len(texts)
            texts.append((letter.cover, owned_text(letter.cover, signer)))
        places.append((body, cover))
    return texts, places


def _record_once(
    session: Session,
    campaign: Campaign,
    request: LetterRequest,
    letters: Sequence[ComposedLetter],
    now: datetime,
    choose: ChannelChooser,
) -> RecordResult:
    # Rows go in through Core statements, so nothing loaded before needs reloading after.
    with write_transaction(session, keep_loaded=True):
        email = request.signer.email
        found = find_writer(session, campaign.id, keyring().email_keys(email))
        if found is not None and found.submission_id is not None:
            return RecordResult(session, found.submission_id, created=False)
        supporter_id, cipher = upsert_supporter(
            session, found, email_key(email), _supporter_fields(request, now)
        )
        texts, places = _texts(campaign, request, letters)
        text_ids = store_texts(session, texts, supporter_id, cipher)
        fields = _submission_fields(campaign, request, letters[0], now)
        # The form has loaded the campaign's partners (a query here only if it has not).
        code = request.partner_code
        partner_id = next((p.id for p in campaign.partners if code and p.code == code), None)
        submission_id = insert_one(
            session,
            Submission,
            cipher,
            {
                **fields,
                "supporter_id": supporter_id,
                "statement_id": text_ids[0],
                "partner_id": partner_id,
            },
        )
        confirmed = fields["status"] is SubmissionStatus.CONFIRMED
        deliveries = [
            {
                **delivery_fields(
                    campaign.id, letter, choose(letter.recipient, request.signer), confirmed, now
                ),
                "submission_id": submission_id,
                "body_id": None if body is None else text_ids[body],
                "cover_id": None if cover is None else text_ids[cover],
            }
            for letter, (body, cover) in zip(letters, places, strict=True)
        ]
        insert_many(session, Delivery, cipher, deliveries)
        kind = NotificationKind.RECEIPT if confirmed else NotificationKind.CONFIRMATION
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
        return RecordResult(session, submission_id, created=True)


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
