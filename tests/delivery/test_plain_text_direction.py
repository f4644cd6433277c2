"""A plain-text mail program sets each line in the direction of its first strong letter, outside
any isolate (Unicode's rule P2). In an Arabic email the office lines of the letter copies began
with an isolated English name, had no strong letter outside it, and ran left to right; each now
opens with a right-to-left mark, its name still whole inside its isolate. English is untouched."""

from __future__ import annotations

from flask import Flask

from tests.delivery.letter_emails import first_strong, letter_emails, parts
from webapp.models import NotificationKind

RLM, FSI, PDI = "\u200f", "\u2068", "\u2069"


def test_first_strong_skips_isolates() -> None:
    assert first_strong(f"- {FSI}Elissa Slotkin{PDI}، {FSI}Senate{PDI}:") is None
    assert first_strong(f"{RLM}- {FSI}Elissa Slotkin{PDI}:") == "rtl"
    assert first_strong(f"{FSI}3{PDI} مكاتب") == "rtl"
    assert first_strong("Dear Senator,") == "ltr"


def test_every_arabic_line_with_a_value_reads_right_to_left(
    app: Flask, default_campaign: str
) -> None:
    emails = letter_emails(app, default_campaign, "ar")
    valued = []
    for message in emails.values():
        text, _html = parts(message)
        # The email's own lines: the letter copies (in the campaign's English) hold no isolate.
        valued += [line for line in text.splitlines() if FSI in line]
    assert len(valued) > 10
    for line in valued:
        assert first_strong(line) == "rtl", repr(line)
    receipt, _html = parts(emails[NotificationKind.RECEIPT])
    # The offices a copy went to, and their greetings, each whole inside its isolate.
    assert f"{RLM}- {FSI}Elissa Slotkin{PDI}، {FSI}مجلس الشيوخ الأمريكي{PDI}:" in receipt
    assert f"{RLM}  {FSI}Dear Senator Slotkin,{PDI}\n" in receipt


def test_an_english_email_has_no_direction_marks(app: Flask, default_campaign: str) -> None:
    emails = letter_emails(app, default_campaign, "en")
    for message in emails.values():
        text, _html = parts(message)
        assert RLM not in text and FSI not in text
    receipt, _html = parts(emails[NotificationKind.RECEIPT])
    assert "\n- Elissa Slotkin, United States Senate:\n  Dear Senator Slotkin,\n" in receipt
