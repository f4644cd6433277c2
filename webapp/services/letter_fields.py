"""The columns of one letter's rows, from what the supporter sent: supporter, submission,
texts and deliveries (by attribute name, sealed later by the row writer)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from webapp.delivery.channels import initial_status
from webapp.letters.compose import ComposedLetter, Signer, merge_values
from webapp.letters.merge import render
from webapp.letters.own_words import own_chars
from webapp.models import Campaign, Channel, SubmissionStatus
from webapp.models.letter_text import new_receipt_token

if TYPE_CHECKING:
    from webapp.services.submissions import LetterRequest


# The characters beyond ASCII whose casefold() holds an ASCII letter ("\xdf" -> "ss", the
# Kelvin sign -> "k", the "fi" ligature -> "fi"...): all 19 of Unicode 14
# (tests/services/test_owned_text.py finds them again from every code point).
FOLDS_TO_ASCII = (
    "\xdf\u0130\u0149\u017f\u01f0\u1e96\u1e97\u1e98\u1e99\u1e9a\u1e9e\u212a"
    "\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06"
)


def owned_text(body: str, signer: Signer) -> bool:
    """Whether merge fields put the signer's name or ZIP into this text (then it is theirs)."""
    if signer.zip_code and signer.zip_code in body:
        return True
    names = [v.casefold() for v in (signer.first_name, signer.last_name) if v]
    if (
        names
        and all(name.isascii() for name in names)
        and not body.isascii()
        and not any(c in body for c in FOLDS_TO_ASCII)
    ):
        # casefold() goes character by character on a text with any letter beyond ASCII:
        # about 70 instructions a character, for the default campaign's statement (3,700 with
        # its curly quotes) 1.5% of a letter. It folds each character alone, and here none
        # beyond ASCII folds to ASCII, so an ASCII name is in the folded text exactly when it
        # is in the text's ASCII lowered (bytes.lower() changes A-Z only, as casefold() does).
        lowered = body.encode("utf-8", "surrogatepass").lower()
        return any(name.encode() in lowered for name in names)
    folded = body.casefold()
    return any(name in folded for name in names)


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


def supporter_fields(request: LetterRequest, now: datetime) -> dict[str, Any]:
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


def submission_fields(
    campaign: Campaign, request: LetterRequest, first: ComposedLetter, now: datetime
) -> dict[str, Any]:
    """The Submission's columns (by attribute) apart from its supporter, statement and partner."""
    signer, provenance, risk = request.signer, request.provenance, request.risk
    waits = campaign.require_confirmation or risk.held
    return {
        "campaign_id": campaign.id,
        "source": request.source,
        # Chosen here, not by the column default, so the thank-you page has it without a read.
        "receipt_token": new_receipt_token(),
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


def letter_texts(
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
