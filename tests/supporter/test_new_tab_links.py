"""Links that open a new tab say so (QA4 item 10): on the receipt and the widget's thanks."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.supporter.test_abroad import BERLIN
from tests.supporter.test_text_lang import _receipt
from tests.widget.helpers import form_token, letter_data, post_widget

NEW_TAB = {"en": "(opens in a new tab)", "ar": "(تُفتح في علامة تبويب جديدة)"}
NEW_TAB_LINK_RE = re.compile(r'<a\b([^>]*target="_blank"[^>]*)>(.*?)</a>', re.S)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_receipt_links_that_open_a_new_tab_say_so(
    app: Flask, default_campaign: str, lang: str
) -> None:
    # Four contact pages in the hand-off cards, four under the letters, three share links (the
    # email one opens the mail program, not a tab).
    shown = [
        text for tag, text in NEW_TAB_LINK_RE.findall(_receipt(app, lang)) if "mailto:" not in tag
    ]
    assert len(shown) >= 11
    assert all(NEW_TAB[lang] in text for text in shown), shown


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_widget_thanks_step_says_its_links_open_a_new_tab(
    app: Flask, default_campaign: str, lang: str
) -> None:
    client = app.test_client()
    query = f"?lang={lang}"
    token = form_token(client.get(f"/widget/{default_campaign}{query}").text)
    done = post_widget(client, default_campaign + query, letter_data(token, **BERLIN))
    assert done.status_code == 200, done.text
    links = [text for tag, text in NEW_TAB_LINK_RE.findall(done.text) if "mailto:" not in tag]
    assert len(links) >= 4  # the two receipt links and the share links
    assert all(NEW_TAB[lang] in text for text in links), links


def test_the_counters_link_says_it_opens_a_new_tab(app: Flask, default_campaign: str) -> None:
    counter = app.test_client().get(f"/widget/{default_campaign}?mode=counter&lang=ar").text
    (link,) = [text for _tag, text in NEW_TAB_LINK_RE.findall(counter)]
    assert NEW_TAB["ar"] in link
