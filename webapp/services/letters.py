"""The letter use case shared by the campaign page and the widget: plan, preview and record."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.antiabuse.risk import Risk, RiskSettings, Signals, assess
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.civic.types import MatchKind
from webapp.delivery.channels import Handling, handling_of
from webapp.letters.compose import (
    ComposedLetter,
    Recipient,
    Signer,
    compose_letters,
    fixed_recipients,
    open_to_everyone,
)
from webapp.letters.reading import ReadingLetter, reading_letter
from webapp.letters.text import office_paragraph
from webapp.models import Campaign, Channel
from webapp.services.own_words import OwnWords, own_words_of
from webapp.services.recipients import RecipientPlan, plan_recipients
from webapp.services.submissions import (
    ChannelChooser,
    LetterRequest,
    RecordResult,
    record_submission,
)


@dataclass(frozen=True)
class LetterDraft:
    """Everything the supporter entered, parsed and checked by the form; no request in sight."""

    signer: Signer
    # The US address to look officials up by (home or voting address); None when abroad.
    query: AddressQuery | None
    # The paragraph as written, and the supporter's own English version of it (offices read
    # English; the paragraph as written follows the English only when `include_original`).
    personal_message: str | None = None
    personal_english: str | None = None
    include_original: bool = False
    edited_body: str | None = None
    # Optional offices kept ticked, or None when the supporter has not been asked yet; and
    # the offices whose boxes they saw (None: all of them). One not seen stays in.
    selected: frozenset[str] | None = None
    shown: frozenset[str] | None = None
    consents: tuple[tuple[int | None, str], ...] = ()
    partner_code: str | None = None
    source: str | None = None
    private: bool = False
    response_requested: bool = False
    honeypot: str | None = None
    form_seconds: float | None = None
    personal_hash: str | None = None
    # The paragraph's similarity sketch, and the story-prompt variant the supporter was shown.
    paragraph_bands: tuple[str, ...] = ()
    prompt_variant: str | None = None
    # The supporter's reading language: the preview shows a reading copy in it, if any.
    reading_language: str | None = None


@dataclass(frozen=True)
class RequestFacts:
    """What the web request says about the sender, hashed by the view before it gets here."""

    ip_hash: str | None = None
    subnet_hash: str | None = None
    language: str = "en"


@dataclass(frozen=True)
class LetterDeps:
    """The collaborators and the clock a letter needs; the view builds them from the app."""

    lookup: CivicLookup
    choose: ChannelChooser
    risk: RiskSettings
    now: datetime
    # How many letters with nearly the same paragraph make it "common" (OWN_WORDS_COMMON_AT).
    common_at: int = 5
    # The recipient as the reader of a reading copy knows it (its name, office and title in
    # the page's language, which is the copy's), for that copy's merge fields; None: as
    # offices know it.
    reading_recipient: Callable[[Campaign, Recipient], Recipient] | None = None


class LetterStep(enum.Enum):
    NEEDS_ADDRESS = "needs_address"  # ask for the street, a district, or the ZIP to be checked
    NO_RECIPIENTS = "no_recipients"  # nobody this supporter may write to in this campaign
    PREVIEW = "preview"
    RECORDED = "recorded"  # a new letter was recorded
    REPEAT = "repeat"  # this email already wrote to this campaign: nothing new recorded


@dataclass(frozen=True)
class PlannedLetter:
    """One office's letter as the preview shows it, with how it will travel."""

    letter: ComposedLetter
    channel: Channel
    # The same letter in the supporter's language, for reading only (never sent).
    reading: ReadingLetter | None = None

    @property
    def handling(self) -> Handling:
        return handling_of(self.channel)


@dataclass
class LetterOutcome:
    step: LetterStep
    plan: RecipientPlan
    letters: list[PlannedLetter] = field(default_factory=list)
    # Optional offices the supporter unticked: listed so they can be ticked again, never sent.
    unticked: list[str] = field(default_factory=list)
    result: RecordResult | None = None
    own_words: OwnWords | None = None

    def count(self, handling: Handling) -> int:
        return sum(1 for planned in self.letters if planned.handling is handling)


def plan_letter(
    session: Session, campaign: Campaign, draft: LetterDraft, deps: LetterDeps
) -> RecipientPlan:
    """Who may receive this supporter's letter: constituents reach their officials, others
    only the offices that accept letters from everyone."""
    if draft.query is None:
        return RecipientPlan(recipients=open_to_everyone(fixed_recipients(campaign)))
    return plan_recipients(session, campaign, deps.lookup, draft.query, deps.now)


