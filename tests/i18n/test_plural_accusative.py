"""Arabic counts from 11 to 99 (the catalogue's fifth plural form) take the singular noun in the
accusative, "12 رسالةً", and an adjective that follows it agrees: "12 رسالةً منتظرةً"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.pofile import read_po

ARABIC = Path(__file__).resolve().parents[2] / "webapp/translations/ar/LC_MESSAGES/messages.po"
FATHATAN, FATHA = "\u064b", "\u064e"
# The noun after the number, and the word after it (ends of words: letters and marks).
AFTER_NUMBER = re.compile(r"%\(num\)s ([\u0621-\u0652\u0670]+)(?: ([\u0621-\u0652\u0670]+))?")


def _plurals() -> list[Message]:
    with ARABIC.open("rb") as handle:
        catalog = read_po(handle)
    return [m for m in catalog if m.id and m.pluralizable]


def test_the_eleven_to_ninety_nine_form_is_accusative_with_its_adjective() -> None:
    faults = []
    for message in _plurals():
        eleven, hundred = message.string[4], message.string[5]
        counted, plain = AFTER_NUMBER.search(eleven), AFTER_NUMBER.search(hundred)
        if counted is None or plain is None or counted[1] == plain[1]:
            continue  # the sentence does not count its noun after the number ("وعددها 12")
        noun, next_word = counted[1], counted[2]
        if not noun.endswith((FATHATAN, FATHATAN + "ا", FATHA)):  # "رسالةً", "مكتبًا", "رسالةَ بريد"
            faults.append(f"{noun!r} is not accusative in {eleven!r}")
        # An adjective of the counted noun ("منتظرة") agrees with it: "رسالةً منتظرةً".
        if noun.endswith("ة" + FATHATAN) and next_word and next_word.endswith("ة"):
            faults.append(f"{next_word!r} does not agree with {noun!r} in {eleven!r}")
    assert faults == []


@pytest.mark.parametrize(
    ("plural", "expected"),
    [
        ("%(num)s waiting letters now go to their members' new contact details.", "رسالةً منتظرةً"),
        ("%(num)s waiting letters kept their members' old contact details:", "رسالةً منتظرةً"),
        ("The file has %(num)s problems; nothing was imported.", "مشكلةً"),
        ("%(num)s answers", "إجابةً"),
    ],
)
def test_the_roster_and_other_counts_read_right_for_twelve(plural: str, expected: str) -> None:
    (message,) = [m for m in _plurals() if m.id[1].startswith(plural)]
    assert f"%(num)s {expected}" in message.string[4]
