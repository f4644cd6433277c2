"""A departed member's letter composed again from what its writer signed, with today's texts."""

from __future__ import annotations

from webapp.civic.index import representative_from_official
from webapp.letters.compose import ComposedLetter, Signer, compose_letters
from webapp.models import Delivery, Official, Submission
from webapp.services.recipients import recipient_for


def signer_of(submission: Submission) -> Signer:
    """The supporter as they signed this letter (the supporter row may have changed since)."""
    return Signer(
        first_name=submission.first_name,
        last_name=submission.last_name,
        email=submission.supporter.email or "",
        city=submission.city,
        state=submission.state,
        zip_code=submission.zip_code,
        street=submission.street,
        prefix=submission.prefix,
        country=submission.country,
        residence=submission.residence,
        voting_city=submission.voting_city,
    )


def letter_to(delivery: Delivery, official: Official) -> ComposedLetter:
    """The letter `delivery`'s writer signed, addressed to `official` with today's texts."""
    sub = delivery.submission
    recipient = recipient_for(
        representative_from_official(official), sub.campaign, False, delivery.target
    )
    (letter,) = compose_letters(
        sub.campaign, signer_of(sub), [recipient], sub.personal_message, sub.edited_body
    )
    return letter


def same_letter(delivery: Delivery, letter: ComposedLetter) -> bool:
    """Whether the campaign's texts today still give the letter this office was to receive."""
    return (
        letter.salutation == delivery.salutation
        and letter.body == delivery.body_text
        and letter.cover == delivery.cover_text
    )
