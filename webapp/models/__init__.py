"""Typed SQLAlchemy models; importing this package registers every table on the metadata."""

from webapp.models.campaign import (
    Campaign,
    CampaignStatus,
    Chamber,
    Partner,
    Signatory,
    Target,
    TargetKind,
)
from webapp.models.civic import CivicDataset, LookupCache, Official, RosterChange, ZipDistrict
from webapp.models.notification import Notification, NotificationKind
from webapp.models.submission import (
    DUE_STATUSES,
    Channel,
    Delivery,
    DeliveryStatus,
    LetterText,
    LookupMatch,
    Submission,
    SubmissionStatus,
)
from webapp.models.supporter import Consent, Supporter

__all__ = [
    "DUE_STATUSES",
    "Campaign",
    "CampaignStatus",
    "Chamber",
    "Channel",
    "CivicDataset",
    "Consent",
    "Delivery",
    "DeliveryStatus",
    "LetterText",
    "LookupCache",
    "LookupMatch",
    "Notification",
    "NotificationKind",
    "Official",
    "Partner",
    "RosterChange",
    "Signatory",
    "Submission",
    "SubmissionStatus",
    "Supporter",
    "Target",
    "TargetKind",
    "ZipDistrict",
]
