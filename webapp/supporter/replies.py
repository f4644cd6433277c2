"""The survey "did they reply?" behind its signed link, and each campaign's public replies page."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from webapp.database import db, utcnow
from webapp.delivery.survey_email import ANSWER_LABELS, read_survey_token
from webapp.extensions import csrf
from webapp.models import (
    Campaign,
    CampaignStatus,
    OfficeReply,
    ReplyAnswer,
    ReplySurvey,
    Submission,
)
from webapp.security import kept_private
from webapp.services.reply_survey import record_answers, stop_contact, survey_for
from webapp.services.responsiveness import MIN_ANSWERS, campaign_responsiveness
from webapp.services.submissions import letter_by_receipt
from webapp.supporter.said import flash_outcome

bp = Blueprint("replies", __name__)
# The signed link is the only key: a cross-site form cannot know it, and one-click unsubscribe
# (RFC 8058) is a POST from the mail program with no session at all.
csrf.exempt(bp)


@bp.app_template_global()
def percent(value: float | None) -> str:
    return "" if value is None else str(format_percent(value))


def _survey_or_404(token: str) -> tuple[Submission, ReplySurvey]:
    receipt_token = read_survey_token(token)
    submission = letter_by_receipt(db.session(), receipt_token) if receipt_token else None
    survey = survey_for(db.session(), submission) if submission is not None else None
    if submission is None or survey is None:
        abort(404)
    return submission, survey


def _private(page: str) -> Response:
    # The URL is the key to these answers.
    return kept_private(Response(page))


def _answer(raw: str | None) -> ReplyAnswer | None:
    try:
        return ReplyAnswer(raw) if raw else None
    except ValueError:
        return None


def _survey_page(
    token: str,
    submission: Submission,
    offices: list[OfficeReply],
    chosen: dict[int, ReplyAnswer | None],
    single: bool,
) -> Response:
    page = render_template(
        "replies/survey.html",
        submission=submission,
        campaign=submission.campaign,
        offices=offices,
        chosen=chosen,
        labels=ANSWER_LABELS,
        token=token,
        single=single,
    )
    return _private(page)


@bp.get("/replies/<token>")
def survey(token: str) -> Response:
    """Every office of the letter with its current answer, to answer or change."""
    submission, survey = _survey_or_404(token)
    chosen = {o.delivery_id: o.answer for o in survey.offices}
    return _survey_page(token, submission, survey.offices, chosen, single=False)


@bp.get("/replies/<token>/<int:delivery_id>")
def answer_one(token: str, delivery_id: int) -> Response:
    """A one-click link from the email. Link scanners and mail prefetchers open links too,
    so opening it records nothing: the answer is preselected and one button records it."""
    submission, survey = _survey_or_404(token)
    office = next((o for o in survey.offices if o.delivery_id == delivery_id), None)
    if office is None:
        abort(404)
    answer = _answer(request.args.get("answer")) or office.answer
    return _survey_page(token, submission, [office], {delivery_id: answer}, single=True)


@bp.post("/replies/<token>")
def save(token: str) -> BaseResponse:
    submission, survey = _survey_or_404(token)
    answers = {
        o.delivery_id: answer
        for o in survey.offices
        if (answer := _answer(request.form.get(f"office-{o.delivery_id}"))) is not None
    }
    if record_answers(db.session(), submission, answers, utcnow()):
        # Focused as the survey page opens, so a screen reader says the press did something.
        flash_outcome(
            _("Thank you: your answers are recorded. You can change them here at any time.")
        )
    else:
        flash(_("Nothing was recorded: choose an answer for at least one office."), "error")
    return redirect(url_for(".survey", token=token), code=303)


def _stop_page(token: str, submission: Submission, stopped: bool) -> Response:
    page = render_template(
        "replies/stop.html",
        submission=submission,
        campaign=submission.campaign,
        token=token,
        stopped=stopped,
    )
    return _private(page)


@bp.get("/replies/<token>/stop")
def stop_page(token: str) -> Response:
    submission, _survey = _survey_or_404(token)
    return _stop_page(token, submission, submission.supporter.no_contact_at is not None)


@bp.post("/replies/<token>/stop")
def stop(token: str) -> Response:
    """Unsubscribe: the page's button, or the mail program's one-click POST (RFC 8058)."""
    submission, _survey = _survey_or_404(token)
    stop_contact(db.session(), submission.supporter, utcnow())
    return _stop_page(token, submission, stopped=True)


@bp.get("/campaigns/<slug>/replies")
def public_replies(slug: str) -> str:
    """Did the offices reply? Totals per office only, nobody's answer."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None or campaign.status is CampaignStatus.DRAFT:
        abort(404)
    return render_template(
        "replies/public.html",
        campaign=campaign,
        replies=campaign_responsiveness(db.session(), campaign.id, public=True),
        min_answers=MIN_ANSWERS,
    )
