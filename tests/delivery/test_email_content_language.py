"""Every email to a supporter names its language in Content-Language (RFC 3282), so that a mail
program reading it aloud or offering to translate it knows what it holds; the HTML part keeps
its own lang and dir."""

from __future__ import annotations

import pytest
from flask import Flask

from tests.delivery.letter_emails import letter_emails, parts

DIRECTION = {"en": "ltr", "ar": "rtl"}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_each_letter_email_says_its_language(
    app: Flask, default_campaign: str, language: str
) -> None:
    emails = letter_emails(app, default_campaign, language)
    assert len(emails) == 3
    for message in emails.values():
        assert message.get_all("Content-Language") == [language]
        _text, html = parts(message)
        assert f'<html lang="{language}" dir="{DIRECTION[language]}">' in html
