"""Review r4 probes: phone numbers in a supporter's Arabic paragraph (markdown._PHONE)."""

from __future__ import annotations

import re

import pytest

from webapp.letters.markdown import text_to_html


@pytest.mark.parametrize(
    "url",
    ["https://wa.me/+963933123456", "https://example.org/call?n=313-555-0100&lang=ar"],
)
def test_r4_no_isolate_marks_inside_a_link(url: str) -> None:
    """A link's characters are left whole: a WhatsApp link with a "+" number got LRI/PDI inside
    it, so the link copied from the preview or receipt carries two invisible characters."""
    html = str(text_to_html(f"راسلوني على {url} شكرًا"))
    assert "\u2066" not in html and "\u2069" not in html, ascii(html)


def test_r4_a_bracketed_number_keeps_both_brackets_outside_or_inside() -> None:
    """In "(0933-123-456)" the opening bracket went inside the isolate and the closing one stayed
    outside, so an RTL page mirrored them apart: "((0933-123-456"."""
    html = str(text_to_html("للتواصل (0933-123-456) شكرًا"))
    inside = re.search("\u2066(.*?)\u2069", html)
    assert inside, ascii(html)
    assert inside.group(1).count("(") == inside.group(1).count(")"), ascii(html)
