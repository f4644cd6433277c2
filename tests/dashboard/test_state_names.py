"""The campaign page's states by name in the page's language, as the letters' lines name them:
the Arabic page's state table listed "MI" and "TX" beside lines saying ميشيغان."""

from __future__ import annotations

import re

from flask import Flask

from tests.dashboard.helpers import ADMIN, signed_in
from tests.dashboard.letters import Letter, add_letters

STATE_ROW = re.compile(r'<tr><td>(.*?)</td><td class="num">(\d+)</td></tr>')


def _state_rows(page: str) -> list[tuple[str, str]]:
    start = page.index("<caption>", page.index('id="map-heading"'))
    table = page[start : page.index("</table>", start)]
    return STATE_ROW.findall(table)


def _letters(app: Flask, slug: str) -> None:
    # Two from Texas, one each from Michigan and Alabama: a tie to order by name.
    states = ("TX", "TX", "MI", "AL")
    add_letters(app, slug, [Letter(f"w{n}@example.org", state=s) for n, s in enumerate(states)])


def test_the_arabic_state_table_names_each_state_in_arabic(
    app: Flask, default_campaign: str
) -> None:
    _letters(app, default_campaign)
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text
    # Most letters first, as before; the tie in Arabic alphabetical order (ألاباما before
    # ميشيغان), each name isolated, its code beside it as the map's tiles show it.
    assert _state_rows(page) == [
        ("<bdi>تكساس</bdi> (TX)", "2"),
        ("<bdi>ألاباما</bdi> (AL)", "1"),
        ("<bdi>ميشيغان</bdi> (MI)", "1"),
    ]
    # The map's tiles name them the same way in their tooltips, in Arabic's plural forms.
    assert "<title>تكساس (TX): رسالتان</title>" in page
    assert "<title>ميشيغان (MI): رسالة واحدة</title>" in page
    assert "<title>أوهايو (OH): لا رسائل</title>" in page


def test_the_english_state_table_names_each_state_in_english(
    app: Flask, default_campaign: str
) -> None:
    _letters(app, default_campaign)
    page = signed_in(app, ADMIN).get(f"/dashboard/campaigns/{default_campaign}").text
    assert _state_rows(page) == [
        ("<bdi>Texas</bdi> (TX)", "2"),
        ("<bdi>Alabama</bdi> (AL)", "1"),
        ("<bdi>Michigan</bdi> (MI)", "1"),
    ]
    assert "<title>Texas (TX): 2 letters</title>" in page
    assert "<title>Michigan (MI): 1 letter</title>" in page


def test_the_exports_keep_the_postal_codes(app: Flask, default_campaign: str) -> None:
    _letters(app, default_campaign)
    app.config["BABEL_DEFAULT_LOCALE"] = "ar"
    admin = signed_in(app, ADMIN)
    data = admin.get(f"/dashboard/campaigns/{default_campaign}/data.json").get_json()
    assert data["by_state"] == {"AL": 1, "MI": 1, "TX": 2}
    csv = admin.get(f"/dashboard/campaigns/{default_campaign}/export.csv").text
    assert ",TX," in csv and "تكساس" not in csv
