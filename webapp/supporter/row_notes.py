"""A receipt's word about one office, drawn in that office's row, where the page lands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.delivery.outbox import supporter_can_send
from webapp.models import Campaign, Delivery, DeliveryStatus
from webapp.supporter.office_names import delivery_office
from webapp.supporter.text_lang import name_bdi


class RowSaid(StrEnum):
    """What a button in an office's row did, carried in the address it sends the writer back to."""

    SENT = "sent"
    NOT_SENT = "not-sent"
    CHANGED = "changed"  # nothing recorded: the delivery moved on since the page was opened
    EXPIRED = "expired"  # nothing recorded: the form's token had expired


@dataclass(frozen=True)
class RowNote:
    delivery_id: int
    text: Markup
    category: str  # as a flash's: "info" or "error"


def back_to_row(
    token: str,
    delivery_id: int,
    said: RowSaid,
    did: RowSaid | None = None,
    at: DeliveryStatus | None = None,
) -> str:
    """The receipt's address at this office's row, saying what happened there (`did`: for
    EXPIRED, the button pressed; `at`: for CHANGED, the status the row was found in).

    In the address, not the session: a note kept in the cookie waited for whichever receipt
    the browser opened next, and on a shared phone named one writer's office on another's.
    """
    receipt = url_for(
        "supporter.receipt",
        token=token,
        said=said.value,
        did=did.value if did else None,
        at=at.value if at else None,
        office=delivery_id,
    )
    # The note itself, not its row: the browser scrolls to it and, as it can take focus, focuses
    # it, so a screen reader reads it (autofocus gives way to a #fragment).
    return f"{receipt}#delivery-{delivery_id}-note"


def _still_true(said: RowSaid, args: Mapping[str, str], delivery: Delivery) -> bool:
    """Whether the note says what the row shows now: the address may be a reload or a bookmark
    of a moment since gone (taken back, re-targeted, sent by the outbox, pressed again)."""
    sent = delivery.status is DeliveryStatus.DONE_BY_SUPPORTER
    if said is RowSaid.SENT:
        return sent
    if said is RowSaid.NOT_SENT:
        return supporter_can_send(delivery)
    if said is RowSaid.CHANGED:  # as long as the row stands where the press found it
        return args.get("at") == delivery.status.value
    did = args.get("did")  # EXPIRED: as long as the button pressed is there to press again
    return (did == RowSaid.SENT and supporter_can_send(delivery)) or (
        did == RowSaid.NOT_SENT and sent
    )


def row_note(
    args: Mapping[str, str], campaign: Campaign, deliveries: list[Delivery]
) -> RowNote | None:
    """The note the address asks for, for one of this receipt's own offices, while it is still
    true; none for another receipt's office."""
    try:
        said = RowSaid(args.get("said", ""))
        delivery_id = int(args.get("office", ""))
    except ValueError:
        return None
    delivery = next((d for d in deliveries if d.id == delivery_id), None)
    if delivery is None or not _still_true(said, args, delivery):
        return None
    name = name_bdi(delivery_office(campaign, delivery).name)
    if said is RowSaid.SENT:
        text = escape(_("Thank you: we recorded that you sent your letter to %(name)s."))
        return RowNote(delivery_id, text % {"name": name}, "info")
    if said is RowSaid.NOT_SENT:
        text = escape(
            _("We recorded that your letter to %(name)s is not sent yet. It waits for you here.")
        )
        return RowNote(delivery_id, text % {"name": name}, "info")
    if said is RowSaid.CHANGED:
        text = escape(
            _(
                "Nothing was recorded: this letter's delivery changed since the page was "
                "opened. It shows where it stands now."
            )
        )
        return RowNote(delivery_id, text, "info")
    text = escape(
        _("For your security the page had expired. Nothing was recorded: press the button again.")
    )
    return RowNote(delivery_id, text, "error")
