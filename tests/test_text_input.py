"""Which spellings count as Latin letters, as US office systems need names and cities."""

from __future__ import annotations

import pytest

from webapp.text_input import is_latin_text


@pytest.mark.parametrize(
    "text",
    [
        "José",
        "Zoë",
        "Kāneʻohe",
        "ʻEwa Beach",
        "Kaʻahumanu",
        "'s-Hertogenbosch",
        "Ｂｅｒｌｉｎ",
        "Ōsaka",
    ],
)
def test_latin_spellings_count_as_latin(text: str) -> None:
    assert is_latin_text(text)


@pytest.mark.parametrize("text", ["برلين", "Рания", "東京", "Berlin برلين", "שלום"])
def test_other_scripts_do_not(text: str) -> None:
    assert not is_latin_text(text)
