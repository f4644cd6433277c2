"""Reading copies: a campaign's letter in the supporter's language, shown beside the English."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup

from webapp.letters.compose import ComposedLetter, Signer, merge_values
from webapp.letters.markdown import LetterDigest, escape_markdown, letter_digest, markdown_to_html
from webapp.letters.merge import MergeValues, render
from webapp.models import Campaign, Target


@dataclass(frozen=True)
class ReadingSignatory:
    name: str  # as the campaign file lists it (in the letter's language)
    translated: str | None
    member_of: str | None


@dataclass(frozen=True)
class CampaignReading:
    """The campaign page's reading copy: never sent, labelled as an unofficial translation."""

    language: str
    title: str | None
    intro: str | None
    subject: str | None
    salutation: str | None
    digest: LetterDigest
    signatories: list[ReadingSignatory]


def campaign_reading(
    campaign: Campaign, language: str, values: MergeValues | None = None
) -> CampaignReading | None:
    """The campaign page's reading copy; merge fields filled with `values` when given (the
    page's placeholders), else left as written."""
    copy = campaign.reading_copy(language)
    if copy is None:
        return None
    names: dict[str, str] = copy.get("signatories") or {}

    def shown(text: str | None, markdown: bool = False) -> str | None:
        if text is None or values is None:
            return text
        return render(text, values, escape_markdown if markdown else None)

    return CampaignReading(
        language=language,
        title=copy.get("title"),
        intro=copy.get("intro"),
        subject=shown(copy.get("subject")),
        salutation=shown(copy.get("salutation")),
        digest=letter_digest(shown(copy["body"], markdown=True) or ""),
        signatories=[
            ReadingSignatory(s.name, names.get(s.name), s.member_of) for s in campaign.signatories
        ],
    )


@dataclass(frozen=True)
class ReadingLetter:
    """One office's letter in the reader's language, part for part beside what it receives.

    A part with no translation is None: the page then shows the English part itself.
    """

    language: str
    subject: str | None
    salutation: str | None
    cover_html: Markup | None
    body_html: Markup | None
    personal_message: str | None
    signature: list[str]


def target_copy(campaign: Campaign, target_id: int | None, language: str) -> dict[str, Any]:
    """The target's own texts in `language` (`translations.<language>` in the campaign file)."""
    target: Target | None = next((t for t in campaign.targets if t.id == target_id), None)
    copy = (target.translations or {}).get(language) if target is not None else None
    return copy if isinstance(copy, dict) else {}


def reading_letter(
    campaign: Campaign,
    letter: ComposedLetter,
    signer: Signer,
    language: str,
    written: str | None,
    rewritten: bool,
) -> ReadingLetter | None:
    """The reading copy of `letter` for a supporter who reads `language`, if the campaign has
    one. `written` is the supporter's paragraph as they wrote it; a body they rewrote is their
    own words and is shown as it is."""
    copy = campaign.reading_copy(language)
    if copy is None:
        return None
    recipient = letter.recipient
    own = target_copy(campaign, recipient.target_id, language)
    values = merge_values(campaign, signer, recipient)
    # {{ campaign.title }} in the reader's language, as the page heading it shows; what the
    # supporter typed isolated in its own direction ("Dearborn (MI)" inside Arabic read
    # "(Dearborn (MI)"). Reading copies are never sent: offices' letters carry no marks.
    supporter = {k: f"\u2068{v}\u2069" if v else v for k, v in values.supporter.items()}
    values = replace(values, campaign={"title": campaign.title_in(language)}, supporter=supporter)

    def html(source: str | None) -> Markup | None:
        return markdown_to_html(render(source, values, escape_markdown)) if source else None

    if recipient.body:
        body = html(own.get("body"))
    elif rewritten:
        body = None  # the supporter's own words: shown as they wrote them
    else:
        body = html(copy["body"])
    salutation = own.get("salutation") if recipient.salutation else copy.get("salutation")
    # Signed with the name as the supporter wrote it: this copy is for them, not for offices.
    as_written = replace(
        signer,
        first_name=signer.native_first_name or signer.first_name,
        last_name=signer.native_last_name or signer.last_name,
    )
    return ReadingLetter(
        language=language,
        subject=render(copy["subject"], values) if copy.get("subject") else None,
        salutation=render(salutation, values) if salutation else None,
        cover_html=html(own.get("cover")) if recipient.cover else None,
        body_html=body,
        personal_message=written,
        signature=as_written.signature,
    )
