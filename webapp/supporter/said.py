"""What a supporter's button did, said where focus lands as the next page opens."""

from __future__ import annotations

from flask import flash

# A flash category of our own: base.html draws it as an "info" flash that takes focus.
OUTCOME = "outcome"


def flash_outcome(message: str) -> None:
    """Flash what the button just did ("your email address is confirmed"). The next page
    focuses it (autofocus, site.js), which is what has a screen reader read it: a status
    already there as a page loads is not announced."""
    flash(message, OUTCOME)
