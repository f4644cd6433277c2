"""A date in a supporter's email is spelt as the receipt page spells it in that language: an
Arabic email read "07/12/2026" where the page says "7 ديسمبر 2026" (a numeric date is read
day-first in Syria and month-first in the US)."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.delivery.letter_emails import letter_emails, parts
from webapp.models import NotificationKind

NUMERIC_DATE = re.compile(r"\d{1,2}\u200f?/\d{1,2}\u200f?/\d{2,4}")
SPELT = {"en": "Sent (Dec 7, 2026, 9:04:59", "ar": "أُرسلت (7 ديسمبر 2026، 9:04:59"}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_receipt_email_spells_the_month_of_a_sent_letter(
    app: Flask, default_campaign: str, language: str
) -> None:
    receipt = letter_emails(app, default_campaign, language)[NotificationKind.RECEIPT]
    for part in parts(receipt):
        assert SPELT[language] in part
        assert not NUMERIC_DATE.search(part)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_receipt_email_names_the_zone_as_the_receipt_page_does(
    app: Flask, default_campaign: str, language: str
) -> None:
    """ "UTC", as a browser names it on the receipt (the page's script): the Arabic email said
    «التوقيت العالمي», a second name for the one zone."""
    receipt = letter_emails(app, default_campaign, language)[NotificationKind.RECEIPT]
    for part in parts(receipt):
        sent = re.search(re.escape(SPELT[language]) + r"[^)]*\)", part)
        assert sent is not None, part
        assert sent.group().endswith(" UTC)"), sent.group()
        assert "التوقيت العالمي" not in part
