"""The "Email me my receipt link" form: one email address, CSRF-protected."""

from __future__ import annotations

from typing import ClassVar

from flask_wtf import FlaskForm

from webapp.supporter.forms import LetterForm


class ReceiptLinkForm(FlaskForm):
    # The letter form's own field: any address a letter was sent with is accepted here alike.
    email = LetterForm.email
    # The error summary's link goes to the field as the page names it.
    error_anchors: ClassVar[dict[str, str]] = {"email": "receipt-link-email"}
