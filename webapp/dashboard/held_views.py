"""Letters the risk checks held, for admins: release one, or decline it after a confirmation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me
from webapp.dashboard.forms import ModerationForm
from webapp.database import db, utcnow
from webapp.models import Submission
from webapp.services.delivery_tallies import refresh_if_cheap
from webapp.services.moderation import Moderated, decline_held, held_letter, release_held

Act = Callable[[Session, Submission, int, datetime], Moderated]
# What the organiser is told when the letter no longer waited.
_NOT_WAITING = {
    Moderated.EXPIRED: _l("This letter had expired, so nothing was changed."),
    Moderated.DECLINED: _l("This letter was declined earlier, so nothing was changed."),
    Moderated.CONFIRMED: _l(
        "This letter was no longer waiting: its sender confirmed it, or another organiser "
        "released it. Nothing was changed."
    ),
}


@bp.post("/campaigns/<slug>/submissions/<int:submission_id>/release")
@admin_required
def release(slug: str, submission_id: int) -> BaseResponse:
    """An organiser vouches for a held letter: it is delivered without the sender's click."""
    return _moderate(
        slug, submission_id, release_held, _("The letter was released and will be delivered.")
    )


# One rule for the page and its form: with two, an id no column can hold would answer a POST
# with 405 (the GET rule's path matched) where every other id route answers 404.
@bp.route("/campaigns/<slug>/submissions/<int:submission_id>/decline", methods=["GET", "POST"])
@admin_required
def decline(slug: str, submission_id: int) -> BaseResponse | str:
    """An organiser turns down a held letter: it is never delivered, even if its sender
    confirms it later, and it leaves the list of letters waiting. Asked first (GET), with what
    declining means, since it cannot be undone."""
    if request.method == "GET":
        campaign, _partner = campaign_for_me(slug)
        submission = _held(campaign.id, submission_id, posted=False)
        return render_template(
            "dashboard/decline.html", campaign=campaign, s=submission, moderation=ModerationForm()
        )
    done = _("The letter was declined and will not be delivered.")
    return _moderate(slug, submission_id, decline_held, done)


def _moderate(slug: str, submission_id: int, act: Act, done: str) -> BaseResponse:
    """Release or decline (`act`) the letter a form names, and say what came of it."""
    campaign, _partner = campaign_for_me(slug)
    submission = _held(campaign.id, submission_id, posted=True)
    session, now = db.session(), utcnow()
    outcome = act(session, submission, me().id, now)
    if outcome is Moderated.DONE:
        # A released letter is counted now; the public count must not wait for its cache.
        current_app.extensions["letter_counts"].forget(campaign.id)
        # The page the organiser returns to shows it moved (queued, or never sent), as after
        # a retry: not the held count of up to a minute ago beside the flash saying it moved.
        refresh_if_cheap(session, campaign.id, now, max_age=timedelta(0))
        flash(done, "info")
    else:
        flash(str(_NOT_WAITING[outcome]), "error")
    return redirect(url_for("dashboard.campaign", slug=slug) + "#held")


def _held(campaign_id: int, submission_id: int, posted: bool) -> Submission:
    """The held letter a page or form names; 400 for a form without its token, else 404."""
    if posted and not ModerationForm().validate_on_submit():
        abort(400)
    submission = held_letter(db.session(), campaign_id, submission_id)
    if submission is None:
        abort(404)
    return submission
