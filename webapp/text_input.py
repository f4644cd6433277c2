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
