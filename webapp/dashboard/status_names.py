"""Delivery and campaign statuses as organisers read them, on the dashboard's pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from webapp.dashboard.blueprint import bp
from webapp.models import CampaignStatus, DeliveryStatus
from webapp.services.delivery_counts import TallyStatus
from webapp.supporter.templating import STATUS_LABELS

# Where the supporter's own wording ("Needs your action", "Sent by you") would address the
# organiser reading the dashboard.
ORGANISER_LABELS = {
    **STATUS_LABELS,
    DeliveryStatus.NEEDS_ACTION: _l("Waiting for the supporter (the office's own web form)"),
    DeliveryStatus.DONE_BY_SUPPORTER: _l("Sent by the supporter (the office's own web form)"),
    DeliveryStatus.CANCELLED: _l("Not sent: never confirmed, or cancelled by the organisers"),
}
# The campaign list and a campaign's page showed the enum's value ("live") on Arabic pages too.
CAMPAIGN_STATUS_LABELS = {
    CampaignStatus.DRAFT: _l("Draft"),
    CampaignStatus.LIVE: _l("Live"),
    CampaignStatus.CLOSED: _l("Closed"),
}
# Queued for a letter the risk checks hold or whose writer has not clicked the link yet.
HELD_OR_UNCONFIRMED = _l("Held or waiting for its writer's confirmation")


@bp.app_template_global()
def status_labels() -> dict[str, str]:
    """Every delivery status value as organisers read it, translated once per page, and the
    dashboard's own status for deliveries whose letter is not confirmed yet."""
    labels = {status.value: str(label) for status, label in ORGANISER_LABELS.items()}
    return labels | {TallyStatus.UNCONFIRMED.value: str(HELD_OR_UNCONFIRMED)}


@bp.app_template_global()
def campaign_status_label(status: CampaignStatus) -> str:
    """A campaign's status in the page's language."""
    return str(CAMPAIGN_STATUS_LABELS[status])


bp.add_app_template_global(TallyStatus, "TallyStatus")  # templates compare against enums
