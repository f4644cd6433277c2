"""Dashboard pages: campaign list, one campaign's numbers, moderation, exports, packets."""

from __future__ import annotations

import tempfile
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_file,
    session,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from webapp.campaigns.services import stored_problems
from webapp.civic.index import ROSTER_DATASET
from webapp.civic.states import seat_code
from webapp.dashboard.audit_entries import audit_page
from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me, visible_campaigns
from webapp.dashboard.changeover_views import held_letters
from webapp.dashboard.charts import state_map
from webapp.dashboard.csv_stream import csv_response
from webapp.dashboard.data import build_dashboard
from webapp.dashboard.editor_problems import labelled
from webapp.dashboard.experiment import experiment_json, prompt_experiment
from webapp.dashboard.export import admin_csv, partner_csv
from webapp.dashboard.forms import ModerationForm, PacketDeliveredForm
from webapp.dashboard.office_listing import Listed, office_choice, office_listing
from webapp.dashboard.offices import DELIVERY_TALLY_MAX_AGE, partner_deliveries
from webapp.database import db, utcnow, write_transaction
from webapp.delivery.channel_health import channel_troubles, failing_everywhere
from webapp.delivery.channel_map import Shown, channel_map, shown, summarise
from webapp.delivery.channels import reach_from_config
from webapp.delivery.packet_pdf import BROWSER_PDF_LETTERS, write_packet_pdf
from webapp.delivery.packets import packet_csv, packets
from webapp.delivery.postal_budget import budget_from_config, postal_summary
from webapp.delivery.readiness import channel_states, letters_readiness, worker_refuses
from webapp.delivery.senate import senate_list_date, senate_offices
from webapp.delivery.undelivered import undelivered, undelivered_emails
from webapp.i18n import page_language
from webapp.models import AuditAction, CivicDataset
from webapp.services.civic_status import civic_status
from webapp.services.delivery_tallies import counts_for_map
from webapp.services.organisers import audit
from webapp.services.responsiveness import MIN_ANSWERS, campaign_responsiveness
from webapp.services.worker_status import worker_status
from webapp.supporter.state_names import state_options


@bp.get("/")
def home() -> str:
    session = db.session()
    admin = me().is_admin  # civic data and its warnings are the operators' (home.html)
    return render_template(
        "dashboard/home.html",
        campaigns=visible_campaigns(),
        roster=session.get(CivicDataset, ROSTER_DATASET) if admin else None,
        civic=civic_status(session, current_app.config, utcnow()) if admin else None,
        state_legislators=bool(current_app.config["OPENSTATES_API_KEY"]),
        worker=worker_status(session),
        # Where organisers land on a day of action: a channel down for every campaign is said
        # here too, not only on the pages of campaigns with letters waiting on it.
        channel_troubles=failing_everywhere(session, utcnow()) if admin else [],
    )


@bp.get("/campaigns/<slug>")
def campaign(slug: str) -> str:
    campaign, partner = campaign_for_me(slug)
    data = build_dashboard(db.session(), campaign, partner, utcnow())
    civic = (
        None if partner else civic_status(db.session(), current_app.config, utcnow(), campaign.id)
    )
    return render_template(
        "dashboard/campaign.html",
        campaign=campaign,
        partner=partner,
        data=data,
        civic=civic,
        held_letters=held_letters(db.session(), campaign.id) if civic else [],
        state_svg=state_map(data.by_state, _("Letters by state")),
        partner_deliveries=partner_deliveries(db.session(), campaign, partner) if partner else None,
        moderation=ModerationForm(),
        replies=campaign_responsiveness(db.session(), campaign.id, public=partner is not None),
        min_answers=MIN_ANSWERS,
        experiment=None if partner else prompt_experiment(db.session(), campaign),
        draft_saved=session.pop("editor_draft_saved", None),
        worker=worker_status(db.session()),
        stored_problems=[] if partner else [labelled(p) for p in stored_problems(campaign)],
        channel_troubles=[] if partner else channel_troubles(db.session(), campaign.id, utcnow()),
    )


@bp.get("/campaigns/<slug>/offices")
@admin_required
def offices(slug: str) -> str:
    """Every targeted office and every district, for coverage work."""
    campaign, _partner = campaign_for_me(slug)
    data = build_dashboard(db.session(), campaign, None, utcnow())
    choice = office_choice(request.args)
    listing = office_listing(choice, data.offices, data.by_district, data.quiet_districts)
    return render_template(
        "dashboard/offices.html",
        campaign=campaign,
        data=data,
        worker=worker_status(db.session()),
        choice=choice,
        listing=listing,
        Listed=Listed,
        states=state_options(page_language())[1:],
    )


