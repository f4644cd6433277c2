"""The confirmation link from the email: a page with one button, which confirms the letter."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from webapp.database import db, utcnow
from webapp.delivery.emails import read_confirmation_token
from webapp.delivery.outbox import confirm_submission, too_late
from webapp.extensions import csrf
from webapp.i18n import counted
from webapp.models import DeliveryStatus, Submission, SubmissionStatus
from webapp.security import kept_private, render_error
from webapp.services.submissions import letter_by_receipt

bp = Blueprint("confirmation", __name__)
# Letters that will not go: cancelled, or sent instead to a departed member's successor.
_GONE = frozenset({DeliveryStatus.CANCELLED, DeliveryStatus.REPLACED})
# The signed link is the only key: a cross-site form cannot know it, and the page is often
# opened in a mail app's own browser, with no session from the letter form.
csrf.exempt(bp)


def _letter(token: str) -> Submission | Response:
    """The letter a link names, or the page refusing a link that is not one of ours."""
    # The letter's own age decides whether it is too late (a held letter's link never is),
    # not the link's: a link emailed again later is no younger than the letter.
    receipt_token = read_confirmation_token(token)
    if receipt_token is None:
        message = _(
            "This confirmation link is not valid. Please open the whole link from the email, "
            "or copy it into the address bar in one piece."
        )
        return Response(render_error(400, message)[0], 400)
    submission = letter_by_receipt(db.session(), receipt_token)
    if submission is None:
        abort(404)
    return submission


def _confirmed_message(submission: Submission) -> str:
    """Say "on its way" only when nothing more is asked of the supporter: an office reached only
    through its web form gets the letter when they paste it there, and a supporter told their
    letter was on its way would close the page before reading the steps below."""
    by_hand = submission.offices_by_hand
    if not by_hand:
        return str(_("Thank you: your letter is confirmed and on its way."))
    return counted(
        "Thank you: your letter is confirmed. %(num)s office takes letters only through its "
        "own website: send your letter to it with the steps below.",
        "Thank you: your letter is confirmed. %(num)s offices take letters only through "
        "their own websites: send your letter to each of them with the steps below.",
        by_hand,
    )


@bp.get("/confirm/<token>")
def ask(token: str) -> BaseResponse:
    """Opening the link confirms nothing: mail scanners and link previews open links too, and
    would confirm a letter written in someone else's name. One button does it."""
    submission = _letter(token)
    if isinstance(submission, Response):
        return submission
    hours = int(current_app.config["CONFIRMATION_EXPIRY_HOURS"])
    unconfirmed = submission.status is SubmissionStatus.UNCONFIRMED
    late = unconfirmed and too_late(submission, utcnow(), hours)
    if late:  # the worker may not have expired it yet: say so, not "please confirm"
        flash(_("This letter was never confirmed in time, so it was not sent."), "error")
    unproven = submission.unproven
    if late or not (unconfirmed or unproven):  # its receipt says why
        return redirect(url_for("supporter.receipt", token=submission.receipt_token), code=303)
    page = render_template(
        "supporter/confirm.html",
        submission=submission,
        campaign=submission.campaign,
        token=token,
        proving=unproven,
        released=submission.released_unproven,
        offices=[d for d in submission.deliveries if d.status not in _GONE],
    )
    return kept_private(Response(page))


@bp.post("/confirm/<token>")
def confirm(token: str) -> BaseResponse:
    """The page's button: deliveries wait for it."""
    submission = _letter(token)
    if isinstance(submission, Response):
        return submission
    hours = int(current_app.config["CONFIRMATION_EXPIRY_HOURS"])
    proving = submission.unproven
    if confirm_submission(db.session(), submission, utcnow(), expiry_hours=hours):
        current_app.extensions["letter_counts"].forget(submission.campaign_id)
        if proving:
            flash(_("Thank you: your email address is confirmed."), "info")
        else:
            flash(_confirmed_message(submission), "info")
    elif submission.status is not SubmissionStatus.DECLINED:  # the receipt says why
        flash(_("This letter was never confirmed in time, so it was not sent."), "error")
    return redirect(url_for("supporter.receipt", token=submission.receipt_token), code=303)
