"""Template helpers for supporter pages: status labels, share links, dates and supporter text."""

from __future__ import annotations

from datetime import datetime

from babel import Locale, UnknownLocaleError
from flask import Blueprint
from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from webapp.civic.states import BY_CODE
from webapp.civic.types import MatchKind, Provenance
from webapp.dashboard.charts import bar_chart
from webapp.letters.markdown import text_to_html
from webapp.models import Delivery, DeliveryStatus, SubmissionStatus
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
    DeliveryStatus.PACKET: _l("To be delivered by hand by the organisers"),
    DeliveryStatus.CANCELLED: _l("Not sent: the letter was never confirmed"),
}
UNCONFIRMED_LABEL = _l("Waiting for you to confirm by email")
SHARE_LABELS = {
    "email": _l("Share by email"),
    "whatsapp": _l("Share on WhatsApp"),
    "x": _l("Share on X"),
    "facebook": _l("Share on Facebook"),
}


MATCH_DESCRIPTIONS = {
    MatchKind.EXACT: _l("Officials matched from your street address (US Census geocoder)."),
    MatchKind.ZIP: _l("Officials matched from your ZIP code."),
    MatchKind.CHOSEN: _l("Representative for the district you chose."),
    MatchKind.STATE: _l("Officials matched from your state."),
    MatchKind.NONE: "",
}


def district_label(chamber: str | None, state: str | None, district: str | None) -> str:
    """'Michigan, district 12', 'Wyoming, at large', 'Michigan' (senators), for people to read."""
    name = BY_CODE[state].name if state in BY_CODE else (state or "")
    if chamber == "us_house":
        if district in (None, "0"):
            return str(_l("%(state)s, at large", state=name))
        return str(_l("%(state)s, district %(district)s", state=name, district=district))
    if chamber == "state_upper":
        return str(
            _l("%(state)s State Senate, district %(district)s", state=name, district=district)
        )
    if chamber == "state_lower":
        return str(
            _l("%(state)s State House, district %(district)s", state=name, district=district)
        )
    return name


def country_name(code: str | None, language: str = "en") -> str:
    """A country's name in `language` (Babel's territory names), or its code if unknown."""
    if not code:
        return ""
    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    return str(locale.territories.get(code, code))


def match_description(provenance: Provenance) -> str:
    return str(MATCH_DESCRIPTIONS.get(provenance.match, ""))


def delivery_status_label(delivery: Delivery) -> str:
    """What the supporter is told about one office; never 'sent' before it really was."""
    if delivery.submission.status is SubmissionStatus.UNCONFIRMED:
        return str(UNCONFIRMED_LABEL)
    label = str(STATUS_LABELS[delivery.status])
    if delivery.status in (DeliveryStatus.SENT, DeliveryStatus.ACCEPTED) and delivery.sent_at:
        return f"{label} ({format_datetime(delivery.sent_at, 'medium')})"
    if delivery.status is DeliveryStatus.FAILED and delivery.next_attempt_at:
        return str(
            _l(
                "Not sent yet: trying again at %(when)s",
                when=format_datetime(delivery.next_attempt_at, "short"),
            )
        )
    return label


def share_label(network: str) -> str:
    return str(SHARE_LABELS.get(network, network))


def datetime_utc(moment: datetime) -> str:
    return str(format_datetime(moment, "medium"))


def supporter_text(text: str | None) -> Markup:
    return text_to_html(text or "")


def status_labels() -> dict[str, str]:
    """Every delivery status value as organisers read it, translated once per page."""
    return {status.value: str(label) for status, label in STATUS_LABELS.items()}


def register_template_helpers(bp: Blueprint) -> None:
    bp.add_app_template_global(status_labels)
    bp.add_app_template_global(bar_chart)
    bp.add_app_template_global(delivery_status_label)
    bp.add_app_template_global(district_label)
    bp.add_app_template_global(country_name)
    bp.add_app_template_global(match_description)
    bp.add_app_template_global(share_label)
    bp.add_app_template_global(share_links)
    bp.add_app_template_global(mailto_letter)
    bp.add_app_template_filter(datetime_utc)
    bp.add_app_template_filter(supporter_text)
