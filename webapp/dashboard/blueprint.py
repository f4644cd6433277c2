"""The dashboard blueprint, and access rules shared by its route modules."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import Blueprint, abort, current_app, request
from flask_login import current_user
from sqlalchemy import select

from webapp.database import db
from webapp.models import Campaign, Organiser, Partner

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

F = TypeVar("F", bound=Callable[..., Any])


@bp.before_request
def _require_login() -> Any:
    """Every dashboard page needs a signed-in organiser; only the sign-in pages do not."""
    from webapp.dashboard.auth import public_endpoint

    if public_endpoint(request.endpoint) or current_user.is_authenticated:
        return None
    return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]


def me() -> Organiser:
    return cast(Organiser, current_user._get_current_object())


def admin_required(view: F) -> F:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not me().is_admin:
            abort(403)
        return view(*args, **kwargs)

    return cast(F, wrapped)


def campaign_for_me(slug: str) -> tuple[Campaign, Partner | None]:
    """The campaign an organiser may see, and for a partner account its own Partner row.

    A partner asking for a campaign it does not share gets 404, as if it did not exist.
    """
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        abort(404)
    user = me()
    if user.is_admin:
        return campaign, None
    partner = next((p for p in campaign.partners if p.code == user.partner_code), None)
    if partner is None:
        abort(404)
    return campaign, partner


def visible_campaigns() -> list[Campaign]:
    user = me()
    query = select(Campaign).order_by(Campaign.created_at.desc())
    if not user.is_admin:
        query = query.join(Partner).where(Partner.code == user.partner_code)
    return list(db.session.scalars(query))
