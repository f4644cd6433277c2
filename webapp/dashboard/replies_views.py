"""Dashboard: how often each office replied, as a CSV (the page's section is in views.py)."""

from __future__ import annotations

from flask import Response

from webapp.dashboard.blueprint import bp, campaign_for_me
from webapp.dashboard.replies_export import replies_csv
from webapp.database import db
from webapp.services.responsiveness import campaign_responsiveness


@bp.get("/campaigns/<slug>/replies.csv")
def replies_export(slug: str) -> Response:
    """Totals per office only, nothing about any one supporter: partners get it too."""
    campaign, partner = campaign_for_me(slug)
    replies = campaign_responsiveness(db.session(), campaign.id, public=partner is not None)
    response = Response("".join(replies_csv(replies)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{campaign.slug}-replies.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
