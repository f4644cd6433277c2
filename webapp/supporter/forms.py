"""The supporter's letter form: fields, per-field messages, and turning it into a LetterRequest."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import Label
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)

from webapp.antiabuse.risk import text_fingerprint
from webapp.antiabuse.timing import seconds_since
from webapp.campaigns.prompts import questions_for
from webapp.civic.countries import US, country_choices, is_country
from webapp.civic.lookup import AddressQuery
from webapp.civic.states import BY_CODE, STATES
from webapp.civic.types import Residence
from webapp.civic.zip_prefixes import states_for_zip
from webapp.letters.compose import Signer
from webapp.models import Campaign, Partner
from webapp.services.letters import LetterDraft
from webapp.services.own_words import sketch
from webapp.supporter.fast_select import FastSelect
from webapp.supporter.field_copies import CopiedFields
from webapp.supporter.own_script import OwnScriptForm, check_english, latin_name_field
from webapp.supporter.prompt_variant import settle_variant
from webapp.text_input import ascii_digits, clean_block, clean_line

PERSONAL_MESSAGE_LIMIT = 5000
BODY_LIMIT = 20000
PREFIXES = ("Mr.", "Ms.", "Mrs.", "Mx.", "Dr.", "Rev.")
# The letter, in English, says the prefix itself; the supporter reads it in their language.
PREFIX_LABELS = {
    "Mr.": _l("Mr."),
    "Ms.": _l("Ms."),
    "Mrs.": _l("Mrs."),
    "Mx.": _l("Mx."),
    "Dr.": _l("Dr."),
    "Rev.": _l("Rev."),
}
CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,64}$"
_ZIP_RE = re.compile(r"^\d{5}(?:-?\d{4})?$")


def _check_email(form: FlaskForm, field: EmailField) -> None:
    if not field.data:
        return
    try:
        # Offices must be able to reply: addresses needing SMTPUTF8 often cannot receive.
        result = validate_email(field.data, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as exc:
        if any(ord(ch) > 127 for ch in field.data.partition("@")[0]):
            raise ValidationError(
                _l(
                    "Use an email address whose part before the @ has only Latin letters, digits "
                    "and . _ - +, so offices can reply to it."
                )
            ) from exc
        raise ValidationError(_l("Enter a valid email address, like name@example.com.")) from exc
    field.data = result.normalized


def _check_zip(form: LetterForm, field: StringField) -> None:
    if not field.data:
        return
    if not _ZIP_RE.match(field.data):
        raise ValidationError(_l("Enter a 5-digit ZIP code, like 20500 (or ZIP+4, 20500-0003)."))
    digits = field.data.replace("-", "")
    field.data = digits[:5] if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"
    state = form.state.data
    known = states_for_zip(field.data)
    if state in BY_CODE and known is not None and state not in known:
        raise ValidationError(
            _l(
                "ZIP code %(zip)s is not in %(state)s. Check the ZIP code or the state.",
                zip=field.data,
                state=BY_CODE[state].name,
            )
        )


def _required_unless(unused_for: Residence, message: Any) -> Any:
    """Required, except from a supporter whose residence makes the field unused (then its
    value is ignored and never an error)."""

    def check(form: LetterForm, field: Any) -> None:
        if form.residence() is unused_for:
            field.errors[:] = []
            raise StopValidation()
        if not (field.data and str(field.data).strip()):
            raise StopValidation(message)

    return check


def _when_in_us(message: Any) -> Any:
    """Required for an address in the US (home, or where a citizen abroad votes)."""
    return _required_unless(Residence.ABROAD, message)


def _when_abroad(message: Any) -> Any:
    """Required from a supporter who lives outside the US."""
    return _required_unless(Residence.US, message)


def _at_most(limit: int, message: Any) -> Any:
    """A length limit that tells the current length and sets no `maxlength`: browsers would
    cut a long paste silently, and the supporter must see and keep their whole text."""

    def check(form: LetterForm, field: Any) -> None:
        length = len(field.data or "")
        if length > limit:
            raise ValidationError(message % {"max": f"{limit:,}", "length": f"{length:,}"})

    return check


class LetterForm(OwnScriptForm, FlaskForm):
    """Everything a supporter enters; `body` and `consent_updates` are removed when unused."""

    Meta = CopiedFields  # built on every letter's POST: fields are copied, not constructed

    # First: where the supporter lives decides which offices may hear from them.
    country = SelectField(
        _l("Where do you live?"),
        widget=FastSelect(),
        default=US,
        validators=[DataRequired(_l("Choose the country where you live."))],
        validate_choice=False,
    )
    # A US citizen abroad writes as a constituent of the US address where they vote.
    us_voter = BooleanField(
        _l("I am a US citizen: write as a constituent of the US address where I vote")
    )
    abroad_city = StringField(
        _l("City or town where you live"),
        filters=[clean_line],
        validators=[
            _when_abroad(_l("Enter the city or town where you live.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
    prefix = SelectField(
        _l("Title (optional)"),
        widget=FastSelect(),
        choices=[SelectChoice("", _l("None"))]
        + [SelectChoice(p, PREFIX_LABELS[p]) for p in PREFIXES],
        validators=[Optional()],
        default="",
    )
    first_name = StringField(
        _l("First name"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter your first name.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
    last_name = StringField(
        _l("Last name"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter your last name.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
    latin_first_name = latin_name_field(
        "first_name",
        _l("First name in Latin letters"),
        _l(
            "US offices accept names in Latin letters only: write your first name as it is "
            "spelled in Latin letters, e.g. Rania."
        ),
    )
    latin_last_name = latin_name_field(
        "last_name",
        _l("Last name in Latin letters"),
        _l(
            "US offices accept names in Latin letters only: write your last name as it is "
            "spelled in Latin letters, e.g. Haddad."
        ),
    )
    email = EmailField(
        _l("Email"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
            _check_email,
        ],
    )
    street = StringField(
        _l("Street address"),
        filters=[ascii_digits, clean_line],
        validators=[Optional(), Length(max=200, message=_l("Use at most %(max)d characters."))],
    )
    city = StringField(
        _l("City"),
        filters=[clean_line],
        validators=[
            _when_in_us(_l("Enter your city or town.")),
            Length(max=100, message=_l("Use at most %(max)d characters.")),
        ],
    )
    state = SelectField(
        _l("State"),
        widget=FastSelect(),
        choices=[SelectChoice("", _l("Choose your state"))]
        + [SelectChoice(s.code, s.name) for s in STATES],
        validators=[_when_in_us(_l("Choose your state."))],
        validate_choice=False,
    )
    zip_code = StringField(
        _l("ZIP code"),
        filters=[ascii_digits, clean_line],
        validators=[_when_in_us(_l("Enter your ZIP code.")), _check_zip],
    )
    personal_message = TextAreaField(
        _l("Your own words (optional)"),
        filters=[clean_block],
        validators=[
            Optional(),
            _at_most(
                PERSONAL_MESSAGE_LIMIT,
                _l(
                    "Your paragraph has %(length)s characters and the limit is %(max)s. "
                    "Please shorten it: your text is kept here."
                ),
            ),
        ],
    )
    # Offices read English: the supporter's own English version of a paragraph in another script.
    personal_english = TextAreaField(
        _l("Your words in English (optional)"),
        filters=[clean_block],
        validators=[
            Optional(),
            check_english,
            _at_most(
                PERSONAL_MESSAGE_LIMIT,
                _l(
                    "Your English version has %(length)s characters and the limit is %(max)s. "
                    "Please shorten it: your text is kept here."
                ),
            ),
        ],
    )
    include_original = BooleanField(_l("Include my words in Arabic too, below the English"))
    body = TextAreaField(
        _l("The letter"),
        filters=[clean_block],
        validators=[
            DataRequired(_l("The letter cannot be empty.")),
            _at_most(
                BODY_LIMIT,
                _l(
                    "The letter has %(length)s characters and the limit is %(max)s. "
                    "Please shorten it: your text is kept here."
                ),
            ),
        ],
    )
    consent_updates = BooleanField()
    # The sharing partner's own consent box (its wording is set per partner).
    partner_consent = BooleanField()
    # Attribution carried from the link or widget the supporter came through.
    source = HiddenField(validators=[Optional(), Regexp(CODE_PATTERN)])
    partner = HiddenField(validators=[Optional(), Regexp(CODE_PATTERN)])
    private = BooleanField(
        _l("Deliver my letter, but keep me off public counts and partner organisations' lists")
    )
    # Offices reached through CWC are told whether the supporter wants an answer.
    response_requested = BooleanField(_l("I would like a reply"))
    # When the form was first shown (signed): letters sent within seconds are suspect.
    started = HiddenField()
    # The story-prompt variant this visitor was shown (signed; see prompt_variant.py).
    prompt_ticket = HiddenField()
    # Set by build_letter_form from the ticket: the variant and its questions in this language.
    prompt_variant: str | None = None
    prompt_questions: tuple[str, ...] = ()
    # A field people never see (hidden by CSS, skipped by screen readers): bots fill it in.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])
    # Set when the ZIP spans districts and the address could not settle it.
    district = StringField(
        _l("Your congressional district"),
        filters=[ascii_digits],
        validators=[
            Optional(),
            Regexp(r"^\d{1,2}$", message=_l("Choose a district from the list.")),
        ],
    )
    # Optional recipients the supporter kept ticked; `recipients_chosen` says they were asked.
    recipients = SelectMultipleField(_l("Offices"), validate_choice=False)
    recipients_chosen = HiddenField()

    def validate_state(self, field: SelectField) -> None:
        if field.data and field.data not in BY_CODE:
            raise ValidationError(_l("Choose your state from the list."))

    def residence(self) -> Residence:
        if (self.country.data or US) == US:
            return Residence.US
        return Residence.VOTING_ADDRESS if self.us_voter.data else Residence.ABROAD

    def validate_country(self, field: SelectField) -> None:
        if not is_country(field.data):
            raise ValidationError(_l("Choose your country from the list."))

    def signer(self) -> Signer:
        residence = self.residence()
        in_us = residence is not Residence.ABROAD
        native = self.name_in_other_script()
        return Signer(
            prefix=self.prefix.data or None,
            first_name=self.office_name(self.first_name.data, self.latin_first_name.data),
            last_name=self.office_name(self.last_name.data, self.latin_last_name.data),
            native_first_name=self.first_name.data if native else None,
            native_last_name=self.last_name.data if native else None,
            email=self.email.data,
            street=(self.street.data or None) if in_us else None,
            city=self.city.data if residence is Residence.US else self.abroad_city.data,
            state=self.state.data if in_us else None,
            zip_code=self.zip_code.data if in_us else None,
            country=US if residence is Residence.US else self.country.data,
            residence=residence,
            voting_city=self.city.data if residence is Residence.VOTING_ADDRESS else None,
        )

    def address_query(self) -> AddressQuery | None:
        """The US address to find officials by, or None for a supporter abroad who does not
        vote in the US."""
        if self.residence() is Residence.ABROAD:
            return None
        return AddressQuery(
            zip_code=self.zip_code.data,
            state=self.state.data,
            street=self.street.data or None,
            city=self.city.data,
            chosen_district=int(self.district.data) if self.district.data else None,
        )

    def selected_recipients(self) -> frozenset[str] | None:
        """Keys of the optional recipients kept, or None when the supporter was not asked."""
        if not self.recipients_chosen.data:
            return None
        return frozenset(str(key) for key in (self.recipients.data or []))

    def draft(self, campaign: Campaign, partner: Partner | None) -> LetterDraft:
        """This validated form as the letter service takes it."""
        consents: list[tuple[int | None, str]] = []
        if "consent_updates" in self and self.consent_updates.data and campaign.consent_text:
            consents.append((None, campaign.consent_text))
        # "Keep me off partner lists" wins over a ticked partner box.
        if (
            partner is not None
            and partner.consent_text
            and "partner_consent" in self
            and self.partner_consent.data
            and not self.private.data
        ):
            consents.append((partner.id, partner.consent_text))
        return LetterDraft(
            signer=self.signer(),
            query=self.address_query(),
            personal_message=self.personal_text(),
            personal_english=self.english_text(),
            include_original=bool(self.include_original.data) and self.english_text() is not None,
            edited_body=self.edited_body(campaign.body),
            selected=self.selected_recipients(),
            consents=tuple(consents),
            partner_code=partner.code if partner is not None else None,
            source=self.source.data or None,
            private=bool(self.private.data),
            response_requested=bool(self.response_requested.data),
            honeypot=self.website.data or None,
            form_seconds=seconds_since(self.started.data),
            personal_hash=text_fingerprint(self.personal_text()),
            paragraph_bands=sketch(self.personal_text()),
            prompt_variant=self.prompt_variant,
            reading_language=str(get_locale() or "en"),
        )

    def personal_text(self) -> str | None:
        return self.personal_message.data or None

    def english_text(self) -> str | None:
        """The English version, kept only beside a paragraph to translate."""
        if not self.personal_message.data:
            return None
        return self.personal_english.data or None

    def edited_body(self, original: str) -> str | None:
        """The supporter's body if they changed the statement, else None."""
        if "body" not in self._fields or not self.body.data:
            return None
        if _comparable(self.body.data) == _comparable(original):
            return None
        return str(self.body.data)


