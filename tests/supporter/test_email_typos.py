"""Which addresses get a "Did you mean …?", and which are left alone."""

from __future__ import annotations

import pytest

from webapp.supporter.email_typos import suggest_address


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("rana.haddad@gmial.con", "rana.haddad@gmail.com"),
        ("rana@gmail.co", "rana@gmail.com"),
        ("rana@gmail.con", "rana@gmail.com"),
        ("rana@gmail.cmo", "rana@gmail.com"),
        ("rana@gmai.com", "rana@gmail.com"),
        ("rana@gnail.com", "rana@gmail.com"),
        ("Rana@GMIAL.COM", "Rana@gmail.com"),
        ("rana@hotmial.com", "rana@hotmail.com"),
        ("rana@yahooo.com", "rana@yahoo.com"),
        ("rana@yaho.com", "rana@yahoo.com"),
        ("rana@outlok.com", "rana@outlook.com"),
        ("rana@iclod.com", "rana@icloud.com"),
        ("rana@oal.com", "rana@aol.com"),
        ("rana@aol.cmo", "rana@aol.com"),
        ("rana@gmx.dr", "rana@gmx.de"),
        ("rana@web.ed", "rana@web.de"),
        ("rana@ymail.con", "rana@ymail.com"),
        ("rana@mail.con", "rana@mail.com"),
        ("rana@gmx.con", "rana@gmx.com"),
    ],
)
def test_a_near_miss_of_a_common_mail_domain_gets_a_suggestion(typed: str, meant: str) -> None:
    assert suggest_address(typed) == meant


@pytest.mark.parametrize(
    "typed",
    [
        "rana@gmail.com",
        "rana@gmx.com",
        "rana@gmx.net",
        "rana@mail.com",
        "rana@email.com",
        "rana@ymail.com",
        "rana@me.com",
        "rana@mac.com",
        "rana@live.com",
        "rana@msn.com",
        "rana@aon.com",  # a real company, one letter from aol.com
        "rana@sol.com",
        "rana@web.com",
        "rana@yahoo.co.uk",
        "rana@yahoo.co.jp",
        "rana@hotmail.co.uk",
        "rana@gmail.com.au",
        "rana@mail.gmail.com",
        "rana@example.org",
        "rana@university.edu",
        "rana@gmailcom",
        "gmial.con",
        "",
        None,
    ],
)
def test_real_domains_and_others_get_none(typed: str | None) -> None:
    assert suggest_address(typed) is None
