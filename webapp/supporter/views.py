"""Supporter pages: campaign list, the letter form, preview, and the receipt."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from webapp.antiabuse.limits import (
    letter_email_limit,
    letter_ip_limit,
    not_sending,
    receipt_link_email_limit,
    receipt_link_ip_limit,
    sender_email_key,
)
from webapp.campaigns.services import campaign_by_slug, open_campaigns
from webapp.campaigns.snapshots import campaign_snapshot
from webapp.database import db, utcnow
from webapp.delivery.handoff import handoff_for
from webapp.extensions import limiter
from webapp.models import Campaign, CampaignStatus, DeliveryStatus, Submission, SubmissionStatus
from webapp.security import (
    handler_page,
    kept_private,
    render_error,
    retry_minutes,
    with_error_headers,
)
from webapp.services.closed_campaigns import recorded_receipt
from webapp.services.link_emails import link_email
from webapp.services.receipt_links import email_receipt_link
from webapp.services.submissions import letter_by_receipt
from webapp.supporter.campaign_page import (
    form_for,
    form_page,
    get_address,
    posted_get_address,
    render_form,
    resend_fields,
    ticked_a_box,
)
from webapp.supporter.flow import Step, handle_letter
from webapp.supporter.form_build import find_partner
from webapp.supporter.kept_letter import keep_letters_when_busy
from webapp.supporter.office_names import register_office_names
from webapp.supporter.receipt_link_form import (
    ReceiptLinkForm,
    receipt_link_expired,
    refused_address,
)
from webapp.supporter.receipt_missing import receipt_missing
from webapp.supporter.row_notes import row_note
from webapp.supporter.said import flash_outcome, flash_sent_back
from webapp.supporter.templating import register_template_helpers
from webapp.supporter.text_lang import register_text_lang
from webapp.supporter.unsent_words import unsent_words

bp = Blueprint("supporter", __name__)
register_template_helpers(bp)
register_office_names(bp)
register_text_lang(bp)

_RECEIPTS_KEPT = 20


def _campaign_or_404(slug: str) -> Campaign:
    campaign = campaign_snapshot(slug)
    if campaign is None or campaign.status is CampaignStatus.DRAFT:
        abort(404)
    return campaign


@bp.get("/")
def index() -> str:
    return render_template("supporter/index.html", campaigns=open_campaigns(db.session(), utcnow()))


@bp.get("/privacy")
def privacy() -> str:
    """Who receives what, and for how long it is kept."""
    campaigns = db.session.scalars(
        select(Campaign)
        .where(Campaign.status != CampaignStatus.DRAFT)
        .order_by(Campaign.created_at)
    ).all()
    return render_template("supporter/privacy.html", campaigns=campaigns)


@bp.get("/campaigns/<slug>")
def campaign(slug: str) -> tuple[str | bytes, int]:
    campaign = _campaign_or_404(slug)
    if "_flashes" in session:
        # A message shown once belongs to this request alone: render the page afresh.
        return render_form(campaign, form_for(campaign))
    return form_page(campaign), 200


@bp.post("/campaigns/<slug>")
@limiter.limit(letter_ip_limit, exempt_when=not_sending, fail_open=True)
@limiter.limit(letter_email_limit, key=sender_email_key, exempt_when=not_sending, fail_open=True)
def write(slug: str) -> tuple[str, int] | BaseResponse:
    """One form, three buttons: preview the letter, go back to edit it, or send it."""
    campaign = _campaign_or_404(slug)
    if not campaign.is_open(utcnow()):
        # Closed while the form was open: a Send whose letter is recorded already (a second
        # press as it closed, Back and Send) is told so, as while open.
        email = request.form.get("email") if request.form.get("action") == "send" else None
        recorded = recorded_receipt(db.session(), campaign.id, email or "")
        if recorded is not None:
            return _already_sent(campaign, recorded)
        # Its writer's words come back to copy: a redirect to the closed page dropped them.
        unsent = unsent_words(campaign, request.form)
        return render_form(campaign, form_for(campaign), 403, unsent=unsent)
    form = form_for(campaign)
    action = request.form.get("action", "preview")
    if action == "language":
        # The language switch: the same form in the other language, nothing checked yet.
        return render_form(campaign, form)
    partner = find_partner(campaign, form.partner.data)
    valid = form.validate_on_submit()
    outcome = handle_letter(campaign, form, action, valid, partner)
    if outcome.step is Step.FORM:
        return render_form(campaign, form, outcome.status, plan=outcome.plan)
    if outcome.step is Step.PREVIEW:
        page = render_template(
            "supporter/preview.html",
            campaign=campaign,
            form=form,
            outcome=outcome.letter,
            get_url=get_address(campaign, form),
        )
        return page, 200
    if outcome.letter is None or outcome.letter.result is None:
        abort(500)
    token = outcome.letter.result.receipt_token
    if outcome.step is Step.RECORDED:
        _remember_receipt(token)
        return redirect(url_for(".receipt", token=token), code=303)
    return _already_sent(campaign, token)


def _already_sent(campaign: Campaign, token: str) -> tuple[str, int] | BaseResponse:
    """A Send whose letter is recorded already: its receipt for the writer who has it in this
    browser, a page that says so (and shows nothing of the letter) for anyone else."""
    if token in session.get("receipts", []):
        flash(
            _("You already sent this letter, so nothing new was recorded. Here is your receipt."),
            "info",
        )
        if ticked_a_box(request.form):
            flash(
                _(
                    "The boxes you ticked this time were not recorded either: what you agreed "
                    "to with your first letter stands."
                ),
                "info",
            )
        return redirect(url_for(".receipt", token=token), code=303)
    page = render_template(
        "supporter/already_sent.html", campaign=campaign, ticked=ticked_a_box(request.form)
    )
    return page, 200


def _remember_receipt(token: str) -> None:
    tokens = [t for t in session.get("receipts", []) if t != token]
    session["receipts"] = [*tokens, token][-_RECEIPTS_KEPT:]


@bp.errorhandler(CSRFError)
def csrf_failed(error: CSRFError) -> ResponseReturnValue:
    """An expired form keeps what the supporter typed and asks them to send again."""
    return handler_page(_expired_form, _busy_letter)


def _expired_form() -> tuple[str, int] | BaseResponse:
    slug = (request.view_args or {}).get("slug")
    if request.endpoint == "supporter.send_receipt_link" and slug:
        return receipt_link_expired(_campaign_or_404(slug))
    if request.endpoint != "supporter.write" or not slug:
        return render_error(400)
    campaign = campaign_by_slug(db.session(), slug)
    if campaign is None or campaign.status is CampaignStatus.DRAFT:
        return render_error(404)
    if not campaign.is_open(utcnow()):
        flash(_("This campaign is not accepting letters."), "error")
        return redirect(url_for(".campaign", slug=slug))
    flash_sent_back(
        _(
            "For your security the form had expired. Your letter is still here: please "
            "check it and press the button again."
        )
    )
    return render_form(campaign, form_for(campaign), 400, failed=True)


@bp.errorhandler(429)
def too_many_letters(error: HTTPException) -> BaseResponse:
    """Rate limited on Send (often a shared network at an event): a light page that holds the
    letter as it was posted, to send again in a minute or change, instead of losing it."""
    slug = (request.view_args or {}).get("slug")
    campaign = campaign_snapshot(slug) if slug else None
    if request.endpoint != "supporter.write" or campaign is None or not campaign.is_open(utcnow()):
        return with_error_headers(error, make_response(render_error(429)))
    page = _render_kept(campaign, fields=resend_fields(request.form), minutes=retry_minutes(error))
    return with_error_headers(error, make_response(page, 429))


def _kept_letter(campaign: Campaign, fields: list[tuple[str, str]], step: str) -> tuple[str, int]:
    return _render_kept(campaign, fields=fields, step=step, busy=True), 503


def _render_kept(campaign: Campaign, **context: Any) -> str:
    """The page holding a letter as posted (too many letters, the database busy), to send again;
    Back from what follows comes to the campaign page, not to this POST."""
    get_url = posted_get_address(campaign)
    return render_template("supporter/too_many.html", campaign=campaign, get_url=get_url, **context)


_busy_letter = keep_letters_when_busy(bp, "supporter.write", _kept_letter)


def _submission_or_404(token: str) -> Submission:
    submission = letter_by_receipt(db.session(), token)
    if submission is None:
        receipt_missing()
    return submission


@bp.get("/receipts/<token>")
def receipt(token: str) -> BaseResponse:
    submission = _submission_or_404(token)
    # Shared with others: no language of ours in it, each reader's browser chooses.
    campaign_url = url_for(".campaign", slug=submission.campaign.slug, _external=True, lang=None)
    base = current_app.config["PUBLIC_BASE_URL"]
    if base:
        campaign_url = base + url_for(".campaign", slug=submission.campaign.slug, lang=None)
    waiting = submission.status is SubmissionStatus.UNCONFIRMED
    page = render_template(
        "supporter/receipt.html",
        submission=submission,
        campaign=submission.campaign,
        campaign_url=campaign_url,
        can_share=submission.campaign.is_open(utcnow()),  # a closed one takes no letters
        link_email=link_email(db.session(), submission) if waiting else None,
        row_note=row_note(request.args, submission.campaign, list(submission.deliveries)),
        # A hand-off, or a letter the worker could not deliver, goes through the office's
        # form until retention removed its own words: what is left is not the letter written.
        handoffs={
            d.id: handoff_for(d, campaign_url)
            for d in submission.deliveries
            if submission.purged_at is None
            and (
                d.status is DeliveryStatus.NEEDS_ACTION
                or (d.status is DeliveryStatus.DEAD and d.contact_url and not d.changeover)
            )
        },
    )
    # The URL is the only key to this page.
    return kept_private(Response(page))


@bp.get("/campaigns/<slug>/receipt-link")
def receipt_link(slug: str) -> str:
    """Lost the receipt link? Ask for it by email (linked from /privacy and "already sent")."""
    campaign = _campaign_or_404(slug)
    return render_template("supporter/receipt_link.html", campaign=campaign, form=ReceiptLinkForm())


@bp.post("/campaigns/<slug>/receipt-link")
@limiter.limit(receipt_link_ip_limit, exempt_when=refused_address)
@limiter.limit(receipt_link_email_limit, key=sender_email_key, exempt_when=refused_address)
def send_receipt_link(slug: str) -> tuple[str, int] | BaseResponse:
    campaign = _campaign_or_404(slug)
    form = ReceiptLinkForm()
    if not form.validate_on_submit():
        page = render_template("supporter/receipt_link.html", campaign=campaign, form=form)
        return page, 400
    email_receipt_link(db.session(), campaign, form.email.data or "", utcnow())
    # The same answer whether or not this address wrote: the page must not tell who did.
    flash_outcome(
        _("If this address wrote to this campaign, we have sent it the link to the receipt.")
    )
    return redirect(url_for(".receipt_link", slug=slug), code=303)
