"""Widget safety without cookies: signed expiring form tokens, origin checks, framing rules."""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import request
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from webapp.models import Campaign
from webapp.signing import timed_serializer
from webapp.unproxied import this_app, this_request

TOKEN_SALT = "widget-form"  # noqa: S105 - a namespace for signatures, not a secret


def origin_of(url: str | None) -> str | None:
    """scheme://host[:port] of a URL, lower-cased, or None."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def own_origin() -> str:
    return origin_of(this_request().host_url) or ""


def embedding_allowed(campaign: Campaign, parent: str | None) -> bool:
    """Whether a page at `parent` may show this campaign's widget (any, unless restricted)."""
    allowed = [o.lower() for o in campaign.allowed_origins]
    if not allowed:
        return True
    candidates = {origin_of(parent), origin_of(request.referrer)} - {None}
    if not candidates:
        return False  # restricted campaigns need to know who is embedding them
    return all(c == own_origin() or c in allowed for c in candidates)


def refused_origin(campaign: Campaign, parent: str | None) -> str | None:
    """The site a refused page named that is not allowed (its Referer's first, then parent=).
    Never this site's own: a frame's own navigation has it as Referer, beside a parent= no
    longer allowed, and its owner was told to have the letter form's address added."""
    allowed = {o.lower() for o in campaign.allowed_origins} | {own_origin()}
    named = (origin_of(request.referrer), origin_of(parent))
    return next((o for o in named if o and o not in allowed), None)


def frame_ancestors(campaign: Campaign) -> str:
    """CSP frame-ancestors for widget pages: the allowed origins, or any site by default."""
    allowed = " ".join(campaign.allowed_origins)
    return f"'self' {allowed}" if allowed else "*"


def _serializer() -> URLSafeTimedSerializer:
    return timed_serializer(TOKEN_SALT)


def issue_token(campaign: Campaign, parent: str | None) -> str:
    """A form token bound to the campaign and the embedding page, valid for a few hours."""
    return str(
        _serializer().dumps({"c": campaign.id, "p": parent or "", "n": secrets.token_urlsafe(8)})
    )


def check_token(token: str | None, campaign: Campaign) -> tuple[str, str | None]:
    """("ok" | "expired" | "bad", the parent origin it was issued for)."""
    if not token:
        return "bad", None
    max_age = int(this_app().config["WIDGET_TOKEN_MAX_AGE_SECONDS"])
    status = "ok"
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as exc:
        # Authentic but old: the supporter keeps what they typed and gets a fresh token.
        data, status = _serializer().load_payload(exc.payload) if exc.payload else None, "expired"
    except BadData:
        return "bad", None
    if not isinstance(data, dict) or data.get("c") != campaign.id:
        return "bad", None
    parent = data.get("p")
    return status, parent if isinstance(parent, str) and parent else None


def same_origin_post() -> bool:
    """A widget form may only be posted from our own pages: Origin (or Referer) must be ours."""
    request = this_request()
    sender = origin_of(request.headers.get("Origin")) or origin_of(request.referrer)
    return sender == own_origin()
