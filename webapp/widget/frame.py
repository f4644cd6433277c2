"""The framed page's own context: its mode, links out, letter copies and first address."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from webapp.database import utcnow
from webapp.i18n import explicit_language, page_language
from webapp.letters.markdown import markdown_to_html
from webapp.models import Campaign, Partner
from webapp.services.recipients import lookup_chambers
from webapp.supporter.campaign_page import title_needed
from webapp.supporter.campaign_text import with_placeholders
from webapp.supporter.form_build import build_letter_form, carried_code
from webapp.supporter.forms import LetterForm
from webapp.unproxied import this_request

MODES = ("letter", "signup", "counter")


def frame_context(
    campaign: Campaign, parent: str | None, partner: Partner | None
) -> dict[str, Any]:
    """What every widget page is rendered with, from the frame's own address or form."""
    values = this_request().values
    wid = (values.get("wid") or "")[:32]
    mode = values.get("mode", "letter")
    written = values.get("partner")
    # Links out of the frame keep the partner (a letter written there is theirs too), or the
    # code as written, which names none, so that letter keeps it too.
    page = url_for(
        "supporter.campaign",
        slug=campaign.slug,
        _external=True,
        partner=carried_code(partner, written),
    )
    return {
        # The embedding page's script warns in its console of a code that names no partner.
        "partner_unknown": "yes" if written and partner is None else "",
        "campaign": campaign,
        "mode": mode if mode in MODES else "letter",
        "wid": wid if wid.replace("-", "").isalnum() else "",
        "parent": parent or "",
        "full_page": page,
        "is_open": campaign.is_open(utcnow()),
        "has_lookup": bool(lookup_chambers(campaign)),
        "title_needed": title_needed(),
    }


def letter_copies(campaign: Campaign) -> dict[str, Any]:
    """The letter as offices receive it, and its reading copy in the page's language if any."""
    language = page_language()
    copy = campaign.reading_copy(language)
    reading = None
    if copy is not None:
        salutation = copy.get("salutation")
        reading = {
            "language": language,
            "salutation": with_placeholders(campaign, salutation, False, language)
            if salutation
            else None,
            "body_html": markdown_to_html(
                with_placeholders(campaign, copy["body"], True, language)
            ),
        }
    body = with_placeholders(campaign, campaign.body, markdown=True)
    return {"body_html": markdown_to_html(body), "reading": reading}


def letter_form(campaign: Campaign, partner: Partner | None, **kwargs: Any) -> LetterForm:
    return build_letter_form(campaign, partner, meta={"csrf": False}, **kwargs)


def get_address(
    campaign: Campaign, ctx: dict[str, Any], partner: Partner | None, source: str | None
) -> str:
    """The frame's first address, which a step answering a POST becomes in the frame's history
    as it is left (letter-form.js), so Back loads the form instead of "Confirm Form
    Resubmission". The embedding page's details only: nothing the supporter typed."""
    return url_for(
        "widget.widget",
        slug=campaign.slug,
        parent=ctx["parent"] or None,
        partner=carried_code(partner, request.values.get("partner")),
        source=source or None,
        wid=ctx["wid"] or None,
        mode=None if ctx["mode"] == "letter" else ctx["mode"],
        lang=explicit_language(),
    )


# Filled in per request on a cached widget page (a code naming no partner is not in its key).
FRAME_SLOTS = ("parent", "wid", "partner_unknown", "full_page")
