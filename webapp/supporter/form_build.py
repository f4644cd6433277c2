"""Building the letter form for a campaign and turning a validated one into a LetterDraft."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label

from webapp.antiabuse.risk import text_fingerprint
from webapp.antiabuse.timing import seconds_since
from webapp.campaigns.prompts import questions_for
from webapp.civic.countries import country_choices
from webapp.i18n import interface_language, isolate
from webapp.models import Campaign, Partner
from webapp.services.letters import LetterDraft
from webapp.services.own_words import sketch
from webapp.services.partner_codes import written_code
from webapp.supporter.forms import LetterForm
from webapp.supporter.prompt_variant import settle_variant
from webapp.supporter.state_names import state_options
from webapp.unproxied import this_locale


def find_partner(campaign: Campaign, code: str | None) -> Partner | None:
    if not code:
        return None  # without reading the partners (a query on most page views)
    exact = next((p for p in campaign.partners if p.code == code), None)
    if exact is not None:
        return exact
    # Pasted by hand into a partner's page: "SAMA" for "sama" still attributes the letter,
    # unless two codes differ only in case (then neither is guessed).
    wanted = code.casefold()
    found = [p for p in campaign.partners if p.code.casefold() == wanted]
    return found[0] if len(found) == 1 else None


def carried_code(partner: Partner | None, code: str | None) -> str | None:
    """The partner code a form, link or frame passes on: the partner's own, else the code as
    written when it looks like one (its letter keeps it, for the organisers to see)."""
    return partner.code if partner is not None else written_code(code)


@lru_cache(maxsize=16)
def _country_options(language: str) -> list[SelectChoice]:
    """The country list in one language, sorted and made into options once per process (it
    was a large share of building every form). WTForms takes the options as they are."""
    return [SelectChoice(code, name) for code, name in country_choices(language)]


def build_letter_form(
    campaign: Campaign, partner: Partner | None = None, **kwargs: Any
) -> LetterForm:
    """The letter form for one campaign: the body only when editable, consents only when asked."""
    if campaign.body_editable and "formdata" not in kwargs:
        kwargs.setdefault("data", {"body": campaign.body})
    form = LetterForm(**kwargs)
    # Asked once (each ask reads `g`; get_locale read it through its proxy): it cannot change
    # within this function. `language` is page_language()'s, `locale` the tag.
    found = this_locale()
    language, locale = (found.language if found else "en"), str(found or "en")
    settle_prompts(form, campaign, form.prompt_ticket.data, locale)
    form.country.choices = _country_options(locale)
    form.state.choices = state_options(locale)
    if not campaign.body_editable:
        del form.body
    wording = campaign.consent_wording(language)
    if wording:
        form.consent_updates.label = Label(form.consent_updates.id, _label_text(*wording, language))
    else:
        del form.consent_updates
    wording = campaign.consent_wording(language, partner) if partner is not None else None
    if wording and partner is not None:
        form.partner_consent.label = Label(form.partner_consent.id, _label_text(*wording, language))
        # The partner's own sentence may not name it: say whose box it is, and what it gets.
        form.partner_consent.description = _(
            "Asked by %(partner)s. If you tick it, %(partner)s receives your name, email "
            "address, where you live and the language you wrote in.",
            partner=isolate(campaign.partner_name(partner, language)),
        )
    else:
        del form.partner_consent
    return form


def _label_text(wording: str, language: str, page: str) -> str | Markup:
    """A consent sentence as a label; one in another language than the page's, `page` (no
    translation in the file) says which, so a screen reader reads it in that language's voice."""
    if language == page:
        return wording
    return Markup('<span lang="{}">{}</span>').format(language, wording)


def settle_prompts(
    form: LetterForm, campaign: Campaign, ticket: str | None, locale: str | None = None
) -> None:
    """The visitor's story-prompt variant (kept from a genuine ticket, else drawn) and its
    questions in the page's language (`locale`: its tag, when the caller has it)."""
    show_prompts(form, campaign, *settle_variant(campaign, ticket), locale=locale)


def show_prompts(
    form: LetterForm,
    campaign: Campaign,
    variant: str | None,
    ticket: str,
    locale: str | None = None,
) -> None:
    """Put a settled variant, the ticket that carries it and its questions on the form."""
    form.prompt_variant, form.prompt_ticket.data = variant, ticket
    tag = locale if locale is not None else str(this_locale() or "en")
    form.prompt_questions = tuple(questions_for(campaign.prompts, variant, tag, campaign.language))


def letter_draft(form: LetterForm, campaign: Campaign, partner: Partner | None) -> LetterDraft:
    """This validated form as the letter service takes it."""
    # Each consent is kept in the words the supporter saw beside the box they ticked, in the
    # language of the step that showed the boxes.
    shown = form.consent_language.data
    found = this_locale()  # once: see build_letter_form
    language = interface_language(shown) if shown else (found.language if found else "en")
    consents: list[tuple[int | None, str]] = []
    wording = campaign.consent_wording(language)
    if "consent_updates" in form and form.consent_updates.data and wording:
        consents.append((None, wording[0]))
    # "Keep me off partner lists" wins over a ticked partner box.
    wording = campaign.consent_wording(language, partner) if partner is not None else None
    if (
        partner is not None
        and wording
        and "partner_consent" in form
        and form.partner_consent.data
        and not form.private.data
    ):
        consents.append((partner.id, wording[0]))
    return LetterDraft(
        signer=form.signer(),
        query=form.address_query(),
        personal_message=form.personal_text(),
        personal_english=form.english_text(),
        include_original=bool(form.include_original.data) and form.english_text() is not None,
        edited_body=form.edited_body(campaign.body),
        selected=form.selected_recipients(),
        shown=form.shown_recipients(),
        consents=tuple(consents),
        partner_code=carried_code(partner, form.partner.data),
        source=form.source.data or None,
        private=bool(form.private.data),
        response_requested=bool(form.response_requested.data),
        honeypot=form.website.data or None,
        form_seconds=seconds_since(form.started.data),
        personal_hash=text_fingerprint(form.personal_text()),
        paragraph_bands=sketch(form.personal_text()),
        prompt_variant=form.prompt_variant,
        reading_language=str(found or "en"),
    )
