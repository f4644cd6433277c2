"""A partner's page shows the widget's form: before a supporter types anything there, it links
to who receives what, in the widget's language and in a tab of its own."""

from __future__ import annotations

import html
import re

import pytest
from flask.testing import FlaskClient

LINK_RE = re.compile(
    r'<a href="([^"]*/privacy[^"]*)" target="_blank" rel="noopener">([^<]+)'
    r'<span class="visually-hidden"> ([^<]+)</span></a>'
)


@pytest.mark.parametrize("mode", ["letter", "signup"])
@pytest.mark.parametrize(
    ("lang", "words", "new_tab"),
    [
        ("en", "Who receives what, and for how long we keep it", "(opens in a new tab)"),
        ("ar", "من يتلقّى ماذا، وإلى متى نحتفظ به", "(تُفتح في علامة تبويب جديدة)"),
    ],
)
def test_each_widget_form_links_to_the_privacy_notice(
    client: FlaskClient, default_campaign: str, mode: str, lang: str, words: str, new_tab: str
) -> None:
    page = client.get(f"/widget/{default_campaign}?mode={mode}&lang={lang}")
    assert page.status_code == 200
    link = LINK_RE.search(page.text)
    assert link, page.text
    assert html.unescape(link[1]).endswith(f"/privacy?lang={lang}")
    assert html.unescape(link[2]) == words
    assert html.unescape(link[3]) == new_tab
    notice = client.get(html.unescape(link[1]).split("localhost", 1)[-1])
    assert notice.status_code == 200 and f'<html lang="{lang}"' in notice.text
