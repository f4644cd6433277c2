"""Real mail domains one slip from a listed one (hotmail.se, live.dk) are never "corrected" to
another country's, and a slip that fits two domains is not guessed at (third review's probe):
a supporter trusting "Use …" would send their receipt to a stranger's mailbox."""

from __future__ import annotations

import pytest

from webapp.supporter.email_typos import suggest_address

# Microsoft's and Yahoo's own country domains (hotmail.se, live.dk...): real mailboxes.
REAL_COUNTRY_DOMAINS = [
    "hotmail.se", "hotmail.dk", "hotmail.fi", "hotmail.be",
    "live.se", "live.dk", "live.ie", "live.be",
    "outlook.be", "outlook.dk", "outlook.ie",
    "yahoo.se", "yahoo.dk", "yahoo.ie", "yahoo.gr",
]  # fmt: skip


@pytest.mark.parametrize("domain", REAL_COUNTRY_DOMAINS)
def test_real_country_domains_are_not_questioned(domain: str) -> None:
    assert suggest_address(f"rana@{domain}") is None


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("gmx.co", "gmx.com"), ("gmx.cm", "gmx.com"), ("gmx.nt", "gmx.net")],
)
def test_an_ambiguous_ending_is_not_guessed_alphabetically(typed: str, meant: str) -> None:
    assert suggest_address(f"rana@{typed}") in (None, f"rana@{meant}")
