"""Glue between the letter form and the letter service, shared by the full page and the widget."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import gettext as _

from webapp.antiabuse.risk import RiskSettings, subnet_of
from webapp.civic.lookup import NOTE_ADDRESS_NOT_FOUND
from webapp.civic.zip_fallback import NOTE_UNKNOWN_ZIP
from webapp.database import db, utcnow
from webapp.delivery.channels import chooser_from_config
from webapp.delivery.senate import senate_offices
from webapp.i18n import isolate, page_language
from webapp.models import Campaign, Partner
from webapp.services.letters import (
    LetterDeps,
    LetterOutcome,
    LetterStep,
    RequestFacts,
    preview_letter,
    send_letter,
)
from webapp.services.privacy import hash_ip
from webapp.services.recipients import RecipientPlan
from webapp.supporter.form_build import letter_draft
from webapp.supporter.forms import LetterForm
from webapp.supporter.office_names import as_read
from webapp.unproxied import this_app, this_request


class Step(enum.Enum):
    FORM = "form"  # show the form again: errors, a question, or "change something"
    PREVIEW = "preview"
    RECORDED = "recorded"  # a new letter was recorded
    REPEAT = "repeat"  # this email already wrote to this campaign: nothing new recorded


@dataclass
class Outcome:
    step: Step
    status: int = 200
    letter: LetterOutcome | None = None

    @property
    def plan(self) -> RecipientPlan | None:
        return self.letter.plan if self.letter else None


def letter_deps() -> LetterDeps:
    """The letter service's collaborators, from the running app."""
    app = this_app()
    config = app.config
    return LetterDeps(
        lookup=app.extensions["civic_lookup"],
        choose=chooser_from_config(
            config, senate_offices(db.session()) if config["SENATE_CWC_API_KEY"] else frozenset()
        ),
        risk=RiskSettings.from_config(config),
        now=utcnow(),
        common_at=int(config["OWN_WORDS_COMMON_AT"]),
        reading_recipient=as_read,
    )


def request_facts() -> RequestFacts:
    """The sender's address, hashed at once, and the interface language they wrote in."""
    ip = this_request().remote_addr
    key = this_app().config["IP_HASH_BYTES"]
    return RequestFacts(
        ip_hash=hash_ip(ip, key),
        subnet_hash=hash_ip(subnet_of(ip), key),
        # The page's own language ("en", "ar"), not the browser's first tag: with French first
        # and Arabic second a supporter writes on an Arabic page, and their emails follow it.
        language=page_language(),
    )


def ask_for_address(form: LetterForm, plan: RecipientPlan) -> None:
    """Put the lookup's question on the right field: the street, the ZIP code or the district
    choice. The note it answers is then said by that error alone (GOV.UK's pattern: the summary
    and the field): beside it under the address, it was the same news a third time."""
    notes = plan.lookup.notes if plan.lookup else []
    if plan.lookup and plan.lookup.zip_of_street:
        form.zip_code.errors = [
            _(
                "We do not know the ZIP code %(zip)s, and the address service found your street "
                "address in ZIP code %(found)s. Check your ZIP code.",
                zip=isolate(form.zip_code.data),
                found=isolate(plan.lookup.zip_of_street),
            )
        ]
    elif plan.lookup and plan.lookup.zip_differs:
        # Not refused: near a ZIP's edge the address service's ZIP can be the wrong one, and a
        # supporter sure of theirs keeps it with the box under the field (zip_kept).
        form.zip_code.errors = [
            _(
                "The address service found your street address in ZIP code %(found)s, not "
                "%(zip)s. Check your ZIP code; if %(zip)s is right, tick the box below it.",
                zip=isolate(form.zip_code.data),
                found=isolate(plan.lookup.zip_differs),
            )
        ]
    elif form.street.data and plan.lookup and plan.lookup.candidates:
        # Say why the street address did not settle it: an address that is right is not
        # the supporter's to fix when the address service is down.
        said = {str(note) for note in notes}
        if plan.lookup.geocoder_failed:
            why = _(
                "The address service did not answer, so we could not find your district from "
                "your street address. Your ZIP code spans more than one district: choose yours "
                "below."
            )
        elif str(NOTE_ADDRESS_NOT_FOUND) in said:
            why = _(
                "We could not find that street address. Check it for typos, or choose your "
                "district below."
            )
        else:
            why = _("Choose your congressional district below, or check your street address.")
        form.district.errors = [why]
        form.error_anchors = {"district": f"district-{plan.lookup.candidates[0].district}"}
        if str(NOTE_ADDRESS_NOT_FOUND) in said:
            notes.remove(str(NOTE_ADDRESS_NOT_FOUND))
    elif not form.street.data and plan.lookup and plan.lookup.zip_unknown:
        # A ZIP no one has heard of is most often mistyped: say so on the ZIP field itself.
        form.zip_code.errors = [
            _(
                "We do not know the ZIP code %(zip)s. Check it for typos; if it is right, enter "
                "your street address so we can find your representative.",
                zip=isolate(form.zip_code.data),
            )
        ]
        if str(NOTE_UNKNOWN_ZIP) in notes:
            notes.remove(str(NOTE_UNKNOWN_ZIP))
    else:
        form.street.errors = [notes.pop() if notes else _("Enter your street address.")]


def handle_letter(
    campaign: Campaign, form: LetterForm, action: str, valid: bool, partner: Partner | None
) -> Outcome:
    """One step of the flow for an already-parsed form; `valid` is the form's own validation."""
    if action == "edit" or not valid:
        return Outcome(Step.FORM, 200 if action == "edit" else 422)
    draft = letter_draft(form, campaign, partner)
    session = db.session()
    if action == "send":
        outcome = send_letter(session, campaign, draft, request_facts(), letter_deps())
    else:
        outcome = preview_letter(session, campaign, draft, letter_deps())
    if outcome.step is LetterStep.NEEDS_ADDRESS:
        ask_for_address(form, outcome.plan)
        return Outcome(Step.FORM, 422, outcome)
    if outcome.step is LetterStep.NO_RECIPIENTS and draft.query is not None:
        form.recipients.errors = [_("Choose at least one office to write to.")]
        return Outcome(Step.FORM, 422, outcome)
    if outcome.step is LetterStep.NO_RECIPIENTS:
        form.country.errors = [
            _(
                "This campaign's letters go only to offices that read letters from their own "
                "constituents, so it cannot take a letter from outside the United States. "
                "If you are a US citizen, tick the box and give the US address where you vote."
            )
        ]
        return Outcome(Step.FORM, 422, outcome)
    if outcome.step is LetterStep.PREVIEW:
        return Outcome(Step.PREVIEW, 200, outcome)
    if outcome.step is LetterStep.RECORDED:
        this_app().extensions["letter_counts"].forget(campaign.id)
        return Outcome(Step.RECORDED, 303, outcome)
    return Outcome(Step.REPEAT, 200, outcome)
