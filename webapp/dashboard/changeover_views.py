"""Organisers act on letters held because their member left office: re-target or not send."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response as BaseResponse

from webapp.dashboard.blueprint import admin_required, bp, campaign_for_me, me
from webapp.dashboard.forms import ModerationForm
from webapp.database import db, utcnow, write_transaction
from webapp.models import AuditAction, Delivery, DeliveryStatus
from webapp.services.changeover import changeover_deps
from webapp.services.changeover_actions import organiser_cancel, organiser_retarget
from webapp.services.organisers import audit

HELD_SHOWN = 50


def held_letters(session: Session, campaign_id: int) -> list[Delivery]:
    """The oldest letters of a campaign held because their member left office."""
    return list(
        session.scalars(
            select(Delivery)
            .where(Delivery.campaign_id == campaign_id, Delivery.status == DeliveryStatus.HELD)
            .order_by(Delivery.id)
            .limit(HELD_SHOWN)
        )
    )


@bp.post("/campaigns/<slug>/deliveries/<int:delivery_id>/changeover")
@admin_required
def changeover_action(slug: str, delivery_id: int) -> BaseResponse:
    """`retarget`: to the seat's new member (the organiser checked it); `cancel`: not sent."""
    campaign, _partner = campaign_for_me(slug)
    form = ModerationForm()
    if not form.validate_on_submit() or form.action.data not in {"retarget", "cancel"}:
        abort(400)
    session = db.session()
    delivery = session.get(Delivery, delivery_id)
    if delivery is None or delivery.campaign_id != campaign.id:
        abort(404)
    now = utcnow()
    if form.action.data == "retarget":
        deps = changeover_deps(current_app.extensions["civic_lookup"], current_app.config)
        done = organiser_retarget(session, deps, delivery_id, now) is not None
        message = _("The letter goes to the seat's new member.")
        refused = _("Nobody holds this seat yet, or the letter is no longer held.")
    else:
        done = organiser_cancel(session, delivery_id, now)
        message = _("The letter will not be sent.")
        refused = _("This letter is no longer held.")
    if done:
        with write_transaction(session):
            audit(
                session,
                me().id,
                AuditAction(f"changeover.{form.action.data}"),
                now,
                campaign.id,
                delivery_id=delivery_id,
            )
    flash(message if done else refused, "info" if done else "error")
    return redirect(url_for("dashboard.campaign", slug=slug) + "#changeover")
