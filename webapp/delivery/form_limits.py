"""Character limits of offices' web forms that we can document, keyed by the form's host."""

from __future__ import annotations

from urllib.parse import urlsplit

# Each entry needs a source an organiser can check; an unknown form gets no assumed limit.
FORM_LIMITS: dict[str, int] = {
    # The White House contact form took at most 2,000 characters of message (checked 2019).
    "www.whitehouse.gov": 2_000,
    "whitehouse.gov": 2_000,
}


def form_limit(contact_url: str | None) -> int | None:
    """The message limit of the office's web form, or None when it is not known."""
    if not contact_url:
        return None
    host = (urlsplit(contact_url).hostname or "").lower()
    return FORM_LIMITS.get(host)
