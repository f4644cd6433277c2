"""Posting one letter from the outbox: both addresses checked, a place in the budget, its HTML."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.cwc_http import Fault, fault_of, settings_fault
from webapp.delivery.failure_reasons import held_reason, http_reason
from webapp.delivery.leases import Holder
from webapp.delivery.outcomes import record_held
from webapp.delivery.post import PostClient, PostResult, parse_us_address
from webapp.delivery.post_render import letter_html, page_count, sheets
from webapp.delivery.postal_addresses import AddressChecks
from webapp.delivery.postal_budget import PostBudget, free_places, take_places
from webapp.delivery.smtp import ChannelDown, SendError
from webapp.models import (
    DUE_STATUSES,
    AddressRole,
    Channel,
    Delivery,
    DeliveryStatus,
    FailureReason,
)

log = logging.getLogger(__name__)
UNPRINTABLE = "office address is not a US postal address the service can print"


class Postal:
    """The worker's postal side. Address verdicts live in the database (`AddressChecks`); an
    office the service says mail cannot reach stops all its letters."""

    def __init__(self, client: PostClient, budget: PostBudget, recheck: timedelta) -> None:
        self.client = client
        self.budget = budget
        self.checks = AddressChecks(client, recheck)

    def refused(
        self, session: Session, recipient_key: str, name: str, address: str | None, now: datetime
    ) -> tuple[str | None, bool]:
        """Why letters cannot go to this office (return address first), or None; and whether
        the office's own address is the reason (then none of its letters can go).

        Raises SendError when a check could not be made (the service is down): try later.
        """
        why = self.checks.refused(session, AddressRole.RETURN, self.client.settings.sender, now)
        if why is not None:
            return why, False
        office = parse_us_address(name, address)
        if office is None:
            return UNPRINTABLE, True
        why = self.checks.refused(session, AddressRole.OFFICE, office, now, recipient_key)
        return why, why is not None

    def hold_if_needed(
        self, session: Session, row: Delivery, holder: Holder, now: datetime
    ) -> bool:
        """Leave the letter with the organisers when it must not go out; True if it was left.

        Addresses first (a refused office has all its waiting letters left at once), then a
        place in the campaign's budget, taken under its lock (kept if the send is retried).
        """
        office = row.recipient_key
        why, whole_office = self.refused(
            session, office, row.recipient_name, row.recipient_address, now
        )
        if why is not None:
            if whole_office:  # its other waiting letters, even if this one is no longer ours
                hold_office(session, office, why, now)
            record_held(session, row, holder, now, why)
            if row.postal_budget_day is not None:  # a retry that had its place: not posted now
                with write_transaction(session):
                    free_places(session, [row.id])
            log.warning("Delivery %s left with the organisers: %s", row.id, why)
            return True
        if row.postal_budget_day is not None or row.campaign_id is None:
            return False
        row_id, campaign_id = row.id, row.campaign_id
        with write_transaction(session):
            granted, why = take_places(
                session, campaign_id, [row_id], now, self.budget, holder.token
            )
        if granted or why is None:
            return False
        record_held(session, row, holder, now, why)
        log.warning("Delivery %s left with the organisers: %s", row_id, why)
        return True

    def prepare(self, row: Delivery) -> Callable[[], tuple[DeliveryStatus, str | None]]:
        """The send for one letter (its HTML rendered now, no network until it runs)."""
        office = parse_us_address(row.recipient_name, row.recipient_address)
        if office is None:
            said = "the office address cannot be printed"
            raise SendError(said, True, FailureReason.POSTAL_ADDRESS_REFUSED)
        html = letter_html(row, office, self.client.settings.sender)
        key = row.idempotency_key
        # Kept on the row (committed with the lease renewal) for the money spent.
        row.postal_sheets = sheets(page_count(html))

        def send() -> tuple[DeliveryStatus, str | None]:
            result = self.client.create_letter(office, html, key, f"civic-letters {key}")
            if result.ok and result.detail:
                return DeliveryStatus.SENT, result.detail
            raise postal_error(result)

        return send


# The service names the field it refused ("from.address_zip is invalid"): a `from.` field is
# our return address (POST_FROM_*), for the operators to mend, not the office's address.
_RETURN_FIELD = re.compile(r"(?<![\w.])from\.\w")


def postal_error(result: PostResult) -> SendError:
    """The error for a letter the service did not take: the service's (ChannelDown) when it
    did not answer or is failing, else this letter's."""
    fault = fault_of(result.status)
    mend = settings_fault("the postal service", result.status, "POST_API_KEY", "POST_API_URL")
    refused = (
        FailureReason.RETURN_ADDRESS_REFUSED
        if _RETURN_FIELD.search(result.detail)
        else FailureReason.POSTAL_ADDRESS_REFUSED
    )
    why = http_reason(result.status, mend is not None, refused)
    if fault is Fault.LETTER:
        return SendError(f"postal service: {result.detail}", result.permanent, why)
    said = f"{mend} (it said: {result.detail})" if mend else None
    return ChannelDown(
        said or f"postal service unavailable: {result.detail}",
        certain=fault is Fault.CHANNEL,
        reason=why,
    )


def hold_office(session: Session, recipient_key: str, why: str, now: datetime) -> int:
    """Every waiting posted letter to this office goes to the organisers, with the reason."""
    with write_transaction(session):
        result = session.execute(
            update(Delivery)
            .where(
                Delivery.recipient_key == recipient_key,
                Delivery.channel == Channel.POST,
                Delivery.status.in_(DUE_STATUSES),
                Delivery.mailing_id.is_(None),
            )
            .values(
                status=DeliveryStatus.PACKET,
                last_error=why,
                failure_reason=held_reason(why),
                failed_at=now,
                updated_at=now,
                postal_budget_day=None,  # not posted: a place a retry had is free again
            )
            .execution_options(synchronize_session=False)
        )
    return int(getattr(result, "rowcount", 0) or 0)
