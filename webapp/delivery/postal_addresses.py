"""Address checks kept in the database: every worker, and every restart, shares one verdict."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.delivery.cwc_http import Fault, fault_of, settings_fault
from webapp.delivery.failure_reasons import http_reason
from webapp.delivery.post import PostalAddress, PostClient
from webapp.delivery.smtp import ChannelDown, SendError
from webapp.models import AddressRole, FailureReason, PostalAddressCheck

log = logging.getLogger(__name__)
LABELS = {AddressRole.RETURN: "return address", AddressRole.OFFICE: "office address"}


def one_line(address: PostalAddress) -> str:
    parts = [address.line1, address.line2, f"{address.city}, {address.state} {address.zip_code}"]
    return ", ".join(p for p in parts if p)


def address_key(address: PostalAddress) -> str:
    """The address as the service reads it (the name is not part of a check): a changed
    street, city, state or ZIP code is a new key, so it is checked afresh."""
    return hashlib.sha256(" ".join(one_line(address).upper().split()).encode()).hexdigest()


def refusal(check: PostalAddressCheck) -> str | None:
    """Why letters cannot go to this address, or None when the service said they can."""
    if check.deliverable:
        return None
    return f"{LABELS[check.role]} refused: {check.reason or 'undeliverable'}"


def stored_check(session: Session, address: PostalAddress) -> PostalAddressCheck | None:
    return session.scalars(
        select(PostalAddressCheck).where(PostalAddressCheck.address_key == address_key(address))
    ).first()


class AddressChecks:
    """Asks the service about an address only when no verdict younger than `recheck` is stored."""

    def __init__(self, client: PostClient, recheck: timedelta) -> None:
        self.client = client
        self.recheck = recheck

    def refused(
        self,
        session: Session,
        role: AddressRole,
        address: PostalAddress,
        now: datetime,
        recipient_key: str | None = None,
    ) -> str | None:
        """None when letters may go to `address`, else why not (stored for everyone).

        Raises SendError when the service could not answer: try again later.
        """
        check = stored_check(session, address)
        if check is not None and now - check.checked_at < self.recheck:
            return refusal(check)
        # The service may take seconds, and no read transaction stays open across it: on
        # SQLite it would hold the WAL back, so an erasure's checkpoint would wait busy_timeout.
        session.commit()
        result = self.client.verify(address)
        fault = fault_of(result.status)
        # A refused key (401, 403) is "permanent" to the client, but says nothing of the address.
        if not result.ok and (not result.permanent or fault is not Fault.LETTER):
            mend = settings_fault(
                "the postal service", result.status, "POST_API_KEY", "POST_API_URL"
            )
            # The check could not be made (the address was not judged): never the address's.
            unmade = http_reason(result.status, mend is not None, FailureReason.UNAVAILABLE)
            if fault is Fault.LETTER:
                raise SendError(f"{LABELS[role]} check failed: {result.detail}", reason=unmade)
            why = f"{mend} (it said: {result.detail})" if mend else None
            raise ChannelDown(
                f"{LABELS[role]} check failed: "
                + (why or f"postal service unavailable: {result.detail}"),
                certain=fault is Fault.CHANNEL,
                reason=unmade,
            )
        reason = None if result.ok else result.detail
        values = {
            "role": role,
            "recipient_key": recipient_key,
            "address": one_line(address)[:500],
            "deliverable": result.ok,
            "reason": reason,
            "checked_at": now,
        }
        saved = self._save(session, address_key(address), values)
        if not result.ok:
            log.warning("the postal service refused a %s (%s)", LABELS[role], recipient_key or "-")
        return refusal(saved)

    def _save(self, session: Session, key: str, values: Mapping[str, object]) -> PostalAddressCheck:
        for attempt in range(2):
            try:
                with write_transaction(session):
                    check = session.scalars(
                        select(PostalAddressCheck).where(PostalAddressCheck.address_key == key)
                    ).first()
                    if check is None:
                        check = PostalAddressCheck(address_key=key)
                        session.add(check)
                    for name, value in values.items():
                        setattr(check, name, value)
                return check
            except IntegrityError:  # another worker stored the same address first: update it
                if attempt:
                    raise
        raise AssertionError("unreachable")
