"""Which addresses count as throwaway mailboxes: a listed domain or any subdomain of one."""

from __future__ import annotations

import pytest

from webapp.antiabuse.disposable import DISPOSABLE_DOMAINS, is_disposable


def _by_endings(email: str) -> bool:
    """The rule as first written: the domain, or its ending after a dot, among the listed."""
    domain = email.rpartition("@")[2].strip().casefold()
    return domain in DISPOSABLE_DOMAINS or any(domain.endswith("." + d) for d in DISPOSABLE_DOMAINS)


@pytest.mark.parametrize(
    ("email", "disposable"),
    [
        ("a@mailinator.com", True),
        ("a@MailInator.COM ", True),
        ("a@inbox.mailinator.com", True),
        ("a@deep.inbox.mailinator.com", True),
        ("a@notmailinator.com", False),  # the same ending, not at a dot
        ("a@mailinator.com.example.org", False),
        ("a@example.org", False),
        ("a@com", False),
        ("a@.mailinator.com", True),
        ("a@mailinator.com.", False),
        ("no-at-sign.mailinator.com", True),
        ("a@", False),
        ("a@..", False),
    ],
)
def test_listed_domains_and_their_subdomains(email: str, disposable: bool) -> None:
    # Pins the behaviour the suffix lookup must keep (it replaced the scan of every ending).
    assert is_disposable(email) is disposable
    assert _by_endings(email) is disposable


def test_every_listed_domain_and_a_subdomain_of_each() -> None:
    for domain in DISPOSABLE_DOMAINS:
        for email in (f"x@{domain}", f"x@mail.{domain}", f"x@x{domain}", f"x@{domain}.org"):
            assert is_disposable(email) is _by_endings(email), email
