"""The page for a receipt link that leads nowhere, shared by every route under /receipts/."""

from __future__ import annotations

from typing import NoReturn

from flask import abort, make_response, render_template

from webapp.campaigns.services import open_campaigns
from webapp.database import db, utcnow
from webapp.security import kept_private


def receipt_missing() -> NoReturn:
    """A link cut short or mistyped, or a deleted letter's: a 404 that says which could be and
    offers the link again by email, not a bare "page not found"; kept out of caches and
    Referer, as its path is the receipt's key."""
    page = render_template(
        "supporter/receipt_missing.html", campaigns=open_campaigns(db.session(), utcnow())
    )
    abort(kept_private(make_response(page, 404)))
