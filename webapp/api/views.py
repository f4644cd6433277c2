"""JSON API views: parse the query, call the lookup service, answer in the documented shape."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import gettext as _
from sqlalchemy import select

from webapp.api.serialise import lookup_json, plan_json, zip_hint
from webapp.civic.lookup import AddressQuery, CivicLookup
from webapp.civic.states import BY_CODE
from webapp.database import db, utcnow
from webapp.extensions import csrf, limiter
from webapp.models import Campaign, CampaignStatus
from webapp.services.counts import PublicStatsCache
from webapp.services.health import health as health_of
from webapp.services.own_words import commonness, sketch
from webapp.services.recipients import lookup_chambers, plan_recipients
from webapp.services.stats import public_stats
from webapp.text_input import ascii_digits

bp = Blueprint("api", __name__, url_prefix="/api")

_ZIP_RE = re.compile(r"^(\d{5})(?:-?\d{4})?$")
_CONGRESS = ("us_senate", "us_house")
STATS_MAX_AGE = 30
# The form's own limit on a paragraph is 5,000 characters; a little more is still answered.
OWN_WORDS_TEXT_LIMIT = 6000


class BadQuery(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _query_from_args(args: Any) -> AddressQuery:
    raw_zip = ascii_digits(args.get("zip") or "").strip()
    address = ascii_digits(args.get("address") or "").strip()
    state = (args.get("state") or "").strip().upper() or None
    if state is not None and state not in BY_CODE:
        raise BadQuery("state", _("Unknown state code: use two letters, like MI."))
    if len(address) > 300:
        raise BadQuery("address", _("The address is too long (at most 300 characters)."))
    match = _ZIP_RE.match(raw_zip)
    if raw_zip and not match:
        raise BadQuery("zip", _("Give a 5-digit ZIP code, like 48126."))
    if not match and not address:
        raise BadQuery("zip", _("Give a ZIP code (zip=) or a one-line address (address=)."))
    zip_code = match.group(1) if match else _zip_in(address)
    return AddressQuery(zip_code=zip_code, state=state, line=address or None)


def _zip_in(address: str) -> str:
    found = re.findall(r"\b(\d{5})(?:-\d{4})?\b", address)
    return found[-1] if found else ""


def _lookup() -> CivicLookup:
    lookup: CivicLookup = current_app.extensions["civic_lookup"]
    return lookup


@bp.get("/representatives")
@limiter.limit(lambda: str(current_app.config["API_LOOKUP_RATE_LIMIT"]))
def representatives() -> Response | tuple[Response, int]:
    """Members of Congress for a ZIP or an address; with campaign=SLUG, that campaign's targets."""
    try:
        query = _query_from_args(request.args)
    except BadQuery as exc:
        return jsonify({"error": str(exc), "field": exc.field}), 400
    slug = request.args.get("campaign")
    session = db.session()
    if slug:
        campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
        if campaign is None or campaign.status is CampaignStatus.DRAFT:
            return jsonify({"error": _("No such campaign."), "field": "campaign"}), 404
        plan = plan_recipients(session, campaign, _lookup(), query, utcnow())
        result = plan.lookup
        body = lookup_json(result, lookup_chambers(campaign)) if result else {}
        body.update(plan_json(plan, campaign))
    else:
        result = _lookup().lookup(session, query, _CONGRESS, utcnow())
        body = lookup_json(result)
    body["zip_hint"] = zip_hint(query.zip_code, result)
    body["zip_hint_street"] = zip_hint(query.zip_code, result, street=True)
    body["query"] = {"zip": query.zip_code or None, "state": query.state, "address": query.line}
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/campaigns/<slug>/stats")
def campaign_stats(slug: str) -> Response | tuple[Response, int]:
    """Public totals for counters and partner sites; cached for at most 30 seconds."""
    session = db.session()
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None or campaign.status is CampaignStatus.DRAFT:
        return jsonify({"error": _("No such campaign."), "field": "slug"}), 404
    cache: PublicStatsCache = current_app.extensions["public_stats"]
    body = cache.get(campaign.id, lambda: public_stats(session, campaign))
    response = jsonify(body)
    response.headers["Cache-Control"] = f"public, max-age={STATS_MAX_AGE}"
    return response


@bp.post("/campaigns/<slug>/own-words")
@limiter.limit(lambda: str(current_app.config["API_OWN_WORDS_RATE_LIMIT"]))
def own_words(slug: str) -> Response | tuple[Response, int]:
    """Is this paragraph nearly the same as one many others sent? Only "common" or "unusual":
    never anyone's text. Nothing is stored and the paragraph is not logged."""
    session = db.session()
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None or campaign.status is CampaignStatus.DRAFT:
        return jsonify({"error": _("No such campaign."), "field": "slug"}), 404
    data = request.get_json(silent=True) if request.is_json else request.form
    text = (data or {}).get("text") or ""
    if not isinstance(text, str) or len(text) > OWN_WORDS_TEXT_LIMIT:
        return jsonify({"error": _("Send the paragraph as text."), "field": "text"}), 400
    many = int(current_app.config["OWN_WORDS_COMMON_AT"])
    result = commonness(session, campaign.id, sketch(text), many)
    response = jsonify({"result": result.value})
    response.headers["Cache-Control"] = "no-store"
    return response


# The check needs no CSRF token: it changes nothing and answers only common or unusual.
csrf.exempt(own_words)


@bp.get("/health")
def health() -> tuple[Response, int]:
    """For a load balancer or an uptime monitor: 200 while this process reaches its database,
    503 when it does not; the worker's state is told, not judged (letters wait for it)."""
    found = health_of(db.session())
    body = {
        "status": "ok" if found.serving else "unavailable",
        "database": "ok" if found.database else "unavailable",
        "worker": found.worker.value if found.worker else None,
    }
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response, 200 if found.serving else 503


@bp.after_request
def allow_any_origin(response: Response) -> Response:
    """Public, credential-free JSON: any site may read it, errors and 429s included."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response
