"""A held letter's reasons on the campaign page and the decline page, in the page's language:
the risk checks store them in English ("disposable email domain"), and Arabic pages showed
them so, joined by a Latin "; "."""

from __future__ import annotations

import html

from flask import Flask
from sqlalchemy import update

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import Letter, add_letters
from webapp.database import db, write_transaction
from webapp.models import Submission, SubmissionStatus

STORED = [
    "sent 1.2 s after opening the form",
    "disposable email domain",
    "12+ letters from one address in 10 minutes",
    "a reason from a newer release",
]


def _held_letter(app: Flask, slug: str) -> int:
    (letter,) = add_letters(
        app, slug, [Letter("held@example.org", status=SubmissionStatus.UNCONFIRMED)]
    )
    with app.app_context(), write_transaction(db.session()):
        db.session.execute(
            update(Submission).where(Submission.id == letter).values(held=True, risk_reasons=STORED)
        )
    return letter


def test_a_held_letters_reasons_read_in_the_pages_language(
    app: Flask, default_campaign: str
) -> None:
    letter = _held_letter(app, default_campaign)
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
        "أُرسلت بعد <bdi>1.2</bdi> ث من فتح النموذج ونطاق بريد إلكتروني مؤقت و<bdi>12</bdi> رسالة"
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
