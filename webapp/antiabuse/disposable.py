"""Domains of well-known throwaway-mailbox services; a letter from one is asked to confirm."""

from __future__ import annotations

DISPOSABLE_DOMAINS: frozenset[str] = frozenset(
    {
        "10minutemail.com",
        "20minutemail.com",
        "33mail.com",
        "anonbox.net",
        "burnermail.io",
        "discard.email",
        "dispostable.com",
        "dropmail.me",
        "emailondeck.com",
        "fakeinbox.com",
        "getairmail.com",
        "getnada.com",
        "guerrillamail.biz",
        "guerrillamail.com",
        "guerrillamail.de",
        "guerrillamail.info",
        "guerrillamail.net",
        "guerrillamail.org",
        "guerrillamailblock.com",
        "harakirimail.com",
        "incognitomail.org",
        "inboxbear.com",
        "jetable.org",
        "mail-temp.com",
        "mailcatch.com",
        "maildrop.cc",
        "mailinator.com",
        "mailinator.net",
        "mailnesia.com",
        "mailpoof.com",
        "mintemail.com",
        "moakt.com",
        "mohmal.com",
        "mytemp.email",
        "mytrashmail.com",
        "nada.email",
        "sharklasers.com",
        "spam4.me",
        "spambox.us",
        "spamgourmet.com",
        "temp-mail.io",
        "temp-mail.org",
        "tempail.com",
        "tempmail.com",
        "tempmail.dev",
        "tempmail.net",
        "tempmailo.com",
        "tempr.email",
        "throwawaymail.com",
        "trashmail.com",
        "trashmail.de",
        "trashmail.net",
        "yopmail.com",
        "yopmail.fr",
        "yopmail.net",
    }
)


def is_disposable(email: str) -> bool:
    """Whether the address is at one of the domains or at a subdomain of one."""
    domain = email.rpartition("@")[2].strip().casefold()
    if domain in DISPOSABLE_DOMAINS:
        return True
    # What follows each dot, looked up in the set: the same answer as testing the domain's
    # ending against every listed domain, as this did, which built 55 strings a letter.
    dot = domain.find(".")
    while dot != -1:
        if domain[dot + 1 :] in DISPOSABLE_DOMAINS:
            return True
        dot = domain.find(".", dot + 1)
    return False
