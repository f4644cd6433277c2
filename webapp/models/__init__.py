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
from webapp.models.submission import (
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
    "Campaign",
    "CampaignStatus",
    "Chamber",
    "Channel",
    "Consent",
    "Delivery",
    "DeliveryStatus",
    "LetterText",
    "LookupMatch",
    "Partner",
    "Signatory",
    "Submission",
    "SubmissionStatus",
    "Supporter",
    "Target",
    "TargetKind",
]
