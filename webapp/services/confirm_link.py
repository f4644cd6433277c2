"""A letter's confirmation link: what opening it shows, and what its one button does."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.delivery.channels import NOT_GOING, only_by_hand
from webapp.delivery.outbox import confirm_submission, too_late
from webapp.models import Delivery, Submission, SubmissionStatus


class Opened(enum.Enum):
    """What the link's page does for the letter as it stands."""

    TOO_LATE = enum.auto()  # never confirmed in time (the worker may not have expired it yet)
    SETTLED = enum.auto()  # confirmed, its address proven: its receipt says where it stands
    CONFIRM_LETTER = enum.auto()  # nothing is delivered until the page's button is pressed
    PROVE_ADDRESS = enum.auto()  # delivered or on its way: the button proves the address


@dataclass(frozen=True)
class LinkPage:
    """The page asking for the click, or (`to_receipt`) none: the receipt says why."""

    opened: Opened
    released: bool = False  # proving an address whose letter an organiser released
    offices: list[Delivery] = field(default_factory=list)  # where a confirmed letter goes

    @property
    def to_receipt(self) -> bool:
        return self.opened in (Opened.TOO_LATE, Opened.SETTLED)

    @property
    def proving(self) -> bool:
        return self.opened is Opened.PROVE_ADDRESS

    @property
    def only_by_hand(self) -> bool:
        return only_by_hand(self.offices)


def link_page(submission: Submission, now: datetime, expiry_hours: int) -> LinkPage:
    """What opening the link shows. The letter's own age decides whether it is too late (a
    held letter's link never is), not the link's: a link emailed again later is no younger
    than the letter."""
    unconfirmed = submission.status is SubmissionStatus.UNCONFIRMED
    if unconfirmed and too_late(submission, now, expiry_hours):
        return LinkPage(Opened.TOO_LATE)
    if submission.unproven:
        opened = Opened.PROVE_ADDRESS
    elif unconfirmed:
        opened = Opened.CONFIRM_LETTER
    else:
        return LinkPage(Opened.SETTLED)
    offices = [d for d in submission.deliveries if d.status not in NOT_GOING]
    return LinkPage(opened, released=submission.released_unproven, offices=offices)


class Clicked(enum.Enum):
    """What the page's button did."""

    ADDRESS_PROVEN = enum.auto()  # the letter had gone already: the click proved its address
    CONFIRMED = enum.auto()  # the letter is on its way (`by_hand` offices wait for its writer)
    TOO_LATE = enum.auto()  # it had expired: nothing was sent
    DECLINED = enum.auto()  # an organiser declined it: its receipt says so


@dataclass(frozen=True)
class Confirmation:
    clicked: Clicked
    by_hand: int = 0  # offices reached only through their own web form, for the writer to do

    @property
    def confirmed(self) -> bool:
        return self.clicked in (Clicked.ADDRESS_PROVEN, Clicked.CONFIRMED)


def confirm_link(
    session: Session, submission: Submission, now: datetime, expiry_hours: int
) -> Confirmation:
    """The page's button: the letter's deliveries become due, or its address is proven."""
    proving = submission.unproven  # read before confirming changes it
    if not confirm_submission(session, submission, now, expiry_hours=expiry_hours):
        if submission.status is SubmissionStatus.DECLINED:
            return Confirmation(Clicked.DECLINED)
        return Confirmation(Clicked.TOO_LATE)
    if proving:
        return Confirmation(Clicked.ADDRESS_PROVEN)
    return Confirmation(Clicked.CONFIRMED, by_hand=submission.offices_by_hand)
