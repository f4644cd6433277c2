"""Which FailureReason an answer means: decided from its code where the error is raised."""

from __future__ import annotations

import re
import smtplib
import ssl

from webapp.models.failure_reason import FailureReason

# RFC 3463 enhanced codes and the words relays use for them. Checked before a relay's
# "quota" (its own sending limit): a full mailbox is the office's, not our relay's. A code
# counts only where it opens the answer: elsewhere "4.2.2" may end an IP address (10.4.2.2).
_MAILBOX_FULL = re.compile(
    r"^[45]\.2\.2\b|mailbox (is )?full|(mailbox|user|recipient)\S* (is )?over (its )?quota"
    r"|exceeded storage allocation|out of storage",  # RFC 5321's 552, and Gmail's words
    re.I,
)
_SPAM = re.compile(
    r"^5\.7\.\d+\b|spam|policy|blocked|block ?list|black ?list|reputation|rejected as bulk", re.I
)


def mailbox_full(words: str) -> bool:
    return bool(_MAILBOX_FULL.search(words))


def refusal_reason(code: int, words: str, recipient: bool) -> FailureReason:
    """An SMTP refusal of this message alone (RCPT TO when `recipient`, else DATA): a full
    mailbox, spam or policy, for now (4xx), else the address (RCPT) or the message (DATA)."""
    if mailbox_full(words):
        return FailureReason.MAILBOX_FULL
    if _SPAM.search(words):
        return FailureReason.REFUSED_AS_SPAM
    if code < 500:
        return FailureReason.UNAVAILABLE
    return FailureReason.ADDRESS_REFUSED if recipient else FailureReason.MESSAGE_REFUSED


def connect_reason(exc: Exception) -> FailureReason:
    """Why no connection to our relay could be had: a setting to mend (login, TLS, what
    SMTP_URL asks), or the relay not answering."""
    settings = (smtplib.SMTPAuthenticationError, smtplib.SMTPNotSupportedError, ssl.SSLError)
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code in (421, 454):
        return FailureReason.RELAY_BUSY  # reached, but it cannot take us (or logins) just now
    if isinstance(exc, settings):
        return FailureReason.RELAY_SETTINGS
    return FailureReason.RELAY_UNREACHABLE


def http_reason(status: int | None, settings_wrong: bool, letter: FailureReason) -> FailureReason:
    """A CWC or postal answer that was not a success: our key or URL (`settings_wrong`), the
    service not answering or failing (no status, 5xx, asked to wait), else `letter`: what a
    refusal of this letter means on that channel."""
    if settings_wrong:
        return FailureReason.KEY_REFUSED
    if status is None or status >= 500 or status in (408, 425, 429):
        return FailureReason.UNAVAILABLE
    return letter


def held_reason(why: str) -> FailureReason:
    """Why a posted letter was left with the organisers, from the reason the postal side
    wrote (postal_addresses.refusal, mailing.UNPRINTABLE, postal_budget.take_places)."""
    if why.startswith("return address"):
        return FailureReason.RETURN_ADDRESS_REFUSED
    if why.startswith("postal budget"):
        return FailureReason.POSTAL_BUDGET
    if why.startswith("office address"):
        return FailureReason.POSTAL_ADDRESS_REFUSED
    return FailureReason.UNKNOWN
