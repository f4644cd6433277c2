"""Rate-limit keys and rules for the letter routes (full page and widget) and receipt links."""

from __future__ import annotations

from flask import current_app

from webapp.services.submissions import email_key
from webapp.unproxied import this_app, this_request


def letter_ip_limit() -> str:
    return str(this_app().config["LETTER_RATE_LIMIT"])


def letter_email_limit() -> str:
    return str(this_app().config["EMAIL_RATE_LIMIT"])


def receipt_link_ip_limit() -> str:
    return str(current_app.config["RECEIPT_LINK_RATE_LIMIT"])


def receipt_link_email_limit() -> str:
    return str(current_app.config["RECEIPT_LINK_EMAIL_RATE_LIMIT"])


def sender_email_key() -> str:
    """Limits per sender address: one person cannot flood from many connections."""
    return "email:" + email_key(this_request().form.get("email", ""))


def not_sending() -> bool:
    """Previews and edits are free; only sending a letter counts against the limits."""
    return this_request().form.get("action") != "send"
