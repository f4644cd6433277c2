"""Each FailureReason in words for organisers: what happened, and what they can do about it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from webapp.dashboard.blueprint import bp
from webapp.delivery.smtp_refusals import without_addresses
from webapp.models import FailureReason

R = FailureReason


@dataclass(frozen=True)
class FailureWords:
    """`said`: what happened. `todo`: what to do, for any office; `fixed`: instead, for an
    office the campaign names (its details are in the campaign editor, linked after it)."""

    said: LazyString
    todo: LazyString
    fixed: LazyString | None = None


_SETTINGS = _l("The error below names the setting; `flask delivery check` shows them all.")

FAILURE_WORDS: dict[FailureReason, FailureWords] = {
    R.ADDRESS_REFUSED: FailureWords(
        _l("The office’s mail server refused the address."),
        _l("A member of Congress’s address comes from the roster: check it is current."),
        _l("Check the office’s email in the campaign editor."),
    ),
    R.MAILBOX_FULL: FailureWords(
        _l("The office’s mailbox is full."),
        _l("Nothing to mend on our side: try the letters again in a day or two."),
    ),
    R.REFUSED_AS_SPAM: FailureWords(
        _l("The office’s mail server refused the letter as spam or by its policy."),
        _l(
            "Ask whoever runs the mail relay to check that it may send for your address "
            "(SPF and DKIM), then try the letters again."
        ),
    ),
    R.MESSAGE_REFUSED: FailureWords(
        _l("The office’s mail server refused the message itself (too large, for example)."),
        _l("Ask the office how it takes letters, or hand them over in its packet."),
    ),
    R.UNAVAILABLE: FailureWords(
        _l("The office’s system could not be reached or did not answer in time."),
        _l("Nothing to do: the letters are tried again on their own while it lasts."),
    ),
    R.RELAY_UNREACHABLE: FailureWords(
        _l("Our mail relay could not be reached."),
        _l("Check the host and port in SMTP_URL; `flask delivery check` tries them."),
    ),
    R.RELAY_SETTINGS: FailureWords(
        _l("Our mail relay refused to log in or to send for us: the SMTP settings are wrong."),
        _SETTINGS,
    ),
    R.RELAY_LIMITED: FailureWords(
        _l("Our mail relay is limiting how much we send."),
        _l("The letters wait and are tried again; if it lasts, raise the relay’s quota."),
    ),
    R.RELAY_BUSY: FailureWords(
        _l("Our mail relay could not take the letter for now (a fault on its side)."),
        _l("The letters wait and are tried again; if it lasts, ask whoever runs the relay."),
    ),
    R.FIELDS_REFUSED: FailureWords(
        _l("Congress’s message system (CWC) refused the letter’s fields."),
        _l("The error below names the field, often the writer’s address or ZIP code."),
    ),
    R.KEY_REFUSED: FailureWords(
        _l("The service refused our API key, or the address set for it is wrong."), _SETTINGS
    ),
    R.POSTAL_ADDRESS_REFUSED: FailureWords(
        _l("The print-and-mail service refused the office’s postal address."),
        _l("Its letters wait with the organisers, for the office’s packet."),
        _l("Correct the office’s postal address in the campaign editor."),
    ),
    R.RETURN_ADDRESS_REFUSED: FailureWords(
        _l("The print-and-mail service refused our return address."), _SETTINGS
    ),
    R.POSTAL_BUDGET: FailureWords(
        _l("The campaign’s postal budget is reached."),
        _l("Its letters wait with the organisers, for the office’s packet."),
    ),
    R.UNREADABLE: FailureWords(
        _l("The letter could not be opened: the master key does not open its writer’s data."),
        _l("Other letters go on; `flask supporters rotate-key` may have been left unfinished."),
    ),
    R.UNKNOWN: FailureWords(
        _l("The letter could not be delivered, for a reason not recognised."),
        _l("The error below says more; `flask delivery check` may too."),
    ),
}


@bp.app_template_global()
def failure_words(reason: str | None) -> FailureWords | None:
    """The words for a stored reason; None for none (older rows show their raw error)."""
    try:
        return FAILURE_WORDS[FailureReason(reason)] if reason else None
    except ValueError:
        return None


_COMMAND = re.compile(r"`([^`]+)`")


@bp.app_template_filter()
def with_commands(text: str) -> Markup:
    """`text` escaped, each `command` in it as code kept left to right in an Arabic sentence."""
    escaped = str(escape(str(text)))
    return Markup(_COMMAND.sub(r"<bdi><code>\1</code></bdi>", escaped))  # noqa: S704 - escaped


@bp.app_template_filter()
def no_addresses(text: str) -> str:
    """An office system's words without any email address in them (as undelivered.py keeps)."""
    return without_addresses(text)