@bp.get("/campaigns/<slug>/data.json")
def campaign_data(slug: str) -> Response:
    """The dashboard's numbers as JSON (same access rules as the page)."""
    campaign, partner = campaign_for_me(slug)
    data = build_dashboard(db.session(), campaign, partner, utcnow())
    body: dict[str, Any] = {
        "campaign": campaign.slug,
        "supporters": data.supporters,
        "goal": data.goal,
        "per_day": {b.label: b.value for b in data.per_day},
        "by_state": data.by_state,
        "by_district": data.by_district,
        "by_country": data.by_country,
        "personalised_share": data.personalised_share,
        # Added beside per_day and by_district, which scripts read as they are: whole dates,
        # and House seats written as the dashboard writes them ("VT-AL", not "VT-0").
        "per_date": {b.key: b.value for b in data.per_day},
        "by_seat": {seat_code(seat): n for seat, n in data.by_district.items()},
    }
    if partner is None:
        body |= {
            "per_hour": {b.label: b.value for b in data.per_hour},
            "per_hour_utc": {b.key: b.value for b in data.per_hour},
            "deliveries_by_status": data.deliveries_by_status,
            # When those were counted (null: not yet, for a campaign too big to count inline).
            "deliveries_counted_at": data.deliveries_counted_at.isoformat()
            if data.deliveries_counted_at
            else None,
            "by_partner": {row.label: row.letters for row in data.by_partner},
            # Beside by_partner, whose keys scripts read as they are.
            "unknown_partner_codes": dict(data.unknown_partner_codes),
            "by_source": dict(data.by_source),
            "quiet_districts": data.quiet_districts,
            "unconfirmed": data.unconfirmed,
        }
        experiment = prompt_experiment(db.session(), campaign)
        if experiment is not None:
            body["prompt_experiment"] = experiment_json(experiment)
    return jsonify(body)


@bp.get("/campaigns/<slug>/export.csv")
def export(slug: str) -> Response:
    """Admins get every letter; a partner gets only supporters who opted in to it."""
    campaign, partner = campaign_for_me(slug)
    session = db.session()
    if partner is None:
        names = {p.id: p.code for p in campaign.partners}
        rows = admin_csv(session, campaign.id, names)
        audit_action = AuditAction.EXPORT_LETTERS
    else:
        rows = partner_csv(session, campaign.id, partner)
        audit_action = AuditAction.EXPORT_PARTNER_SUPPORTERS
    with write_transaction(session):
        audit(session, me().id, audit_action, utcnow(), campaign.id)
    filename = f"{campaign.slug}-{'letters' if partner is None else partner.code}.csv"
    return csv_response(rows, session, filename)


@bp.get("/campaigns/<slug>/channels")
@admin_required
def channels(slug: str) -> str:
    """How a letter would reach each office today, and how each office's letters fared."""
    campaign, _partner = campaign_for_me(slug)
    session = db.session()
    reach = reach_from_config(current_app.config, senate_offices(session))
    asked = request.args.get("show", "")
    show = Shown(asked) if asked in set(Shown) else Shown.ALL
    # Judged as the worker and `flask delivery check` judge them: email with no SMTP_URL waits.
    states = channel_states(current_app.config)
    # A small campaign's counted now, as its undelivered letters are read; a big one's say when.
    counted, counts = counts_for_map(session, campaign.id, utcnow(), DELIVERY_TALLY_MAX_AGE)
    rows = channel_map(session, campaign, reach, letters_readiness(states), counts)
    return render_template(
        "dashboard/channels.html",
        data=counted,
        worker_refuses=worker_refuses(states),
        campaign=campaign,
        rows=shown(rows, show),
        summary=summarise(rows),
        show=show,
        Shown=Shown,
        reach=reach,
        senate_list_date=senate_list_date(session),
        postal=postal_summary(session, campaign, budget_from_config(current_app.config), utcnow())
        if reach.post
        else None,
        undelivered=undelivered(session, campaign.id),
        undelivered_emails=undelivered_emails(session, campaign.id),
        worker=worker_status(session),
        channel_troubles=channel_troubles(session, campaign.id, utcnow()),
    )


@bp.get("/campaigns/<slug>/packets")
@admin_required
def packet_list(slug: str) -> str:
    campaign, _partner = campaign_for_me(slug)
    return render_template(
        "dashboard/packets.html",
        campaign=campaign,
        packets=packets(db.session(), campaign.id),
        browser_pdf_letters=BROWSER_PDF_LETTERS,
        delivered_form=PacketDeliveredForm(),
    )


@bp.get("/campaigns/<slug>/packets/<path:key>")
@admin_required
def packet(slug: str, key: str) -> BaseResponse:
    campaign, _partner = campaign_for_me(slug)
    found = next((p for p in packets(db.session(), campaign.id) if p.recipient_key == key), None)
    if found is None:
        abort(404)
    if request.args.get("format") == "csv":
        response = Response(packet_csv(found), mimetype="text/csv")
        name = found.download_name(campaign.slug, "csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if request.args.get("format") == "pdf":
        if len(found.deliveries) > BROWSER_PDF_LETTERS:
            abort(413)  # the page offers the command instead
        pdf = tempfile.SpooledTemporaryFile(max_size=8 << 20)  # noqa: SIM115 - send_file closes it
        write_packet_pdf(db.session(), found, pdf, campaign.id)
        pdf.seek(0)
        name = found.download_name(campaign.slug, "pdf")
        return send_file(pdf, mimetype="application/pdf", as_attachment=True, download_name=name)
    return Response(render_template("delivery/packet.html", packet=found))


@bp.get("/campaigns/<slug>/audit")
@admin_required
def audit_log(slug: str) -> str:
    campaign, _partner = campaign_for_me(slug)
    entries = audit_page(db.session(), campaign.id)
    return render_template("dashboard/audit.html", campaign=campaign, entries=entries)
