"""The confirmation link from the email: a page with one button, which confirms the letter."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from webapp.database import db, utcnow
from webapp.delivery.emails import read_confirmation_token
from webapp.extensions import csrf
from webapp.i18n import counted
from webapp.models import Submission
from webapp.security import kept_private, render_error
from webapp.services.confirm_link import Clicked, Opened, confirm_link, link_page
from webapp.services.submissions import letter_by_receipt
from webapp.supporter.said import flash_outcome

bp = Blueprint("confirmation", __name__)
# The signed link is the only key: a cross-site form cannot know it, and the page is often
# opened in a mail app's own browser, with no session from the letter form.
csrf.exempt(bp)


def _letter(token: str) -> Submission | Response:
    """The letter a link names, or the page refusing a link that is not one of ours."""
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


def _confirmed_message(by_hand: int) -> str:
    """Say "on its way" only when nothing more is asked of the supporter: an office reached only
    through its web form gets the letter when they paste it there, and a supporter told their
    letter was on its way would close the page before reading the steps below."""
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
    page = link_page(submission, utcnow(), hours)
    if page.opened is Opened.TOO_LATE:  # not "please confirm": it was never confirmed
        flash(_("This letter was never confirmed in time, so it was not sent."), "error")
    if page.to_receipt:  # its receipt says why
        return redirect(url_for("supporter.receipt", token=submission.receipt_token), code=303)
    html = render_template(
        "supporter/confirm.html",
        submission=submission,
        campaign=submission.campaign,
        token=token,
        proving=page.proving,
        released=page.released,
        offices=page.offices,
        only_by_hand=page.only_by_hand,
    )
    return kept_private(Response(html))


@bp.post("/confirm/<token>")
def confirm(token: str) -> BaseResponse:
    """The page's button: deliveries wait for it."""
    submission = _letter(token)
    if isinstance(submission, Response):
        return submission
    hours = int(current_app.config["CONFIRMATION_EXPIRY_HOURS"])
    done = confirm_link(db.session(), submission, utcnow(), hours)
    if done.confirmed:
        current_app.extensions["letter_counts"].forget(submission.campaign_id)
    if done.clicked is Clicked.ADDRESS_PROVEN:
        flash_outcome(_("Thank you: your email address is confirmed."))
    elif done.clicked is Clicked.CONFIRMED:
        flash_outcome(_confirmed_message(done.by_hand))
    elif done.clicked is Clicked.TOO_LATE:  # a declined letter's receipt says why
        flash(_("This letter was never confirmed in time, so it was not sent."), "error")
    return redirect(url_for("supporter.receipt", token=submission.receipt_token), code=303)
