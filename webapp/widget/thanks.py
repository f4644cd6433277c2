"""The widget's thank-you step, rendered once per campaign version and set of offices.

Every supporter in a district sees the same page but for their first name and receipt link (and
the frame's parent origin and widget id), so the page is cut at markers like the form pages
(webapp/supporter/page_cache.py) and filled in per letter. Rendering it afresh was a sixteenth of
a letter's CPU on a day of action.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import render_template, request

from webapp.database import db
from webapp.i18n import explicit_language, page_language
from webapp.models import Campaign
from webapp.services.closed_campaigns import recorded_receipt
from webapp.services.recorded import RecordedLetter
from webapp.supporter.campaign_page import ticked_a_box
from webapp.supporter.page_cache import FormPages
from webapp.supporter.text_lang import latin_lang
from webapp.supporter.unsent_words import unsent_words
from webapp.unproxied import this_app, this_request


def letter_ref(receipt_token: str) -> str:
    """The letter's id in the embedding page's civic-letters:sent event, so it can count each
    letter once. Keyed from the receipt token, one way: the page must never hold anything that
    opens the receipt."""
    secret = this_app().config["SECRET_KEY"]
    key = secret.encode() if isinstance(secret, str) else secret
    message = b"civic-letters:sent\0" + receipt_token.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:20]


def thanks_page(
    campaign: Campaign, letter: RecordedLetter | None, repeat: bool, ctx: dict[str, Any]
) -> bytes:
    """widget/done.html for `letter` (None with `repeat`: the address had already written)."""
    values = {"parent": ctx["parent"], "wid": ctx["wid"]}
    request = this_request()
    # A repeat letter with a box ticked is told that box was not recorded either.
    ticked = repeat and ticked_a_box(request.form)
    # Marked English or not from the name itself: the page is rendered with a marker in its place.
    name_lang = None if letter is None else latin_lang(letter.own_first_name)
    if letter is not None:
        values |= {"name": letter.own_first_name, "receipt": letter.receipt_token}
        values["email"] = letter.email
        values["ref"] = letter_ref(letter.receipt_token)

    def render(value_of: Callable[[str], str]) -> str:
        shown = letter
        if letter is not None:
            shown = replace(
                letter,
                own_first_name=value_of("name"),
                receipt_token=value_of("receipt"),
                email=value_of("email"),
            )
        return render_template(
            "widget/done.html",
            letter=shown,
            repeat=repeat,
            ticked=ticked,
            letter_ref=value_of("ref") if letter is not None else "",
            name_lang=name_lang,
            **{**ctx, "parent": value_of("parent"), "wid": value_of("wid")},
        )

    # Everything else the page shows: the offices and their statuses come in the key whole.
    shape = None if letter is None else (letter.residence, letter.confirmed, letter.offices)
    key = (
        "widget-thanks",
        campaign.id,
        campaign.updated_at,
        page_language(),
        explicit_language(),
        request.host_url,
        ctx["mode"],
        ctx["full_page"],  # its share links carry the partner's code
        ctx["partner_unknown"],  # a code naming no partner, which the host page warns of
        repeat,
        ticked,
        shape,
        name_lang,
    )
    pages: FormPages = this_app().extensions["thanks_pages"]
    return pages.page(key, render, values)


def closed_mid_letter(campaign: Campaign, ctx: dict[str, Any]) -> tuple[str | bytes, int]:
    """The campaign closed while its form was open: nothing from this form is recorded. A Send
    from an address whose letter is recorded (a second click as it closed, or Back and Send) is
    told so, as while it was open, not that its letter was not sent."""
    if request.form.get("action") == "send" and recorded_receipt(
        db.session(), campaign.id, request.form.get("email") or ""
    ):
        return thanks_page(campaign, None, True, ctx), 200
    # Its writer's words come back to copy: the frame is all they have of them.
    unsent = unsent_words(campaign, request.form)
    return render_template("widget/closed.html", unsent=unsent, **ctx), 403
