"""Deliveries counted honestly: delivered only once a system or the supporter has sent it."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from webapp.models import DeliveryStatus


class TallyStatus(enum.StrEnum):
    """A per-office count beside the delivery statuses (the tally's `status` column)."""

    # Queued for a letter still unconfirmed: held by the risk checks, or waiting for its
    # writer's click. It may still go, so it counts in its office's letters; not on its way yet.
    UNCONFIRMED = "unconfirmed"


def tally_status(status: DeliveryStatus, letter_unconfirmed: bool) -> str:
    """The status one delivery is counted under on the dashboard."""
    if letter_unconfirmed and status is DeliveryStatus.PENDING:
        return TallyStatus.UNCONFIRMED.value
    return status.value


# Sent or accepted by a system, or marked sent by the supporter; nothing else counts.
DELIVERED = frozenset(
    {DeliveryStatus.SENT, DeliveryStatus.ACCEPTED, DeliveryStatus.DONE_BY_SUPPORTER}
)
WAITING_FOR_SUPPORTER = frozenset({DeliveryStatus.NEEDS_ACTION})  # a hand-off not yet sent
WITH_ORGANISERS = frozenset({DeliveryStatus.PACKET})  # a packet not yet delivered by hand
ON_THE_WAY = frozenset({DeliveryStatus.PENDING, DeliveryStatus.SENDING, DeliveryStatus.FAILED})
UNDELIVERABLE = frozenset({DeliveryStatus.DEAD})
AWAITING_CONFIRMATION = frozenset({TallyStatus.UNCONFIRMED})
# The receipt's copies of the letter: one that waits on the supporter's own hand may go from
# their email; one the campaign sends, has sent or its organisers deliver would reach twice.
BY_SUPPORTERS_HAND = WAITING_FOR_SUPPORTER | UNDELIVERABLE
SENT_FOR_SUPPORTER = ON_THE_WAY | WITH_ORGANISERS | (DELIVERED - {DeliveryStatus.DONE_BY_SUPPORTER})


@dataclass(frozen=True)
class DeliverySummary:
    delivered: int = 0
    waiting_for_supporter: int = 0
    with_organisers: int = 0
    on_the_way: int = 0
    undeliverable: int = 0
    awaiting_confirmation: int = 0  # held, or waiting for the writer's click (organisers only)


def delivery_summary(by_status: Mapping[str, int]) -> DeliverySummary:
    """Counts per status value (cancelled ones left out) grouped as organisers read them."""

    def total(group: frozenset[DeliveryStatus] | frozenset[TallyStatus]) -> int:
        return sum(by_status.get(status.value, 0) for status in group)

    return DeliverySummary(
        delivered=total(DELIVERED),
        waiting_for_supporter=total(WAITING_FOR_SUPPORTER),
        with_organisers=total(WITH_ORGANISERS),
        on_the_way=total(ON_THE_WAY),
        undeliverable=total(UNDELIVERABLE),
        awaiting_confirmation=total(AWAITING_CONFIRMATION),
    )
