"""Hide or flag a recent personal paragraph, and say what became of which one."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me
from webapp.dashboard.forms import ModerationForm
from webapp.database import db, utcnow
from webapp.i18n import bdi
from webapp.services.moderation import PARAGRAPH_ACTIONS, moderate_paragraph

# What each action did, to the paragraph named by its writer (as the dashboard's line names it).
_DONE = {
    "hide": _l(
        "The paragraph from %(who)s is hidden: folded away on this page and marked hidden in "
        "the CSV. Its letter is unchanged."
    ),
    "show": _l("The paragraph from %(who)s is shown again on this page."),
    "flag": _l("The paragraph from %(who)s is flagged for review."),
    "unflag": _l("The paragraph from %(who)s is no longer flagged for review."),
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
    # The writer's name and town are theirs to spell, in any script: each isolated.
    who = Markup("%s, %s") % (bdi(submission.first_name), bdi(submission.city))
    flash(escape(str(_DONE[action])) % {"who": who}, "info")
    url = url_for("dashboard.campaign", slug=slug, _anchor=f"personal-{submission.id}")
    return redirect(url)
