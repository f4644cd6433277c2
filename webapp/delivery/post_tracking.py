"""Where posted letters are: tracking events from the service's API or its signed webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, current_app
from flask import request as http_request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.database import db, utcnow, write_transaction
from webapp.delivery.post import PostClient
from webapp.extensions import csrf
from webapp.models import Channel, Delivery, DeliveryStatus, Mailing, PostalStatus
from webapp.request_guards import RAW_JSON_ENDPOINTS

# Webhook event types and the names tracking events carry, by the status each means.
_EVENTS = {
    PostalStatus.CREATED: ("letter.created",),
    PostalStatus.MAILED: ("letter.mailed", "Mailed"),
    PostalStatus.IN_TRANSIT: (
        "letter.in_transit",
        "letter.in_local_area",
        "letter.processed_for_delivery",
        "letter.re-routed",
        "In Transit",
        "In Local Area",
        "Processed for Delivery",
        "Re-Routed",
    ),
    PostalStatus.DELIVERED: ("letter.delivered", "Delivered"),
    PostalStatus.RETURNED: ("letter.returned_to_sender", "Returned to Sender"),
}
EVENT_STATUS = {name: status for status, names in _EVENTS.items() for name in names}
# Statuses only move forward; delivered and returned are both the end.
_RANK = {
    PostalStatus.CREATED: 0,
    PostalStatus.MAILED: 1,
    PostalStatus.IN_TRANSIT: 2,
    PostalStatus.DELIVERED: 3,
    PostalStatus.RETURNED: 3,
}
FINAL = (PostalStatus.DELIVERED, PostalStatus.RETURNED)
SIGNATURE_TOLERANCE_SECONDS = 300


def furthest(names: Iterable[str]) -> PostalStatus | None:
    statuses = [EVENT_STATUS[n] for n in names if n in EVENT_STATUS]
    return max(statuses, key=_RANK.__getitem__, default=None)


def apply_tracking(session: Session, letter_id: str, names: Iterable[str], now: datetime) -> bool:
    """Move the posted letter to the furthest status named, never back. True if it moved.

    A batched mailing's letter id names the envelope: it and every letter in it move together.
    """
    status = furthest(names)
    if status is None or not letter_id:
        return False
    with write_transaction(session):
        rows: list[Delivery | Mailing] = [
            *session.scalars(
                select(Delivery).where(
                    Delivery.remote_reference == letter_id, Delivery.channel == Channel.POST
                )
            ),
            *session.scalars(select(Mailing).where(Mailing.remote_reference == letter_id)),
        ]
        moved = False
        for row in rows:
            current = row.postal_status
            if current is not None and (current in FINAL or _RANK[status] <= _RANK[current]):
                continue
            row.postal_status = status
            row.postal_updated_at = now
            if status is PostalStatus.DELIVERED and isinstance(row, Delivery):
                row.done_at = now
            moved = True
        return moved


def signature_valid(
    secret: str, timestamp: str, body: bytes, signature: str, now: datetime
) -> bool:
    """HMAC-SHA256 over "<timestamp>.<raw body>", hex, as the service signs; fresh timestamps only.

    The timestamp is in milliseconds (seconds accepted too): old ones are refused as replays.
    """
    if not (secret and timestamp and signature):
        return False
    try:
        moment = float(timestamp)
    except ValueError:
        return False
    seconds = moment / 1000 if moment > 1e11 else moment
    if abs(now.timestamp() - seconds) > SIGNATURE_TOLERANCE_SECONDS:
        return False
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def refresh_tracking(session: Session, client: PostClient, now: datetime, limit: int = 200) -> int:
    """Ask the service about posted letters still on their way, oldest news first."""
    # One question per letter id: a batched mailing's letters share their envelope's.
    rows = session.execute(
        select(Delivery.remote_reference)
        .where(
            Delivery.channel == Channel.POST,
            Delivery.status == DeliveryStatus.SENT,
            Delivery.remote_reference.is_not(None),
            Delivery.postal_status.not_in(FINAL),
        )
        .group_by(Delivery.remote_reference)
        .order_by(func.min(Delivery.postal_updated_at))
        .limit(limit)
    ).all()
    # No read transaction stays open across the service's answers (each may take seconds).
    session.commit()
    moved = 0
    for (letter_id,) in rows:
        result = client.letter(str(letter_id))
        if not result.ok:
            continue
        events = result.body.get("tracking_events") or []
        names = [str(e.get("name")) for e in events if isinstance(e, dict)]
        moved += apply_tracking(session, str(letter_id), names, now)
    return moved


webhooks_bp = Blueprint("post_webhooks", __name__)
csrf.exempt(webhooks_bp)  # signed by the service instead
RAW_JSON_ENDPOINTS.add("post_webhooks.post_webhook")  # nested JSON, checked by its signature


@webhooks_bp.post("/webhooks/post")
def post_webhook() -> Response:
    """The service's event for one letter: applied only with a valid, fresh signature."""
    body = http_request.get_data(cache=False)
    secret = str(current_app.config.get("POST_WEBHOOK_SECRET") or "")
    if not signature_valid(
        secret,
        http_request.headers.get("Lob-Signature-Timestamp", ""),
        body,
        http_request.headers.get("Lob-Signature", ""),
        utcnow(),
    ):
        return Response("bad signature", status=401, mimetype="text/plain")
    try:
        event: Any = json.loads(body)
        name = str(event["event_type"]["id"])
        letter_id = str(event["body"]["id"])
    except (ValueError, KeyError, TypeError):
        return Response("not a letter event", status=400, mimetype="text/plain")
    apply_tracking(db.session(), letter_id, [name], utcnow())
    return Response("ok", mimetype="text/plain")
