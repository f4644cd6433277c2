"""A held letter's reasons on the campaign page and the decline page, in the page's language:
the risk checks store them in English ("disposable email domain"), and Arabic pages showed
them so, joined by a Latin "; "."""

from __future__ import annotations

import html
import re

from flask import Flask

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import add_held_letter

STORED = [
    "sent 1.2 s after opening the form",
    "disposable email domain",
    "12+ letters from one address in 10 minutes",
    "a reason from a newer release",
]


def test_a_held_letters_reasons_read_in_the_pages_language(
    app: Flask, default_campaign: str
) -> None:
    letter = add_held_letter(app, default_campaign, tuple(STORED))
    admin = signed_in(app, ADMIN)
    campaign = f"/dashboard/campaigns/{default_campaign}"
    decline = f"{campaign}/submissions/{letter}/decline"
    english = (
        "sent <bdi>1.2</bdi> s after opening the form, disposable email domain, <bdi>12</bdi> or"
        " more letters from"
        " one address in 10 minutes, and <bdi>a reason from a newer release</bdi>"
    )
    for path in (campaign, decline):
        page = html.unescape(admin.get(path).text)
        assert english in page, path
        assert (
            f'id="held-{letter}"><bdi>Rasha Haddad</bdi>, <bdi>Dearborn</bdi>, '
            "<bdi>Michigan</bdi> · " in page
        ), path
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    # Joined as Babel joins an Arabic list: "أ وب وج"; each figure isolated, so "1.2" keeps
    # its place in the right-to-left sentence.
    arabic = (
        "أُرسلت بعد <bdi>1.2</bdi> ث من فتح النموذج ونطاق بريد إلكتروني مؤقت و<bdi>12</bdi> رسالةً"
        " أو أكثر من عنوان"
        " واحد خلال 10 دقائق و<bdi>a reason from a newer release</bdi>"
    )
    for path in (campaign, decline):
        page = html.unescape(admin.get(path).text)
        assert arabic in page and "disposable email domain" not in page, path
        # Who and where, with Arabic commas and the state's name.
        assert (
            f'id="held-{letter}"><bdi>Rasha Haddad</bdi>، <bdi>Dearborn</bdi>، '
            "<bdi>ميشيغان</bdi> · " in page
        ), path
    # The table that counts the reasons names each kind in Arabic too.
    page = html.unescape(admin.get(campaign).text)
    assert "<td>نطاق بريد إلكتروني مؤقت</td>" in page


def test_a_held_letters_counts_take_the_arabic_form_their_number_needs(
    app: Flask, default_campaign: str
) -> None:
    """The sentence "%(num)s or more letters…" was one for every count: "12 رسالة" where Arabic
    says "12 رسالةً" (11 to 99: accusative singular), "5 رسائل" (3 to 10: plural)."""
    stored = [
        "5+ letters from one address in 10 minutes",
        "12+ letters from one network in 10 minutes",
        "the same personal paragraph from 12+ other senders",
    ]
    letter = add_held_letter(app, default_campaign, tuple(stored))
    admin = signed_in(app, ADMIN)
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = html.unescape(admin.get(f"/dashboard/campaigns/{default_campaign}").text)
    (line,) = re.findall(rf'id="held-{letter}">(.*?)</p>', page, re.S)
    assert "<bdi>5</bdi> رسائل أو أكثر من عنوان واحد خلال 10 دقائق" in line, line
    assert "<bdi>12</bdi> رسالةً أو أكثر من شبكة واحدة" in line, line
    assert "الفقرة الشخصية نفسها من <bdi>12</bdi> مرسلًا آخر أو أكثر" in line, line
