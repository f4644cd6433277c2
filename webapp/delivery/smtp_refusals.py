"""Whose fault a relay's refusal is: the relay's (every letter alike) or this letter's own."""

from __future__ import annotations

import re

from webapp.delivery.failure_reasons import mailbox_full, refusal_reason
from webapp.delivery.smtp_errors import ChannelDown, SendError
from webapp.models.failure_reason import FailureReason

# Addresses in a relay's words are the supporter's (their receipt) or an office's: never kept.
_ADDRESS = re.compile(r"<?[^\s<>@]+@[^\s<>]+>?")
# Refusals of our relaying (no login, or a login not allowed to relay), not of a mailbox.
_RELAYING = re.compile(
    r"relay(ing)? (access )?(denied|not permitted|prohibited)|unable to relay", re.I
)
# Rate limits and quotas: the relay takes no more mail from us for a while, whatever the letter.
_LIMITED = re.compile(
    r"quota|throttl|\brate\b|sending limit|too many (messages|emails)"
    r"|max(imum)? (number of )?(emails|messages) per (hour|day)",  # cPanel/Exim hosting caps
    re.I,
)
# Our From address refused at DATA (Amazon SES, Microsoft 365): every letter carries it alike.
_SENDER_NOT_ALLOWED = re.compile(
    r"email address is not verified|identities failed the check|send as this sender"
    r"|sender (address )?(is )?not (allowed|authori[sz]ed|permitted|verified)",
    re.I,
)
# Codes a relay answers every sender with: busy, closing, or cannot check logins just now.
_BUSY = frozenset({421, 454})


def said(text: bytes | str) -> str:
    """The relay's words, one line, short, without any address."""
    words = text.decode(errors="replace") if isinstance(text, bytes) else text
    return without_addresses(" ".join(words.split()))[:200]


def without_addresses(text: str) -> str:
    """`text` with every email address in it replaced by "[address]"."""
    return _ADDRESS.sub("[address]", text)


def sender_refused(where: str, code: int, text: bytes | str) -> SendError:
    """MAIL FROM refused: our sender address, the same on every letter (or the relay busy)."""
    words = said(text)
    if code in _BUSY or _LIMITED.search(words):
        return limited(where, code, words)
    if code == 552 and "size" in words.lower():  # this message is too big: its own
        return SendError(
            f"SMTP {code}: {words}", permanent=True, reason=FailureReason.MESSAGE_REFUSED
        )
    return ChannelDown(
        f"the relay refused the sender address MAIL_FROM ({code}) at {where}: set MAIL_FROM to "
        f"an address the relay lets SMTP_URL's login send from (the relay said: {words})",
        reason=FailureReason.RELAY_SETTINGS,
    )


def recipient_refused(where: str, code: int, text: bytes | str) -> SendError:
    """RCPT TO refused: the relay's fault when it will not relay or is limiting us, else the
    recipient's own (user unknown, mailbox full)."""
    words = said(text)
    if code == 530 or _RELAYING.search(words):  # 530: it wants a login first, for any letter
        return ChannelDown(
            f"the relay does not relay for us ({code}) at {where}: put a user name and password "
            f"allowed to send in SMTP_URL (the relay said: {words})",
            reason=FailureReason.RELAY_SETTINGS,
        )
    if code in _BUSY or (_LIMITED.search(words) and not mailbox_full(words)):
        return limited(where, code, words)
    reason = refusal_reason(code, words, recipient=True)
    return SendError(f"recipient refused ({code}): {words}", 500 <= code < 600, reason)


def data_refused(where: str, code: int, text: bytes | str) -> SendError:
    """The message itself refused (5xx): its own, unless the relay says it is limiting us. A
    4xx at DATA is the relay's own trouble (451 local error, 452 no storage): every letter
    meets it alike. Not certain, as an HTTP 5xx is not: one message (a content check timing
    out on it) could cause it alone, and stopping the channel for that would hold every letter
    behind it; a second letter meeting it stops the channel and gives back the attempts used."""
    words = said(text)
    if code in _BUSY or (_LIMITED.search(words) and not mailbox_full(words)):
        return limited(where, code, words)
    if _SENDER_NOT_ALLOWED.search(words):
        # Not certain: a second letter meeting it stops email and gives back the attempts.
        return ChannelDown(
            f"the relay will not send from our sender address MAIL_FROM ({code}) at {where}: "
            f"verify it with the relay, or set MAIL_FROM to one SMTP_URL's login may send from "
            f"(the relay said: {words})",
            certain=False,
            reason=FailureReason.RELAY_SETTINGS,
        )
    if 400 <= code < 500 and not mailbox_full(words):  # a full mailbox is the office's
        return ChannelDown(
            f"the relay could not take the message just now ({code}) at {where}: letters wait "
            f"and are tried again (the relay said: {words})",
            certain=False,
            reason=FailureReason.RELAY_BUSY,
        )
    reason = refusal_reason(code, words, recipient=False)
    return SendError(f"SMTP {code}: {words}", 500 <= code < 600, reason)


def limited(where: str, code: int, words: str) -> ChannelDown:
    return ChannelDown(
        f"the relay is limiting how much we send ({code}) at {where}: letters wait and are "
        f"tried again; raise the relay's sending quota if it lasts (the relay said: {words})",
        reason=FailureReason.RELAY_LIMITED,
    )
