"""What a supporter's button did, said where focus lands as the next page opens."""

from __future__ import annotations

from flask import flash

# Flash categories of our own: base.html draws them as an "info" or an "error" flash that
# takes focus.
OUTCOME = "outcome"
SENT_BACK = "sent-back"


def flash_outcome(message: str) -> None:
    """Flash what the button just did ("your email address is confirmed"). The next page
    focuses it (autofocus, site.js), which is what has a screen reader read it: a status
    already there as a page loads is not announced."""
    flash(message, OUTCOME)


def flash_sent_back(message: str) -> None:
    """Flash why a form came back with no error summary to focus (its token had expired): the
    page focuses it as it opens, as it would the summary, and is not an alert as well (read
    twice, as the summary was)."""
    flash(message, SENT_BACK)
