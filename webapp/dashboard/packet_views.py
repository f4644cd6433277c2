"""Organisers record an office's packet as delivered by hand, from the packets page."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me
from webapp.dashboard.forms import PacketDeliveredForm
from webapp.database import db, utcnow
from webapp.delivery.packets import mark_office_packet_delivered
from webapp.i18n import counted


@bp.post("/campaigns/<slug>/packet-delivered")
@admin_required
def packet_delivered(slug: str) -> BaseResponse:
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
