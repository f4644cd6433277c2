"""Each hand-off box is described by its character count (QA4 item 7): in the box, a screen
reader says how long the text is against the office's form's limit."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.supporter.test_text_lang import TEXTAREA_RE, _attrs, _receipt


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_each_hand_off_box_is_described_by_its_character_count(
    app: Flask, default_campaign: str, lang: str
) -> None:
    page = _receipt(app, lang)
    boxes = [_attrs(t) for t in TEXTAREA_RE.findall(page) if 'id="handoff-' in t]
    assert len(boxes) == 4
    for box in boxes:
        described = box.get("aria-describedby", "")
        assert described, f"{box['id']} has no aria-describedby"
        (count,) = re.findall(rf'<span [^>]*id="{described}"[^>]*>(.*?)</span>', page, re.S)
        assert "2,000" in count or "حدّ" in count or "limit" in count
