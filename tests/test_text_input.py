"""Which spellings count as Latin letters, as US office systems need names and cities."""

from __future__ import annotations

import pytest

from webapp.text_input import has_pictographs, is_latin_text


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


@pytest.mark.parametrize(
    "text",
    [
        "Rana \U0001f339",
        "\u2764\ufe0f",
        "\U0001f44d\U0001f3fd",
        "1\ufe0f\u20e3",
        "\U0001f1f8\U0001f1fe",
        "\u2b50",
        "\ue000",
        "Haddad \u00ae",
    ],
)
def test_emoji_and_other_pictographs_are_found(text: str) -> None:
    assert has_pictographs(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "O'Brien",
        "Anne-Marie",
        "J. R.",
        "D`Angelo",
        "Zoë",
        "O\u2019Neil",
        "رنا الحدّاد",
        "Παπαδόπουλος",
        "Nguyễn",
        "Kāne\u02bbohe",
        "ناهید\u200cزاده",
    ],
)
def test_names_in_any_script_have_no_pictographs(text: str | None) -> None:
    assert not has_pictographs(text)
