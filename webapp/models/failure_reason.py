"""Why a letter did not reach its office: the closed list the worker records when it fails."""

from __future__ import annotations

import enum


class FailureReason(enum.StrEnum):
    """Stored on a delivery (and a postal mailing) when it fails or is held: what the
    dashboard says to organisers in words they can act on. Values are stored; rename none.
    Decided where the error is raised, from the answer's code, never read back from its text."""

    ADDRESS_REFUSED = "address_refused"  # the office's mail server refused the address
    MAILBOX_FULL = "mailbox_full"  # the office's mailbox is full or over its quota
    REFUSED_AS_SPAM = "refused_as_spam"  # the message refused as spam or by a policy
    MESSAGE_REFUSED = "message_refused"  # the message itself (too big, cannot be taken)
    UNAVAILABLE = "unavailable"  # the office's system unreachable, timed out, or busy for now
    RELAY_UNREACHABLE = "relay_unreachable"  # our mail relay did not answer
    RELAY_SETTINGS = "relay_settings"  # our relay refused our login, sender or relaying
    RELAY_LIMITED = "relay_limited"  # our relay is limiting how much we send
    RELAY_BUSY = "relay_busy"  # our relay reached but not taking mail now (421, 454, 4xx at DATA)
    FIELDS_REFUSED = "fields_refused"  # CWC refused the letter's fields
    KEY_REFUSED = "key_refused"  # CWC or the print service refused our API key (or URL)
    POSTAL_ADDRESS_REFUSED = "postal_address_refused"  # the print service refused the address
    RETURN_ADDRESS_REFUSED = "return_address_refused"  # ...or our own return address
    POSTAL_BUDGET = "postal_budget"  # the campaign's postal budget is reached
    UNREADABLE = "unreadable"  # the letter's sealed data does not open with the key
    UNKNOWN = "unknown"