def _planned(
    campaign: Campaign,
    draft: LetterDraft,
    plan: RecipientPlan,
    deps: LetterDeps,
    reading: bool = True,
) -> tuple[list[PlannedLetter], list[str]]:
    """The letters to the chosen offices; their reading copies only when a page shows them."""
    chosen = plan.chosen(draft.selected, draft.shown)
    own_words = office_paragraph(
        draft.personal_message, draft.personal_english, draft.include_original
    )
    letters = compose_letters(campaign, draft.signer, chosen, own_words, draft.edited_body)
    kept = {r.key for r in chosen}
    unticked = [r.key for r in plan.recipients if r.key not in kept]
    planned = [
        PlannedLetter(
            letter,
            deps.choose(letter.recipient, draft.signer),
            _reading(campaign, draft, letter, deps) if reading else None,
        )
        for letter in letters
    ]
    return planned, unticked


def _reading(
    campaign: Campaign, draft: LetterDraft, letter: ComposedLetter, deps: LetterDeps
) -> ReadingLetter | None:
    if draft.reading_language is None or campaign.reading_copy(draft.reading_language) is None:
        return None  # before naming the recipient for a copy there is none of
    if deps.reading_recipient is not None:
        letter = replace(letter, recipient=deps.reading_recipient(campaign, letter.recipient))
    return reading_letter(
        campaign,
        letter,
        draft.signer,
        draft.reading_language,
        draft.personal_message,
        rewritten=draft.edited_body is not None,
    )


def _stop(plan: RecipientPlan) -> LetterStep | None:
    if plan.needs_address:
        return LetterStep.NEEDS_ADDRESS
    if not plan.recipients:
        return LetterStep.NO_RECIPIENTS
    return None


def preview_letter(
    session: Session, campaign: Campaign, draft: LetterDraft, deps: LetterDeps
) -> LetterOutcome:
    """Exactly what each chosen office would receive, and how it would get there."""
    plan = plan_letter(session, campaign, draft, deps)
    stop = _stop(plan)
    if stop is not None:
        return LetterOutcome(stop, plan)
    letters, unticked = _planned(campaign, draft, plan, deps)
    own_words = own_words_of(
        session,
        campaign,
        draft.personal_message,
        draft.edited_body,
        draft.paragraph_bands,
        deps.common_at,
    )
    return LetterOutcome(LetterStep.PREVIEW, plan, letters, unticked, own_words=own_words)


def _signals(draft: LetterDraft, facts: RequestFacts, plan: RecipientPlan) -> Signals:
    location = plan.lookup.location if plan.lookup else None
    mismatch = bool(
        plan.provenance.match is MatchKind.EXACT
        and location is not None
        and location.state != draft.signer.state
    )
    return Signals(
        email=draft.signer.email,
        ip_hash=facts.ip_hash,
        subnet_hash=facts.subnet_hash,
        personal_hash=draft.personal_hash,
        honeypot=draft.honeypot,
        form_seconds=draft.form_seconds,
        address_mismatch=mismatch,
    )


def _request(
    draft: LetterDraft, facts: RequestFacts, plan: RecipientPlan, risk: Risk
) -> LetterRequest:
    return LetterRequest(
        signer=draft.signer,
        personal_message=draft.personal_message,
        personal_english=draft.personal_english,
        include_original=draft.include_original,
        edited_body=draft.edited_body,
        consents=draft.consents,
        partner_code=draft.partner_code,
        source=draft.source,
        language=facts.language,
        ip_hash=facts.ip_hash,
        provenance=plan.provenance,
        subnet_hash=facts.subnet_hash,
        personal_hash=draft.personal_hash,
        paragraph_bands=draft.paragraph_bands,
        prompt_variant=draft.prompt_variant,
        private=draft.private,
        response_requested=draft.response_requested,
        risk=risk,
    )


def send_letter(
    session: Session,
    campaign: Campaign,
    draft: LetterDraft,
    facts: RequestFacts,
    deps: LetterDeps,
) -> LetterOutcome:
    """Record the letter with one delivery per chosen office, once per supporter and campaign.

    The same plan and letters as the preview, without what only the preview page shows (the
    reading copies, the own-words meter).
    """
    plan = plan_letter(session, campaign, draft, deps)
    stop = _stop(plan)
    if stop is not None:
        return LetterOutcome(stop, plan)
    letters, unticked = _planned(campaign, draft, plan, deps, reading=False)
    if not letters:
        return LetterOutcome(LetterStep.NO_RECIPIENTS, plan)
    risk = assess(session, campaign.id, _signals(draft, facts, plan), deps.risk, deps.now)
    # Each office's channel as the plan chose it, not chosen a second time.
    channels = {planned.letter.recipient.key: planned.channel for planned in letters}
    result = record_submission(
        session,
        campaign,
        _request(draft, facts, plan, risk),
        [planned.letter for planned in letters],
        deps.now,
        lambda recipient, _signer: channels[recipient.key],
    )
    step = LetterStep.RECORDED if result.created else LetterStep.REPEAT
    return LetterOutcome(step, plan, letters, unticked, result)
