"""Hide or flag a recent personal paragraph, and say what became of which one."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response as BaseResponse

from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me
from webapp.dashboard.forms import ModerationForm
from webapp.database import db, utcnow
from webapp.services.moderation import PARAGRAPH_ACTIONS, moderate_paragraph

# What each action did. The page opens at that paragraph, highlighted; the message names no
# one, as it waits in the session cookie (signed, not encrypted) until the page is drawn.
_DONE = {
    "hide": _l(
        "The highlighted paragraph is hidden: folded away on this page and marked hidden in "
        "the CSV. Its letter is unchanged."
    ),
    "show": _l("The highlighted paragraph is shown again on this page."),
    "flag": _l("The highlighted paragraph is flagged for review."),
    "unflag": _l("The highlighted paragraph is no longer flagged for review."),
}


@bp.post("/campaigns/<slug>/submissions/<int:submission_id>/moderate")
@admin_required
def moderate(slug: str, submission_id: int) -> BaseResponse:
    campaign, _partner = campaign_for_me(slug)
    form = ModerationForm()
    action = form.action.data
    if not form.validate_on_submit() or action not in PARAGRAPH_ACTIONS:
        abort(400)
    submission = moderate_paragraph(
        db.session(), campaign.id, submission_id, action, me().id, utcnow()
    )
    if submission is None:
        abort(404)
    flash(str(_DONE[action]), "info")
    url = url_for("dashboard.campaign", slug=slug, _anchor=f"personal-{submission.id}")
    return redirect(url)
