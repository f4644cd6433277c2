"""The "Email me my receipt link" form: one email address, CSRF-protected."""

from __future__ import annotations

from typing import ClassVar

from flask import render_template
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from webapp.models import Campaign
from webapp.supporter.forms import LetterForm
from webapp.supporter.said import flash_sent_back


class ReceiptLinkForm(FlaskForm):
    # The letter form's own field: any address a letter was sent with is accepted here alike.
    email = LetterForm.email
    # The error summary's link goes to the field as the page names it.
    error_anchors: ClassVar[dict[str, str]] = {"email": "receipt-link-email"}


def refused_address() -> bool:
    """Whether the posted address is one the form refuses (empty, malformed, too long): such a
    request sends nothing and is answered on its field, so the rate limits leave it uncounted.
    Counted, every visitor's empty press shared the empty address's one bucket of three an hour,
    and mistyped tries used up a connection's."""
    form = ReceiptLinkForm(meta={"csrf": False})
    return not form.email.validate(form)


def receipt_link_expired(campaign: Campaign) -> tuple[str, int]:
    """The form posted after its token expired (left open while finding the address one wrote
    with): the page again, the address as typed, a fresh token to press with. A bare error
    page lost the address, and its Back button showed the same stale form."""
    flash_sent_back(
        _("For your security the page had expired. Nothing was recorded: press the button again.")
    )
    page = render_template("supporter/receipt_link.html", campaign=campaign, form=ReceiptLinkForm())
    return page, 400
