"""Per-field checks of the letter form whose rule depends on other fields or needs a message."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import StopValidation, ValidationError

from webapp.civic.states import BY_CODE
from webapp.civic.types import Residence
from webapp.civic.zip_prefixes import states_for_zip
from webapp.i18n import isolate, number
from webapp.supporter.form_messages import Said
from webapp.supporter.state_names import state_name

if TYPE_CHECKING:
    from webapp.supporter.forms import LetterForm

_ZIP_RE = re.compile(r"^\d{5}(?:-?\d{4})?$")


def check_email(form: FlaskForm, field: EmailField) -> None:
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
        raise ValidationError(
            Said(
                _l("Enter a valid email address, like %(example)s."),
                values={"example": "name@example.com"},
            )
        ) from exc
    field.data = result.normalized


def check_zip(form: LetterForm, field: StringField) -> None:
    if not field.data:
        return
    if not _ZIP_RE.match(field.data):
        raise ValidationError(
            Said(
                _l("Enter a 5-digit ZIP code, like %(zip)s (or ZIP+4, %(zip4)s)."),
                # A hyphen no line breaks at (as the Arabic catalog had it).
                values={"zip": "20500", "zip4": "20500\u20110003"},
            )
        )
    digits = field.data.replace("-", "")
    field.data = digits[:5] if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"
    state = form.state.data
    known = states_for_zip(field.data)
    if state in BY_CODE and known is not None and state not in known:
        raise ValidationError(
            _l(
                "ZIP code %(zip)s is not in %(state)s. Check the ZIP code or the state.",
                zip=isolate(field.data),
                state=isolate(state_name(state)),
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


def when_in_us(message: Any) -> Any:
    """Required for an address in the US (home, or where a citizen abroad votes)."""
    return _required_unless(Residence.ABROAD, message)


def when_abroad(message: Any) -> Any:
    """Required from a supporter who lives outside the US."""
    return _required_unless(Residence.US, message)


def at_most(limit: int, message: Any) -> Any:
    """A length limit that tells the current length and sets no `maxlength`: browsers would
    cut a long paste silently, and the supporter must see and keep their whole text."""

    def check(form: LetterForm, field: Any) -> None:
        length = len(field.data or "")
        if length > limit:
            # Isolated, so each number keeps its place inside a right-to-left sentence.
            shown = {"max": isolate(number(limit)), "length": isolate(number(length))}
            raise ValidationError(message % shown)

    return check
