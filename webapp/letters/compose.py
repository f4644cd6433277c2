"""Compose the letter each recipient receives from the campaign text and the supporter's words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from webapp.civic.countries import US
from webapp.civic.types import Residence
from webapp.letters.markdown import escape_markdown, markdown_to_html, text_to_html
from webapp.letters.merge import MergeValues, render
from webapp.letters.text import assemble_letter, signature_of
from webapp.models import Audience, Campaign, Target, TargetKind


@dataclass(frozen=True)
class Signer:
    """The supporter as they sign the letter."""

    first_name: str
    last_name: str
    email: str
    city: str
    state: str | None
    zip_code: str | None
    street: str | None = None
    prefix: str | None = None
    country: str = US
    residence: Residence = Residence.US
    voting_city: str | None = None
    # The name as written in another script (the fields above hold its Latin spelling).
    native_first_name: str | None = None
    native_last_name: str | None = None

    @property
    def signature(self) -> list[str]:
        return signature_of(self)

    @property
    def constituent(self) -> bool:
        """Whether offices that hear only from their constituents may receive this letter."""
        return self.residence is not Residence.ABROAD


@dataclass(frozen=True)
class Recipient:
    """One office a letter goes to, with what its letter and delivery need to know.

    `salutation`, `cover` and `body` are the target's own organiser text (merge fields not yet
    filled): the salutation replaces the campaign's, the cover goes above the organisation's
    letter, the body replaces it.
    """

    key: str
    name: str
    office: str | None = None
    address: str | None = None
    contact_url: str | None = None
    email: str | None = None
    title: str = ""
    last_name: str = ""
    salutation: str | None = None
    target_id: int | None = None
    optional: bool = False
    chamber: str | None = None
    party: str | None = None
    state: str | None = None
    district: str | None = None
    non_voting: bool = False
    # Unknown offices are treated as writable by constituents only: the safe side.
    audience: Audience = Audience.CONSTITUENTS
    cover: str | None = None
    body: str | None = None
    # The organisers ask for this office's letters on paper (Target.post).
    post: bool = False


def open_to_everyone(recipients: Sequence[Recipient]) -> list[Recipient]:
    """The recipients anyone may write to, wherever they live (e.g. supporters abroad)."""
    return [r for r in recipients if r.audience is Audience.EVERYONE]


@dataclass(frozen=True)
class ComposedLetter:
    recipient: Recipient
    subject: str
    salutation: str
    body: str
    # The organiser's Markdown with merge values escaped; None when the supporter rewrote it.
    body_markdown: str | None
    personal_message: str | None
    closing: str
    signature: Sequence[str]
    # The office's cover paragraph above the body: text, and Markdown with values escaped.
    cover: str | None = None
    cover_markdown: str | None = None

    @property
    def cover_html(self) -> Markup:
        return markdown_to_html(self.cover_markdown or "")

    @property
    def body_html(self) -> Markup:
        """Rendered only when a page shows it: sending needs the text alone."""
        if self.body_markdown is None:
            return text_to_html(self.body)
        return markdown_to_html(self.body_markdown)

    @property
    def text(self) -> str:
        return assemble_letter(
            self.salutation,
            self.body,
            self.personal_message,
            self.closing,
            self.signature,
            cover=self.cover,
        )


def fixed_recipients(campaign: Campaign) -> list[Recipient]:
    """The campaign's fixed (custom) targets as recipients."""
    return [_recipient_for_target(t) for t in campaign.targets if t.kind is TargetKind.CUSTOM]


def _recipient_for_target(target: Target) -> Recipient:
    return Recipient(
        key=f"target:{target.id}",
        name=target.name or "",
        office=target.office,
        address=target.address,
        contact_url=target.contact_url,
        email=target.email,
        salutation=target.salutation,
        target_id=target.id,
        audience=target.audience,
        cover=target.cover,
        body=target.body,
        post=target.post,
    )


def merge_values(campaign: Campaign, signer: Signer, recipient: Recipient) -> MergeValues:
    # A citizen abroad writes as a constituent of the place where they vote: its state and ZIP
    # fill {{ supporter.state }} and {{ supporter.zip }}, so its city fills the city ("your
    # constituent in Berlin" to a Vermont senator was no constituent at all).
    voting = signer.residence is Residence.VOTING_ADDRESS
    return MergeValues(
        supporter={
            "first_name": signer.first_name,
            "last_name": signer.last_name,
            "full_name": f"{signer.first_name} {signer.last_name}".strip(),
            "city": (signer.voting_city or signer.city) if voting else signer.city,
            "state": signer.state or "",
            "zip": signer.zip_code or "",
        },
        target={
            "name": recipient.name,
            "office": recipient.office or "",
            "title": recipient.title,
            "last_name": recipient.last_name,
        },
        campaign={"title": campaign.title},
    )


def compose_letters(
    campaign: Campaign,
    signer: Signer,
    recipients: Sequence[Recipient],
    personal_message: str | None,
    edited_body: str | None,
) -> list[ComposedLetter]:
    """Exactly the letter each recipient receives: its salutation, its cover paragraph, then
    its own body, the supporter's rewrite or the organisation's letter (in that order of
    precedence), the personal paragraph and the signature.

    An edited body is the supporter's own text and is not merged. A target's own body wins over
    it because the supporter rewrote the organisation's letter, which that office does not get.
    """
    letters = []
    for recipient in recipients:
        values = merge_values(campaign, signer, recipient)
        salutation_source = recipient.salutation or campaign.salutation
        if recipient.body:
            body = render(recipient.body, values)
            body_markdown: str | None = render(recipient.body, values, escape_markdown)
        elif edited_body is not None:
            body, body_markdown = edited_body, None
        else:
            body = render(campaign.body, values)
            body_markdown = render(campaign.body, values, escape_markdown)
        cover = cover_markdown = None
        if recipient.cover:
            cover = render(recipient.cover, values)
            cover_markdown = render(recipient.cover, values, escape_markdown)
        letters.append(
            ComposedLetter(
                recipient=recipient,
                subject=render(campaign.subject, values),
                salutation=render(salutation_source, values),
                body=body,
                body_markdown=body_markdown,
                personal_message=personal_message,
                closing=render(campaign.closing, values),
                signature=signer.signature,
                cover=cover,
                cover_markdown=cover_markdown,
            )
        )
    return letters
