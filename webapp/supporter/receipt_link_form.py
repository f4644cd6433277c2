"""The "Email me my receipt link" form: one email address, CSRF-protected."""

from __future__ import annotations

from flask_wtf import FlaskForm

from webapp.supporter.forms import LetterForm


class ReceiptLinkForm(FlaskForm):
    # The letter form's own field: any address a letter was sent with is accepted here alike.
    email = LetterForm.email
