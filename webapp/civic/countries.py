"""Countries a supporter may live in: ISO 3166-1 alpha-2 codes with names from Babel's CLDR data."""

from __future__ import annotations

import unicodedata
from functools import cache

from babel import Locale, UnknownLocaleError

US = "US"
# CLDR territories that are not ISO 3166-1 countries (regions, reserved and private-use codes),
# and the US territories, which the letter form lists among the states: their residents vote
# for a delegate and are written to as US residents.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "ZZ"}
)
_US_TERRITORIES = frozenset({"AS", "GU", "MP", "PR", "UM", "VI"})


def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale("en")


@cache
def _codes() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(
        code
        for code in (str(key) for key in territories)
        if len(code) == 2
        and code.isalpha()
        and code not in _NOT_COUNTRIES
        and code not in _US_TERRITORIES
    )


def is_country(code: str | None) -> bool:
    return bool(code) and str(code) in _codes()


# Letters Arabic files as one that NFKD leaves apart: alif wasla (ٱ) and alif maqsura (ى).
_SAME_LETTER = str.maketrans({"ٱ": "ا", "ى": "ي"})


def name_order(name: str) -> str:
    """A place name's key for alphabetical order in English or Arabic: case, accents and Arabic
    short vowels set aside, and alif counted as one letter however it is written (sorting by
    code point put آيوا before أركنساس, and Åland after Zambia)."""
    folded = unicodedata.normalize("NFKD", name).casefold()
    bare = "".join(ch for ch in folded if not unicodedata.combining(ch))
    # NFKD already takes the hamza and madda off أ, إ and آ as combining marks.
    return bare.translate(_SAME_LETTER)


@cache
def country_choices(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name) for every country, the United States first, then by name in `language`."""
    names = _locale(language).territories
    others = sorted(
        ((code, names.get(code, code)) for code in _codes() if code != US),
        key=lambda item: name_order(item[1]),
    )
    return ((US, names.get(US, "United States")), *others)


def country_name(code: str | None, language: str = "en") -> str:
    """A country's name for people to read; letters to US offices use English."""
    if not code:
        return ""
    return str(_locale(language).territories.get(code, code))
