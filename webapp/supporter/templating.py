"""Template helpers for supporter pages: status labels, share links, dates and supporter text."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from webapp.letters.markdown import text_to_html
from webapp.models import Delivery, DeliveryStatus
from webapp.supporter.share import mailto_letter, share_links

STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Queued: waiting to be sent"),
    DeliveryStatus.SENDING: _l("Sending now"),
    DeliveryStatus.SENT: _l("Sent"),
    DeliveryStatus.ACCEPTED: _l("Accepted by the office"),
    DeliveryStatus.NEEDS_ACTION: _l("Needs your action"),
    DeliveryStatus.DONE_BY_SUPPORTER: _l("Sent by you"),
    DeliveryStatus.FAILED: _l("Not sent yet: retrying"),
    DeliveryStatus.DEAD: _l("Could not be delivered"),
}
SHARE_LABELS = {
    "email": _l("Share by email"),
    "whatsapp": _l("Share on WhatsApp"),
    "x": _l("Share on X"),
    "facebook": _l("Share on Facebook"),
}


def delivery_status_label(delivery: Delivery) -> str:
    return str(STATUS_LABELS[delivery.status])


def share_label(network: str) -> str:
    return str(SHARE_LABELS.get(network, network))


def datetime_utc(moment: datetime) -> str:
    return str(format_datetime(moment, "medium"))


def supporter_text(text: str | None) -> Markup:
    return text_to_html(text or "")


def register_template_helpers(bp: Blueprint) -> None:
    bp.add_app_template_global(delivery_status_label)
    bp.add_app_template_global(share_label)
    bp.add_app_template_global(share_links)
    bp.add_app_template_global(mailto_letter)
    bp.add_app_template_filter(datetime_utc)
    bp.add_app_template_filter(supporter_text)
