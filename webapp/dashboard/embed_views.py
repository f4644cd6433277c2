"""The embed snippets' own page: what a partner pastes into its site, away from the numbers."""

from __future__ import annotations

from flask import render_template

from webapp.dashboard.blueprint import bp, campaign_for_me
from webapp.dashboard.embed_snippets import PLAIN_FRAME_HEIGHT, credited_url, embed_snippets


@bp.get("/campaigns/<slug>/embed")
def embed(slug: str) -> str:
    """Admins get every partner's snippets; a partner account only its own (same access rules
    as the dashboard, which no longer shows them: they pushed its numbers screens down)."""
    campaign, partner = campaign_for_me(slug)
    return render_template(
        "dashboard/embed.html",
        campaign=campaign,
        partner=partner,
        partners=[partner] if partner else list(campaign.partners),
        embed_snippets=embed_snippets,
        credited_url=credited_url,
        plain_frame_height=PLAIN_FRAME_HEIGHT,
    )
