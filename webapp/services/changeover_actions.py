"""What organisers do with a letter held because its member left office: send on, or not."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from webapp.database import write_transaction
from webapp.models import Changeover, Delivery, DeliveryStatus
from webapp.services.changeover import ChangeoverDeps, departure_of, locked_delivery, retarget
from webapp.services.departures import seated_successor


def organiser_retarget(
    session: Session, deps: ChangeoverDeps, delivery_id: int, now: datetime
) -> Delivery | None:
    """An organiser sends a held letter to the seat's new member: the new delivery, or None."""
    with write_transaction(session):
        delivery = locked_delivery(session, delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.HELD:
            return None
        departure = departure_of(session, delivery, now, deps.pinned_congress)
        if departure is None:
            return None
        successor = seated_successor(session, departure.official, now, deps.pinned_congress)
        if successor is None:
            return None
        retarget(session, deps, delivery, successor, departure, now)
        return delivery.replaced_by


def organiser_cancel(session: Session, delivery_id: int, now: datetime) -> bool:
    """An organiser decides a held letter is not sent anywhere."""
    with write_transaction(session):
        delivery = locked_delivery(session, delivery_id)
        if delivery is None or delivery.status is not DeliveryStatus.HELD:
            return False
        delivery.status = DeliveryStatus.CANCELLED
        delivery.changeover = Changeover.CANCELLED
        delivery.updated_at = now
    return True
