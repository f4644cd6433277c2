"""Typed SQLAlchemy models; importing this package registers every table on the metadata."""

from webapp.models.audit_actions import AuditAction
from webapp.models.campaign import (
    Audience,
    Campaign,
    CampaignStatus,
    Chamber,
    Partner,
    Signatory,
    Target,
    TargetKind,
)
from webapp.models.civic import (
    CivicDataset,
    LookupCache,
    Official,
    RosterChange,
    SenateCwcOffice,
    ZipDistrict,
)
from webapp.models.delivery import Delivery
from webapp.models.failure_reason import FailureReason
from webapp.models.letter_text import LetterText
from webapp.models.notification import LINK_CARRIERS, Notification, NotificationKind
from webapp.models.organiser import AuditEntry, Organiser, Role
from webapp.models.postal import AddressRole, Mailing, PostalAddressCheck
from webapp.models.reply_survey import (
    REPLIED,
    OfficeReply,
    ReplyAnswer,
    ReplySurvey,
)
from webapp.models.sketch import ParagraphBand
from webapp.models.stats import DeliveryTally, SubmissionTally
from webapp.models.statuses import (
    DUE_STATUSES,
    Changeover,
    Channel,
    DeliveryStatus,
    LookupMatch,
    PostalStatus,
    SubmissionStatus,
)
from webapp.models.submission import Submission
from webapp.models.supporter import Consent, Supporter
from webapp.models.worker import WorkerHeartbeat

__all__ = [
    "DUE_STATUSES",
    "LINK_CARRIERS",
    "REPLIED",
    "AddressRole",
    "Audience",
    "AuditAction",
    "AuditEntry",
    "Campaign",
    "CampaignStatus",
    "Chamber",
    "Changeover",
    "Channel",
    "CivicDataset",
    "Consent",
    "Delivery",
    "DeliveryStatus",
    "DeliveryTally",
    "FailureReason",
    "LetterText",
    "LookupCache",
    "LookupMatch",
    "Mailing",
    "Notification",
    "NotificationKind",
    "OfficeReply",
    "Official",
    "Organiser",
    "ParagraphBand",
    "Partner",
    "PostalAddressCheck",
    "PostalStatus",
    "ReplyAnswer",
    "ReplySurvey",
    "Role",
    "RosterChange",
    "SenateCwcOffice",
    "Signatory",
    "Submission",
    "SubmissionStatus",
    "SubmissionTally",
    "Supporter",
    "Target",
    "TargetKind",
    "WorkerHeartbeat",
    "ZipDistrict",
]
