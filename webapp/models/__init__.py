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
    "CivicDataset",
    "Consent",
    "Delivery",
    "DeliveryStatus",
    "LetterText",
    "LookupCache",
    "LookupMatch",
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
