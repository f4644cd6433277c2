"""Where letters stand, for organisers: every delivery as CSV, packets delivered by hand,
letters given up on tried again."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, flash, redirect, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me
from webapp.dashboard.csv_stream import csv_response
from webapp.dashboard.deliveries_export import deliveries_csv
from webapp.dashboard.forms import OrganiserForm, PacketDeliveredForm, RetryDeadForm
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.packets import mark_office_packet_delivered
from webapp.delivery.undelivered import retry_undelivered, retry_undelivered_emails
from webapp.i18n import counted
from webapp.models import AuditAction
from webapp.services.delivery_tallies import refresh_delivery_tallies, refresh_if_cheap
from webapp.services.organisers import audit
from webapp.services.worker_status import worker_status
from webapp.supporter.said import flash_outcome


@bp.post("/campaigns/<slug>/packet-delivered")
@admin_required
def packet_delivered(slug: str) -> BaseResponse:
    """One office's packet handed over: its letters, as the page listed them, are delivered."""
    campaign, _partner = campaign_for_me(slug)
    form = PacketDeliveredForm()
    back = redirect(url_for(".packet_list", slug=slug), code=303)
    if not form.validate_on_submit():
        flash(_("Nothing was marked: the page had expired. Please try again."), "error")
        return back
    marked = mark_office_packet_delivered(
        db.session(), campaign.id, form.key.data or "", form.delivery_ids(), me().id, utcnow()
    )
    if marked:
        sentence = counted(
            "%(num)s letter recorded as delivered by hand.",
            "%(num)s letters recorded as delivered by hand.",
            marked,
        )
        flash(sentence, "info")
    else:
        flash(_("Nothing was marked: these letters were already recorded as delivered."), "info")
    return back


@bp.get("/campaigns/<slug>/deliveries.csv")
@admin_required
def deliveries_export(slug: str) -> Response:
    """Every letter to every office and where it stands, to follow up what did not arrive; with
    `?undelivered=<office key>`, only the letters to that office that could not be delivered."""
    campaign, _partner = campaign_for_me(slug)
    office = request.args.get("undelivered") or None
    session = db.session()
    with write_transaction(session):
        audit(session, me().id, AuditAction.EXPORT_DELIVERIES, utcnow(), campaign.id)
    rows = deliveries_csv(session, campaign.id, undelivered_to=office)
    name = f"{slug}-undelivered.csv" if office else f"{slug}-deliveries.csv"
    return csv_response(rows, session, name)


@bp.post("/campaigns/<slug>/undelivered/retry")
@admin_required
def retry_dead_letters(slug: str) -> BaseResponse:
    """Letters that could not be delivered get a fresh set of attempts, once the organisers
    mended the cause: the campaign's, or one office's (the form's `office`)."""
    campaign, _partner = campaign_for_me(slug)
    form = RetryDeadForm()
    # Back to the top of the map, where the outcome is said and focused (read out, and in
    # view on a phone): what is left to try is the next section down.
    back = redirect(url_for(".channels", slug=slug), code=303)
    if not form.validate_on_submit():
        flash(_("Nothing was tried again: the page had expired. Please try again."), "error")
        return back
    session, now = db.session(), utcnow()
    count = retry_undelivered(session, campaign.id, me().id, now, form.office.data or None)
    if count:  # the map's counts show them on their way, where a page may recount
        refresh_if_cheap(session, campaign.id, now, max_age=timedelta(0))
    flash_outcome(_retried(count, worker_status(session).active))
    return back


@bp.post("/campaigns/<slug>/undelivered/retry-emails")
@admin_required
def retry_dead_emails(slug: str) -> BaseResponse:
    """The campaign's emails to supporters given up on (receipts, confirmation links) get a
    fresh set of attempts, as `flask outbox retry-dead` gives them."""
    campaign, _partner = campaign_for_me(slug)
    back = redirect(url_for(".channels", slug=slug), code=303)
    if not OrganiserForm().validate_on_submit():
        flash(_("Nothing was tried again: the page had expired. Please try again."), "error")
        return back
    session, now = db.session(), utcnow()
    count = retry_undelivered_emails(session, campaign.id, me().id, now)
    if not count:
        said: Markup | str = str(
            _("No email was waiting to be tried again: another organiser may have done it.")
        )
    else:
        said = counted(
            "%(num)s email to a supporter will be tried again.",
            "%(num)s emails to supporters will be tried again.",
            count,
        )
    flash_outcome(said)
    return back


def _retried(count: int, worker_active: bool) -> Markup | str:
    """What the organiser is told: how many letters go again, and when they are sent."""
    if not count:
        return str(
            _("No letter was waiting to be tried again: another organiser may have done it.")
        )
    if worker_active:
        return counted(
            "%(num)s letter will be tried again: the delivery worker sends it within a minute "
            "or so.",
            "%(num)s letters will be tried again: the delivery worker sends them within a "
            "minute or so.",
            count,
        )
    return counted(
        "%(num)s letter will be tried again, once the delivery worker runs: it is stopped now, "
        "so the letter waits until it is started.",
        "%(num)s letters will be tried again, once the delivery worker runs: it is stopped now, "
        "so the letters wait until it is started.",
        count,
    )


@bp.post("/campaigns/<slug>/deliveries/recount")
@admin_required
def recount_deliveries(slug: str) -> BaseResponse:
    """Count every office's deliveries now: too many for a page to count unasked, so only an
    organiser who chose to wait does (the worker recounts each minute while it runs)."""
    campaign, _partner = campaign_for_me(slug)
    refresh_delivery_tallies(db.session(), campaign.id, utcnow())
    # Back to the page the button was on: one of three, named, never a URL from the form.
    if request.form.get("back") == "offices":
        return redirect(url_for(".offices", slug=slug), code=303)
    if request.form.get("back") == "channels":
        return redirect(url_for(".channels", slug=slug), code=303)
    return redirect(url_for(".campaign", slug=slug, _anchor="deliveries-heading"), code=303)
