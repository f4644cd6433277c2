"""Forms for signing in, resetting a password and moderating personal paragraphs."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, FieldList, FormField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from webapp.services.organisers import MIN_PASSWORD_LENGTH


def _drop_nul(value: Any) -> Any:
    return value.replace("\x00", "") if isinstance(value, str) else value


class NulSafe:
    """Mixin for organiser forms: NUL characters are dropped from every field's input."""

    class Meta:
        def bind_field(self, form: Any, unbound_field: Any, options: dict[str, Any]) -> Any:
            # Lists and sub-forms take no filters: their own fields get this one.
            if not issubclass(unbound_field.field_class, FieldList | FormField):
                options["filters"] = [*unbound_field.kwargs.get("filters", ()), _drop_nul]
            return unbound_field.bind(form=form, **options)


class OrganiserForm(NulSafe, FlaskForm):
    """Base of the dashboard's forms."""


class LoginForm(OrganiserForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)]
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(_l("Enter your password.")), Length(max=200)]
    )
    next = HiddenField()


class ResetRequestForm(OrganiserForm):
    email = EmailField(
        _l("Email"), validators=[DataRequired(_l("Enter your email address.")), Length(max=254)]
    )


class NewPasswordForm(OrganiserForm):
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=_l("Use between %(min)d and %(max)d characters."),
            ),
        ],
    )
    confirm = PasswordField(
        _l("The same password again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )


class ModerationForm(OrganiserForm):
    action = HiddenField(validators=[DataRequired()])


class PacketDeliveredForm(OrganiserForm):
    """One office's packet delivered by hand: its key, and the letters the page listed."""

    key = HiddenField(validators=[DataRequired()])
    ids = HiddenField(validators=[DataRequired()])

    def delivery_ids(self) -> list[int]:
        return [int(part) for part in (self.ids.data or "").split(",") if part.isdigit()]


class RetryDeadForm(OrganiserForm):
    """Letters given up on, tried again: the campaign's, or one office's (its recipient key)."""

    office = HiddenField(validators=[Optional(), Length(max=80)])
