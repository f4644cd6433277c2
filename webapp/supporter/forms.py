"""The supporter's letter form: its fields, their checks and their messages."""

from __future__ import annotations

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
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from webapp.civic.countries import US, is_country
from webapp.civic.states import BY_CODE, STATES
from webapp.services.partner_codes import CODE_PATTERN
from webapp.supporter.email_typos import question_typo
from webapp.supporter.fast_select import FastSelect
from webapp.supporter.field_copies import CopiedFields, ListedInlineValidators, PlainDefaults
from webapp.supporter.form_checks import at_most, check_email, check_zip, when_abroad, when_in_us
from webapp.supporter.form_messages import AtMost
from webapp.supporter.form_values import EnteredValues
from webapp.supporter.own_script import (
    NAME_SYMBOLS,
    check_english,
    city_field,
    latin_name_field,
    letters_only,
)
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


class LetterForm(ListedInlineValidators, PlainDefaults, EnteredValues, FlaskForm):
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
    abroad_city = city_field(
        _l("City or town where you live"),
        when_abroad(_l("Enter the city or town where you live.")),
        "Berlin",
    )
    # The US address, in the page's order (the error summary lists problems in this order).
    street = StringField(
        _l("Street address"),
        filters=[ascii_digits, clean_line],
        validators=[Optional(), AtMost(200)],
    )
    city = city_field(_l("City"), when_in_us(_l("Enter your city or town.")), "Dearborn")
    state = SelectField(
        _l("State"),
        widget=FastSelect(),
        choices=[SelectChoice("", _l("Choose your state"))]
        + [SelectChoice(s.code, s.name) for s in STATES],
        validators=[when_in_us(_l("Choose your state."))],
        validate_choice=False,
    )
    zip_code = StringField(
        _l("ZIP code"),
        filters=[ascii_digits, clean_line],
        validators=[when_in_us(_l("Enter your ZIP code.")), check_zip],
    )
    # The ZIP the supporter ticked as theirs where the address service put the street in
    # another (a box shown with that question only; carried as a hidden value afterwards).
    zip_kept = HiddenField(filters=[ascii_digits, clean_line])
    # Set when the ZIP spans districts and the address could not settle it.
    district = StringField(
        _l("Your congressional district"),
        filters=[ascii_digits],
        validators=[
            Optional(),
            Regexp(r"^\d{1,2}$", message=_l("Choose a district from the list.")),
        ],
    )
    prefix = SelectField(
        _l("Title (optional)"),
        widget=FastSelect(),
        choices=[SelectChoice("", _l("None"))]
        + [SelectChoice(p, PREFIX_LABELS[p]) for p in PREFIXES],
        validators=[Optional()],
        default="",
        validate_choice=False,  # validate_prefix says it in the page's language
    )
    first_name = StringField(
        _l("First name"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter your first name.")),
            letters_only(NAME_SYMBOLS),
            AtMost(100),
        ],
    )
    last_name = StringField(
        _l("Last name"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter your last name.")),
            letters_only(NAME_SYMBOLS),
            AtMost(100),
        ],
    )
    latin_first_name = latin_name_field(
        "first_name",
        _l("First name in Latin letters"),
        _l(
            "US offices accept names in Latin letters only: write your first name as it is "
            "spelled in Latin letters, e.g. %(example)s."
        ),
        "Rania",
    )
    latin_last_name = latin_name_field(
        "last_name",
        _l("Last name in Latin letters"),
        _l(
            "US offices accept names in Latin letters only: write your last name as it is "
            "spelled in Latin letters, e.g. %(example)s."
        ),
        "Haddad",
    )
    email = EmailField(
        _l("Email"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter your email address.")),
            AtMost(254),
            check_email,
            question_typo,
        ],
    )
    # The address a "Did you mean …?" was asked about (kept if posted again unchanged), and
    # the suggestion's button; `email_suggestion`: the question asked on this page.
    email_asked = HiddenField()
    email_suggested = HiddenField()
    email_suggestion: str | None = None
    body = TextAreaField(
        _l("The letter"),
        filters=[clean_block],
        validators=[
            DataRequired(_l("The letter cannot be empty.")),
            at_most(
                BODY_LIMIT,
                _l(
                    "The letter has %(length)s characters and the limit is %(max)s. "
                    "Please shorten it: your text is kept here."
                ),
            ),
        ],
    )
    personal_message = TextAreaField(
        _l("Your own words (optional)"),
        filters=[clean_block],
        validators=[
            Optional(),
            at_most(
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
            at_most(
                PERSONAL_MESSAGE_LIMIT,
                _l(
                    "Your English version has %(length)s characters and the limit is %(max)s. "
                    "Please shorten it: your text is kept here."
                ),
            ),
        ],
    )
    include_original = BooleanField(_l("Include my words in Arabic too, below the English"))
    consent_updates = BooleanField()
    # The sharing partner's own consent box (its wording is set per partner).
    partner_consent = BooleanField()
    # The language the boxes' sentences were shown in: a later step in another language
    # (the preview's switch) still records the words beside the box that was ticked.
    consent_language = HiddenField()
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
    # Set by build_letter_form (form_build.py) from the ticket: the variant and its questions
    # in this language.
    prompt_variant: str | None = None
    prompt_questions: tuple[str, ...] = ()
    # A field people never see (hidden by CSS, skipped by screen readers): bots fill it in.
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])
    # Optional recipients kept ticked; `recipients_chosen`: they were asked; `recipients_shown`:
    # the boxes they saw (an office found later was never offered, so it is not unticked).
    recipients = SelectMultipleField(_l("Offices"), validate_choice=False)
    recipients_chosen = HiddenField()
    recipients_shown = SelectMultipleField(_l("Offices shown"), validate_choice=False)

    def validate_state(self, field: SelectField) -> None:
        if field.data and field.data not in BY_CODE:
            raise ValidationError(_l("Choose your state from the list."))

    def validate_prefix(self, field: SelectField) -> None:
        if field.data and field.data not in PREFIXES:
            raise ValidationError(_l("Choose a title from the list."))

    def validate_country(self, field: SelectField) -> None:
        if not is_country(field.data):
            raise ValidationError(_l("Choose your country from the list."))
