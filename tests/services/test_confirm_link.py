"""What opening a confirmation link shows, decided from the letter as it stands."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.services.helpers import NOW
from webapp.models import Delivery, DeliveryStatus, Submission, SubmissionStatus
from webapp.services.confirm_link import Opened, link_page

HOURS = 2


def _letter(status: SubmissionStatus, age: float = 1, **fields: bool) -> Submission:
    """A letter `age` hours old, never stored: the page decides from its attributes alone."""
    letter = Submission(status=status, created_at=NOW - timedelta(hours=age), **fields)
    letter.deliveries = [Delivery(status=s) for s in DeliveryStatus]
    return letter


@pytest.mark.parametrize(
    ("letter", "opened"),
    [
        (_letter(SubmissionStatus.UNCONFIRMED, age=3, held=False), Opened.TOO_LATE),
        (_letter(SubmissionStatus.UNCONFIRMED, age=3, held=True), Opened.CONFIRM_LETTER),
        (_letter(SubmissionStatus.UNCONFIRMED, held=False), Opened.CONFIRM_LETTER),
        (_letter(SubmissionStatus.CONFIRMED, email_verified=False), Opened.PROVE_ADDRESS),
        (_letter(SubmissionStatus.CONFIRMED, email_verified=True), Opened.SETTLED),
        (_letter(SubmissionStatus.EXPIRED, age=3, held=False), Opened.SETTLED),
        (_letter(SubmissionStatus.DECLINED), Opened.SETTLED),
    ],
)
def test_the_link_opens_what_the_letter_needs(letter: Submission, opened: Opened) -> None:
    page = link_page(letter, NOW, HOURS)
    assert page.opened is opened
    assert page.to_receipt is (opened in (Opened.TOO_LATE, Opened.SETTLED))
    assert page.proving is (opened is Opened.PROVE_ADDRESS)


def test_the_page_lists_only_offices_the_letter_still_goes_to() -> None:
    page = link_page(_letter(SubmissionStatus.UNCONFIRMED, held=False), NOW, HOURS)
    gone = {DeliveryStatus.CANCELLED, DeliveryStatus.REPLACED}
    assert [d.status for d in page.offices] == [s for s in DeliveryStatus if s not in gone]


def test_a_released_letter_is_worded_as_released() -> None:
    released = _letter(SubmissionStatus.CONFIRMED, held=True, email_verified=False)
    assert link_page(released, NOW, HOURS).released
    at_once = _letter(SubmissionStatus.CONFIRMED, held=False, email_verified=False)
    assert not link_page(at_once, NOW, HOURS).released
