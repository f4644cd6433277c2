"""The letter flow shared by the full page and the widget: validate, look up, preview, record."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from flask import current_app
from flask_babel import gettext as _

from webapp.antiabuse.risk import RiskSettings, Signals, assess
from webapp.antiabuse.timing import seconds_since
from webapp.civic.lookup import CivicLookup
from webapp.civic.types import MatchKind
from webapp.database import db, utcnow
from webapp.delivery.channels import chooser_from_config
from webapp.letters.compose import ComposedLetter, compose_letters
from webapp.models import Campaign, Partner
from webapp.services.recipients import RecipientPlan, plan_recipients
from webapp.services.submissions import LetterRequest, RecordResult, record_submission
from webapp.supporter.forms import LetterForm


class Step(enum.Enum):
    FORM = "form"  # show the form again: errors, a question, or "change something"
    PREVIEW = "preview"
    RECORDED = "recorded"  # a new letter was recorded
    REPEAT = "repeat"  # this email already wrote to this campaign: nothing new recorded


@dataclass
class Outcome:
    step: Step
    status: int = 200
    plan: RecipientPlan | None = None
    letters: list[ComposedLetter] | None = None
    selected: set[str] | None = None
    result: RecordResult | None = None


def civic_lookup() -> CivicLookup:
    lookup: CivicLookup = current_app.extensions["civic_lookup"]
    return lookup


def ask_for_address(form: LetterForm, plan: RecipientPlan) -> None:
    """Put the lookup's question on the right field: the street, or the district choice."""
    notes = plan.lookup.notes if plan.lookup else []
    if form.street.data and plan.lookup and plan.lookup.candidates:
        form.district.errors = [
            _("Choose your congressional district below, or check your street address.")
        ]
    else:
        form.street.errors = [notes[-1] if notes else _("Enter your street address.")]


def _signals(form: LetterForm, request: LetterRequest, plan: RecipientPlan) -> Signals:
    location = plan.lookup.location if plan.lookup else None
    mismatch = bool(
        plan.provenance.match is MatchKind.EXACT
        and location is not None
        and location.state != form.state.data
    )
    return Signals(
        email=form.email.data,
        ip_hash=request.ip_hash,
        subnet_hash=request.subnet_hash,
        personal_hash=request.personal_hash,
        honeypot=form.website.data,
        form_seconds=seconds_since(form.started.data),
        address_mismatch=mismatch,
    )


def handle_letter(
    campaign: Campaign, form: LetterForm, action: str, valid: bool, partner: Partner | None
) -> Outcome:
    """One step of the flow for an already-parsed form; `valid` is the form's own validation."""
    if action == "edit" or not valid:
        return Outcome(Step.FORM, 200 if action == "edit" else 422)
    session = db.session()
    plan = plan_recipients(session, campaign, civic_lookup(), form.address_query(), utcnow())
    if plan.needs_street:
        ask_for_address(form, plan)
        return Outcome(Step.FORM, 422, plan=plan)
    signer, selected = form.signer(), form.selected_recipients()
    personal, edited = form.personal_text(), form.edited_body(campaign.body)
    if action != "send":
        letters = compose_letters(campaign, signer, plan.recipients, personal, edited)
        return Outcome(Step.PREVIEW, plan=plan, letters=letters, selected=selected)
    letters = compose_letters(campaign, signer, plan.chosen(selected), personal, edited)
    request = form.letter_request(campaign, plan, partner)
    risk = assess(
        session,
        campaign.id,
        _signals(form, request, plan),
        RiskSettings.from_config(current_app.config),
        utcnow(),
    )
    result = record_submission(
        session,
        campaign,
        replace(request, risk=risk),
        letters,
        utcnow(),
        chooser_from_config(current_app.config),
    )
    if result.created:
        current_app.extensions["letter_counts"].forget(campaign.id)
        return Outcome(Step.RECORDED, 303, plan=plan, result=result)
    return Outcome(Step.REPEAT, plan=plan, result=result)
