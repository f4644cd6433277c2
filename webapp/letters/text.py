"""The plain-text shape of a letter, shared by the preview, the receipt and every channel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from webapp.civic.countries import US, country_name
from webapp.civic.types import Residence


def signature_lines(
    first: str,
    last: str,
    city: str,
    state: str | None,
    zip_code: str | None,
    *,
    country: str = US,
    residence: Residence = Residence.US,
    voting_city: str | None = None,
) -> list[str]:
    """The supporter's signature: their name, then where they really live.

    Offices read English, so a country is named in English. A citizen abroad who writes as a
    constituent says so, with the US address where they vote.
    """
    name = f"{first} {last}".strip()
    if residence is Residence.US:
        return [name, us_place(city, state, zip_code)]
    lines = [name, f"{city}, {country_name(country)}".strip(", ")]
    if residence is Residence.VOTING_ADDRESS:
        lines.append(f"US voting address: {us_place(voting_city, state, zip_code)}")
    return lines


class Signs(Protocol):
    """Whatever carries a signer's name and where they live (a Signer, a Submission, a row)."""

    @property
    def first_name(self) -> str: ...
    @property
    def last_name(self) -> str: ...
    @property
    def city(self) -> str: ...
    @property
    def state(self) -> str | None: ...
    @property
    def zip_code(self) -> str | None: ...
    @property
    def country(self) -> str: ...
    @property
    def residence(self) -> Residence: ...
    @property
    def voting_city(self) -> str | None: ...


def signature_of(signer: Signs) -> list[str]:
    return signature_lines(
        signer.first_name,
        signer.last_name,
        signer.city,
        signer.state,
        signer.zip_code,
        country=signer.country,
        residence=signer.residence,
        voting_city=signer.voting_city,
    )


def us_place(city: str | None, state: str | None, zip_code: str | None) -> str:
    """'Burlington, VT 05401', leaving out what is missing."""
    return f"{city or ''}, {state or ''} {zip_code or ''}".strip(", ")


def office_paragraph(
    written: str | None, english: str | None, include_original: bool
) -> str | None:
    """The supporter's own words as offices receive them.

    Offices read English: the supporter's own English version, when they gave one, replaces
    the paragraph as written, which follows it only when they asked for it.
    """
    written = (written or "").strip() or None
    english = (english or "").strip() or None
    if english is None:
        return written
    if include_original and written:
        return f"{english}\n\n{written}"
    return english


def assemble_letter(
    salutation: str,
    body: str,
    personal_message: str | None,
    closing: str,
    signature: Sequence[str],
    cover: str | None = None,
) -> str:
    """Join the parts of a letter with blank lines between them, as it is sent.

    An office's cover paragraph comes between the salutation and the body.
    """
    parts = [salutation.strip(), (cover or "").strip(), body.strip()]
    if personal_message and personal_message.strip():
        parts.append(personal_message.strip())
    parts.append("\n".join([closing.strip(), *[line for line in signature if line]]))
    return "\n\n".join(p for p in parts if p) + "\n"
