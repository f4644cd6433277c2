"""The hand-off card's text: a version of the letter that fits the office's web form."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from webapp.delivery.form_limits import form_limit
from webapp.letters.text import assemble_letter
from webapp.models import Delivery


class Version(enum.StrEnum):
    FULL = "full"  # the whole letter fits (or the form's limit is unknown)
    SHORT = "short"  # the supporter's own words, then the campaign's short form
    PARTS = "parts"  # even that is too long: numbered parts, each within the limit


@dataclass(frozen=True)
class Part:
    number: int
    total: int
    text: str

    @property
    def length(self) -> int:
        return len(self.text)


@dataclass(frozen=True)
class Handoff:
    limit: int | None
    version: Version
    parts: list[Part]


def office_form_limit(delivery: Delivery) -> int | None:
    """The campaign file's limit for the target, else the shipped table's, else unknown."""
    if delivery.target is not None and delivery.target.form_limit:
        return delivery.target.form_limit
    return form_limit(delivery.contact_url)


def short_letter(delivery: Delivery, letter_url: str) -> str | None:
    """The supporter's own words first, then the campaign's short form and the full letter's
    link; None when the campaign has no short form."""
    sub = delivery.submission
    short = sub.campaign.short_body
    if not short:
        return None
    return assemble_letter(
        delivery.salutation,
        f"{short.strip()}\n{letter_url}",
        None,
        sub.closing,
        sub.signature_lines,
        cover=sub.office_paragraph or delivery_own_words(delivery),
    )


def delivery_own_words(delivery: Delivery) -> str | None:
    """A rewritten letter is all the supporter's own words."""
    return delivery.body_text if delivery.body_is_supporters else None


def split_text(text: str, limit: int) -> list[str]:
    """Words packed into parts of at most `limit` characters, paragraph breaks kept; a part
    ends between words (inside a word only when one word is longer than the limit)."""
    parts: list[str] = []
    current = ""
    for paragraph in text.strip().split("\n\n"):
        for index, word in enumerate(w for w in paragraph.split(" ") if w):
            sep = "" if not current else ("\n\n" if index == 0 else " ")
            if len(current) + len(sep) + len(word) <= limit:
                current += sep + word
                continue
            if current:
                parts.append(current)
            while len(word) > limit:
                parts.append(word[:limit])
                word = word[limit:]
            current = word
    if current:
        parts.append(current)
    return parts


def handoff_for(delivery: Delivery, letter_url: str) -> Handoff:
    """The version of the letter to offer for the office's web form, in parts if need be."""
    limit = office_form_limit(delivery)
    full = delivery.final_text.strip()
    if limit is None or len(full) <= limit:
        return Handoff(limit, Version.FULL, [Part(1, 1, full)])
    short = short_letter(delivery, letter_url)
    if short is not None and len(short.strip()) <= limit:
        return Handoff(limit, Version.SHORT, [Part(1, 1, short.strip())])
    texts = split_text(short or full, limit)
    parts = [Part(n, len(texts), t) for n, t in enumerate(texts, start=1)]
    return Handoff(limit, Version.PARTS, parts)
