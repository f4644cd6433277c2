"""Typed input made uniform before any check: digits from every script become ASCII 0-9."""

from __future__ import annotations

import re
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


# Letters of Latin spellings that Unicode names otherwise: the ʻokina of Hawaiian place and
# family names (Kāneʻohe, ʻEwa Beach) and the modifier apostrophes used the same way.
_LATIN_MODIFIERS = frozenset("\u02bb\u02bc\u02bd")


def is_latin_text(value: str | None) -> bool:
    """Whether every letter is a Latin one (accents allowed: José, Zoë, Kāneʻohe), as US office
    systems require of a name. Full-width letters from an East Asian keyboard count as the
    letters they stand for."""
    text = unicodedata.normalize("NFKC", value or "")
    return all(
        ch in _LATIN_MODIFIERS or unicodedata.name(ch, "").startswith("LATIN ")
        for ch in text
        if ch.isalpha()
    )


# Pictographs: emoji and other symbols (So), enclosing marks (the keycap of 1️⃣), private-use
# and surrogate code points; with the emoji presentation selector and the skin tones (Sk).
_PICTOGRAPH_CATEGORIES = frozenset({"So", "Me", "Co", "Cs"})
_EMOJI_PARTS = frozenset(["\ufe0f", *map(chr, range(0x1F3FB, 0x1F400))])


def has_pictographs(value: str | None) -> bool:
    """Whether the text has an emoji or another pictograph: letters of any script, digits,
    marks and punctuation (O'Brien, Anne-Marie, J. R.) have none."""
    if not value or value.isascii():
        return False
    return any(
        ch in _EMOJI_PARTS or unicodedata.category(ch) in _PICTOGRAPH_CATEGORIES for ch in value
    )


# C0/C1 control characters other than tab and newline, and the line/paragraph separators.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def clean_line(value: Any) -> Any:
    """One-line text: Unicode NFC, no control characters, single spaces, trimmed."""
    if not isinstance(value, str):
        return value
    value = _CONTROL_RE.sub(" ", unicodedata.normalize("NFC", value).replace("\t", " "))
    return re.sub(r"\s+", " ", value).strip()


def clean_block(value: Any) -> Any:
    """Multi-line text: Unicode NFC, newlines kept (CRLF folded), other controls removed."""
    if not isinstance(value, str):
        return value
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_RE.sub("", value).strip()
