"""A letter that used its last attempt on a 5xx later proved the channel's: it waits again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.models import DeliveryStatus, Mailing

if TYPE_CHECKING:
    from webapp.delivery.channel_faults import Pause


def revived(session: Session, row: Pause) -> bool:
    """Inside the caller's write transaction: the row `row` names, dead of that very 5xx (its
    last_error still the fault's words, and the channel not answered well since, or the
    worker would have forgotten the row), is due again with the attempt it used given back.
    It waits for the channel like the letter that found it down. An envelope of batched post
    is left alone: dead, its letters left it, and retry-dead batches them anew."""
    model = row.model
    if model is Mailing or not row.said:
        return False
    result = session.execute(
        update(model)
        .where(
            model.id == row.row_id,
            model.status == DeliveryStatus.DEAD,
            model.last_error == row.said[:2000],
        )
        .values(
            status=DeliveryStatus.FAILED,
            attempts=model.attempts - 1,
            next_attempt_at=None,  # the channel is stopped: it goes when the channel does
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
