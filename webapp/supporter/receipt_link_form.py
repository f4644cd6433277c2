"""The "Email me my receipt link" form: one email address, CSRF-protected."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import DataRequired, Email, Length

from webapp.supporter.forms import clean_line


class ReceiptLinkForm(FlaskForm):
    email = EmailField(
        _l("Your email address"),
        filters=[clean_line],
        validators=[
            DataRequired(_l("Enter your email address.")),
            Length(max=254, message=_l("Use at most %(max)d characters.")),
            Email(_l("Enter a valid email address, like name@example.com.")),
        ],
    )
