"""A letter the database could not take for a moment: nothing recorded, kept as posted to send
again (the full page and the widget), instead of a bare error and an empty form."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, Response, request

from webapp.campaigns.snapshots import last_known_campaign
from webapp.db_faults import DATABASE_ERRORS, database_unavailable
from webapp.models import Campaign
from webapp.security import database_busy
from webapp.supporter.campaign_page import resend_fields

# The campaign, the posted fields (their button left out) and the step to press again
# ("send" or "preview"), to a page and its status.
KeptPage = Callable[[Campaign, list[tuple[str, str]], str], tuple[str, int]]


def keep_letters_when_busy(
    bp: Blueprint, endpoint: str, page: KeptPage
) -> Callable[[Exception], Response]:
    """On `bp`, a database busy or out of reach while `endpoint` takes a letter answers 503
    with `page`: the supporter presses again a minute later and loses nothing. Returns the
    handler, for the blueprint's own error handlers, whose errors reach no other handler."""

    def handler(error: Exception) -> Response:
        slug = (request.view_args or {}).get("slug")
        # The worker's last copy of the campaign: the database is the thing not answering.
        campaign = last_known_campaign(slug) if slug else None
        if request.endpoint != endpoint or campaign is None or not database_unavailable(error):
            return database_busy(error)
        step = "preview" if request.form.get("action") == "preview" else "send"
        fields = resend_fields(request.form)
        return database_busy(error, lambda: page(campaign, fields, step))

    for error in DATABASE_ERRORS:
        bp.register_error_handler(error, handler)
    return handler
