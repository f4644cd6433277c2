"""The partner's consent box in Arabic reads right whatever the partner's name: the sentence
gave the partner a feminine verb ("تطلبه", "تتلقّى"), wrong beside the many masculine names of
Syrian diaspora organisations (المجلس، المنتدى، التحالف)."""

from __future__ import annotations

import re

from flask import Flask

from tests.dashboard.helpers import add_partner

# A verb in the feminine (ت-) right before the partner's name, isolated by FSI (U+2068).
FEMININE_BEFORE_NAME = re.compile("(?:^|\\s)ت\\w+\\s+\u2068")


def test_the_partners_box_in_arabic_agrees_with_any_name(app: Flask, default_campaign: str) -> None:
    add_partner(app, default_campaign, "sac", "Syrian American Council", "SAC may email me.")
    page = app.test_client().get(f"/campaigns/{default_campaign}?partner=sac&lang=ar").text
    start = page.index('name="partner_consent"')
    box = page[start : page.index("</div>", start)]
    assert "\u2068Syrian American Council\u2069" in box, box  # isolated (FSI … PDI)
    assert "بطلبٍ من" in box and "يصل إلى" in box, box
    assert FEMININE_BEFORE_NAME.findall(box) == [], box
