"""Typed input made uniform before any check: digits from every script become ASCII 0-9."""

from __future__ import annotations

import unicodedata
from typing import Any


def ascii_digits(value: Any) -> Any:
    """Each decimal digit (Unicode Nd: Arabic-Indic ٠٥٤٠١, full-width ０５, Devanagari…) as 0-9.

    Keyboards in Arabic, Persian, Hindi or Japanese type their own digits; a ZIP code or a
    number typed that way means the same as the ASCII one. Other numerals (², ①) stay as
    they are, so the check on the field still refuses them.
    """
    if not isinstance(value, str) or value.isascii():
        return value
    return "".join(
        str(digit) if (digit := unicodedata.decimal(ch, None)) is not None else ch for ch in value
    )


# The Arabic script's blocks: Arabic, Supplement, Extended-A, Presentation Forms-A and -B.
_ARABIC_RANGES = (
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x08A0, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
)


def has_arabic_script(value: str | None) -> bool:
    """Whether the text has a letter of the Arabic script (Arabic, Persian, Urdu…)."""
    return any(
        start <= ord(ch) <= end
        for ch in value or ""
        if ch.isalpha()
        for start, end in _ARABIC_RANGES
    )


def is_latin_text(value: str | None) -> bool:
    """Whether every letter is a Latin one (accents allowed: José, Zoë), as US office
    systems require of a name."""
    return all(unicodedata.name(ch, "").startswith("LATIN ") for ch in value or "" if ch.isalpha())