def _comparable(text: str) -> str:
    return re.sub(r"\s+", " ", clean_block(text))


def find_partner(campaign: Campaign, code: str | None) -> Partner | None:
    if not code:
        return None  # without reading the partners (a query on most page views)
    return next((p for p in campaign.partners if p.code == code), None)


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
    settle_prompts(form, campaign, form.prompt_ticket.data)
    form.country.choices = _country_options(str(get_locale() or "en"))
    if not campaign.body_editable:
        del form.body
    if campaign.consent_text:
        form.consent_updates.label = Label(form.consent_updates.id, campaign.consent_text)
    else:
        del form.consent_updates
    if partner is not None and partner.consent_text:
        form.partner_consent.label = Label(form.partner_consent.id, partner.consent_text)
    else:
        del form.partner_consent
    return form


def settle_prompts(form: LetterForm, campaign: Campaign, ticket: str | None) -> None:
    """The visitor's story-prompt variant (kept from a genuine ticket, else drawn) and its
    questions in the page's language."""
    show_prompts(form, campaign, *settle_variant(campaign, ticket))


def show_prompts(form: LetterForm, campaign: Campaign, variant: str | None, ticket: str) -> None:
    """Put a settled variant, the ticket that carries it and its questions on the form."""
    form.prompt_variant, form.prompt_ticket.data = variant, ticket
    form.prompt_questions = tuple(
        questions_for(campaign.prompts, variant, str(get_locale() or "en"), campaign.language)
    )
