"""The states a letter and its deliveries pass through, and the channels that carry them."""

from __future__ import annotations

import enum

from webapp.civic.types import MatchKind


class SubmissionStatus(enum.StrEnum):
    UNCONFIRMED = "unconfirmed"  # waiting for the supporter's confirmation link
    CONFIRMED = "confirmed"
    EXPIRED = "expired"  # never confirmed in time: nothing was delivered
    DECLINED = "declined"  # held by the risk checks and declined by an organiser: not delivered


# How the supporter's districts were found (the same values as the civic layer's MatchKind).
LookupMatch = MatchKind


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    ACCEPTED = "accepted"
    NEEDS_ACTION = "needs_action"
    DONE_BY_SUPPORTER = "done_by_supporter"
    FAILED = "failed"  # will be retried at next_attempt_at
    DEAD = "dead"  # gave up; `flask outbox retry-dead` brings it back
    PACKET = "packet"  # no channel: organisers deliver it by hand from the office packet
    CANCELLED = "cancelled"  # its submission expired unconfirmed
    # The member left office before it was sent (a new Congress, a resignation): not sent there.
    REPLACED = "replaced"  # sent instead to the seat's new member (`replaced_by`)
    HELD = "held"  # held for the organisers, `changeover` says why


class Changeover(enum.StrEnum):
    """What happened to a letter whose member left office before it was delivered."""

    RETARGETED = "retargeted"  # a new delivery to the seat's new member replaces it
    ALREADY_WRITING = "already_writing"  # the new member already gets this letter
    HELD_NOT_EXACT = "held_not_exact"  # the district came from the ZIP code or a choice
    HELD_REDISTRICTED = "held_redistricted"  # the state's districts were redrawn
    HELD_NO_SUCCESSOR = "held_no_successor"  # nobody holds the seat yet (re-checked later)
    HELD_LETTER_CHANGED = "held_letter_changed"  # the campaign's text changed since: check it
    CANCELLED = "cancelled"  # an organiser decided not to send it


# Statuses the worker picks up when due.
DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Channel(enum.StrEnum):
    EMAIL = "email"
    CWC = "cwc"  # the House's Communicating with Congress
    SENATE_CWC = "senate_cwc"  # the Senate's, for offices on its active list
    FORM = "form"
    PACKET = "packet"
    POST = "post"  # printed and mailed by a print-and-mail service (Lob-compatible API)


class PostalStatus(enum.StrEnum):
    """Where a posted letter is, from the print-and-mail service's tracking events."""

    CREATED = "created"  # the service accepted it for printing
    MAILED = "mailed"
    IN_TRANSIT = "in_transit"
    DELIVERED = "delivered"
    RETURNED = "returned"  # returned to sender: the address did not take it
