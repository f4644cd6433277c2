"""What the thank-you page says of a letter just recorded, from the values the send wrote."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webapp.civic.types import Residence
from webapp.models import DeliveryStatus, SubmissionStatus


@dataclass(frozen=True)
class RecordedOffice:
    """One office's new letter; named as a Delivery is (supporter/office_names.py)."""

    recipient_name: str
    status: DeliveryStatus
    target_id: int | None = None
    recipient_office: str | None = None
    recipient_chamber: str | None = None


@dataclass(frozen=True)
class RecordedLetter:
    """The letter as the thank-you page shows it: no read-back of rows the send just wrote
    (reading them again cost two queries and an ORM load per letter)."""

    own_first_name: str
    receipt_token: str
    residence: Residence
    confirmed: bool
    offices: tuple[RecordedOffice, ...]
    email: str = ""  # where an unconfirmed letter's link went

    @property
    def offices_by_hand(self) -> int:
        """How many offices take letters only through their own website form."""
        return sum(o.status is DeliveryStatus.NEEDS_ACTION for o in self.offices)


def recorded_letter(
    submission: Mapping[str, Any], deliveries: Sequence[Mapping[str, Any]], email: str = ""
) -> RecordedLetter:
    """From the Submission's and Deliveries' columns as `letter_fields` gave them."""
    return RecordedLetter(
        own_first_name=submission["native_first_name"] or submission["first_name"],
        receipt_token=submission["receipt_token"],
        residence=submission["residence"],
        confirmed=submission["status"] is SubmissionStatus.CONFIRMED,
        offices=tuple(
            RecordedOffice(
                d["recipient_name"],
                d["status"],
                d["target_id"],
                d["recipient_office"],
                d["recipient_chamber"],
            )
            for d in deliveries
        ),
        email=email,
    )
