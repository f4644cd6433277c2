"""The receipt email gives its page's link once after the paragraphs that send the supporter
there: with both "paste it into their forms" and "could not be reached", it came twice in a
row, one paragraph's link straight above the other's."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.delivery.letter_emails import letter_emails, parts
from webapp.models import NotificationKind

OPEN_PAGE = {"en": "Open your receipt page", "ar": "افتح صفحة إيصالك"}
# The last words of each paragraph, in the email's order.
BY_HAND = {"en": "with the link to its form.", "ar": "مع رابط نموذجه."}
FAILED = {"en": "send it yourself meanwhile.", "ar": "بنفسك في الأثناء."}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_link_follows_the_by_hand_and_failed_paragraphs_once(
    app: Flask, default_campaign: str, language: str
) -> None:
    receipt = letter_emails(app, default_campaign, language)[NotificationKind.RECEIPT]
    text, html = parts(receipt)
    url = next(line for line in text.splitlines() if "/receipts/" in line)
    # Once under the opening sentence, once after both paragraphs.
    assert text.count(url) == 2
    by_hand, failed = text.index(BY_HAND[language]), text.index(FAILED[language])
    assert by_hand < failed < text.index(url, failed)
    assert url not in text[by_hand:failed]
    assert html.count(OPEN_PAGE[language]) == 1
    assert html.index(FAILED[language]) < html.index(OPEN_PAGE[language])


def test_the_by_hand_paragraph_alone_keeps_its_link(app: Flask, default_campaign: str) -> None:
    receipt = letter_emails(app, default_campaign, "en", failed=False)[NotificationKind.RECEIPT]
    text, html = parts(receipt)
    url = next(line for line in text.splitlines() if "/receipts/" in line)
    assert f"{BY_HAND['en']}\n{url}\n\n" in text
    assert FAILED["en"] not in text
    assert html.count(OPEN_PAGE["en"]) == 1
