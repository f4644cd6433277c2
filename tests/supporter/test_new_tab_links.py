"""Links that open a new tab say so (QA4 item 10): on the receipt, the widget's thanks and beside
the letter form."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.supporter.helpers import post_letter
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


def _new_tab_links(page: str) -> list[str]:
    return [text for tag, text in NEW_TAB_LINK_RE.findall(page) if "mailto:" not in tag]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_privacy_link_beside_the_form_opens_a_tab_of_its_own_and_says_so(
    app: Flask, default_campaign: str, lang: str
) -> None:
    """Left in the same tab from a form sent back with its errors (a POST), Back to the form
    came back only through Chromium's "Confirm Form Resubmission"; in its own tab, the form and
    everything typed in it stay where they are."""
    client = app.test_client()
    form = client.get(f"/campaigns/{default_campaign}?lang={lang}").text
    errors = post_letter(client, f"{default_campaign}?lang={lang}", "preview", first_name="")
    assert errors.status_code == 422
    for page in (form, errors.text):
        privacy = [tag for tag, _text in NEW_TAB_LINK_RE.findall(page) if "/privacy" in tag]
        assert len(privacy) == 1, "the privacy link does not open a tab of its own"
        assert f"lang={lang}" in privacy[0]
        links = _new_tab_links(page)
        assert all(NEW_TAB[lang] in text for text in links), links
    # No link in the form itself leads away in the same tab (in-page links aside).
    body = errors.text.split('id="letter-form"', 1)[1].split("</form>", 1)[0]
    same_tab = [
        tag
        for tag in re.findall(r"<a\b[^>]*>", body)
        if 'href="#' not in tag and 'target="_blank"' not in tag
    ]
    assert not same_tab, same_tab


def test_the_widget_form_s_privacy_link_says_it_opens_a_new_tab(
    app: Flask, default_campaign: str
) -> None:
    page = app.test_client().get(f"/widget/{default_campaign}?lang=ar").text
    privacy = [text for tag, text in NEW_TAB_LINK_RE.findall(page) if "/privacy" in tag]
    assert len(privacy) == 1 and NEW_TAB["ar"] in privacy[0], privacy


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_link_on_the_widget_form_that_opens_a_new_tab_says_so(
    app: Flask, default_campaign: str, lang: str
) -> None:
    """The widget's "Open the full page" opened a tab without a word to a screen reader, where
    the same link on the expired step, the counter's and the privacy link say so."""
    client = app.test_client()
    form = client.get(f"/widget/{default_campaign}?lang={lang}").text
    token = form_token(form)
    data = letter_data(token, "preview", first_name="", lang=lang)
    errors = post_widget(client, default_campaign, data)
    assert errors.status_code == 422
    for page in (form, errors.text):
        links = _new_tab_links(page)
        assert any("full page" in text or "الصفحة الكاملة" in text for text in links), links
        assert all(NEW_TAB[lang] in text for text in links), links
