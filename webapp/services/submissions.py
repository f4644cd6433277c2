"""Recording a letter: Supporter, Submission and one Delivery per office, in one transaction."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

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
    Partner,
    Submission,
    SubmissionStatus,
    Supporter,
)
from webapp.sealing import keyring

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
    submission: Submission
    created: bool


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
    folded = body.casefold()
    if any(v and v.casefold() in folded for v in (signer.first_name, signer.last_name)) or (
        signer.zip_code and signer.zip_code in body
    ):
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
    r = letter.recipient
    return Delivery(
        campaign_id=campaign_id,
        target_id=r.target_id,
        recipient_key=r.key,
        recipient_chamber=r.chamber,
        recipient_state=r.state,
        recipient_district=r.district,
        channel=channel,
        status=initial_status(channel, confirmed),
        recipient_name=r.name,
        recipient_office=r.office,
        recipient_address=r.address,
        contact_url=r.contact_url,
        email=r.email,
        salutation=letter.salutation,
        body=None if letter.body == own_body else letter_text(session, letter.body, *writer),
        cover=letter_text(session, letter.cover, *writer) if letter.cover else None,
        created_at=now,
        updated_at=now,
    )


def _upsert_supporter(session: Session, request: LetterRequest, now: datetime) -> Supporter:
    signer = request.signer
    supporter = session.scalar(select(Supporter).where(same_email(signer.email)))
    if supporter is None:
        supporter = Supporter(email_key=email_key(signer.email), created_at=now)
        session.add(supporter)
    supporter.email = signer.email
    supporter.first_name = signer.first_name
    supporter.last_name = signer.last_name
    supporter.street = signer.street
    supporter.city = signer.city
    supporter.state = signer.state
    supporter.zip_code = signer.zip_code
    supporter.country = signer.country
    supporter.language = request.language
    supporter.updated_at = now
    return supporter


def _record_once(
    session: Session,
    campaign: Campaign,
    request: LetterRequest,
    letters: Sequence[ComposedLetter],
    now: datetime,
    choose: ChannelChooser,
) -> RecordResult:
    with write_transaction(session):
        existing = find_submission(session, campaign, request.signer.email)
        if existing is not None:
            return RecordResult(existing, created=False)
        supporter = _upsert_supporter(session, request, now)
        first = letters[0]
        # The organisation's statement as this supporter's letter carries it (merge fields filled).
        statement_body = render(
            campaign.body, merge_values(campaign, request.signer, first.recipient)
        )
        statement = letter_text(session, statement_body, supporter, request.signer)
        own_body = request.edited_body if request.edited_body is not None else statement_body
        partner = None
        if request.partner_code:
            partner = session.scalar(
                select(Partner).where(
                    Partner.campaign_id == campaign.id, Partner.code == request.partner_code
                )
            )
        provenance = request.provenance
        submission = Submission(
            campaign=campaign,
            supporter=supporter,
            partner=partner,
            source=request.source,
            status=SubmissionStatus.UNCONFIRMED
            if campaign.require_confirmation or request.risk.held
            else SubmissionStatus.CONFIRMED,
            held=request.risk.held,
            risk_score=request.risk.score,
            risk_reasons=list(request.risk.reasons),
            flagged=request.risk.flag_for_review,
            private=request.private,
            response_requested=request.response_requested,
            subnet_hash=request.subnet_hash,
            personal_hash=request.personal_hash,
            prompt_variant=request.prompt_variant,
            own_words_chars=own_chars(request.personal_message),
            subject=first.subject,
            statement=statement,
            personal_message=request.personal_message,
            personal_english=request.personal_english,
            include_original=request.include_original,
            edited_body=request.edited_body,
            closing=first.closing,
            prefix=request.signer.prefix,
            first_name=request.signer.first_name,
            last_name=request.signer.last_name,
            native_first_name=request.signer.native_first_name,
            native_last_name=request.signer.native_last_name,
            street=request.signer.street,
            city=request.signer.city,
            state=request.signer.state,
            zip_code=request.signer.zip_code,
            country=request.signer.country,
            residence=request.signer.residence,
            voting_city=request.signer.voting_city,
            lookup_provider=provenance.provider,
            lookup_match=provenance.match,
            districts=dict(provenance.districts),
            dataset_date=provenance.dataset_date,
            congress=provenance.congress,
            ip_hash=request.ip_hash,
            language=request.language,
            created_at=now,
            confirmed_at=None if campaign.require_confirmation or request.risk.held else now,
        )
        session.add(submission)
        confirmed = submission.status is SubmissionStatus.CONFIRMED
        for letter in letters:
            channel = choose(letter.recipient, request.signer)
            submission.deliveries.append(
                new_delivery(
                    session,
                    campaign.id,
                    letter,
                    channel,
                    confirmed,
                    own_body,
                    (supporter, request.signer),
                    now,
                )
            )
        session.add(
            Notification(
                submission=submission,
                kind=NotificationKind.RECEIPT if confirmed else NotificationKind.CONFIRMATION,
                created_at=now,
                updated_at=now,
            )
        )
        session.flush()
        session.add_all(
            ParagraphBand(campaign_id=campaign.id, submission_id=submission.id, band=band)
            for band in request.paragraph_bands
        )
        for partner_id, wording in request.consents:
            session.add(
                Consent(
                    supporter_id=supporter.id,
                    campaign_id=campaign.id,
                    partner_id=partner_id,
                    submission_id=submission.id,
                    wording=wording,
                    granted_at=now,
                )
            )
        session.flush()
        return RecordResult(submission, created=True)


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
        except IntegrityError:
            if attempt == _ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
