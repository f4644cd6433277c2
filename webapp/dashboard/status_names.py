"""Delivery statuses as organisers read them, on the dashboard's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.dashboard.blueprint import bp
from webapp.models import DeliveryStatus
from webapp.supporter.templating import STATUS_LABELS

# Where the supporter's own wording ("Needs your action", "Sent by you") would address the
# organiser reading the dashboard.
ORGANISER_LABELS = {
    **STATUS_LABELS,
    DeliveryStatus.NEEDS_ACTION: _l("Waiting for the supporter (the office's own web form)"),
    DeliveryStatus.DONE_BY_SUPPORTER: _l("Sent by the supporter (the office's own web form)"),
    DeliveryStatus.CANCELLED: _l("Not sent: never confirmed, or cancelled by the organisers"),
}


@bp.app_template_global()
def status_labels() -> dict[str, str]:
    """Every delivery status value as organisers read it, translated once per page."""
    return {status.value: str(label) for status, label in ORGANISER_LABELS.items()}
