"""owned_text's answer without folding a whole text is the answer folding gave (pins it)."""

from __future__ import annotations

import random
import sys

from webapp.letters.compose import Signer
from webapp.services.letter_fields import FOLDS_TO_ASCII, owned_text


def _folding(body: str, signer: Signer) -> bool:
    """The rule as it was written before: fold the text, then look for each name and the ZIP."""
    folded = body.casefold()
    names = (signer.first_name, signer.last_name)
    return any(v and v.casefold() in folded for v in names) or bool(
        signer.zip_code and signer.zip_code in body
    )


def test_the_characters_that_fold_to_ascii_are_all_there() -> None:
    found = "".join(
        c
        for c in map(chr, range(0x80, sys.maxunicode + 1))
        if any(ord(f) < 0x80 for f in c.casefold())
    )
    assert found == FOLDS_TO_ASCII


def _signer(first: str, last: str, zip_code: str | None) -> Signer:
    return Signer(first, last, "s@example.org", "Dearborn", "MI", zip_code)


# Letters that fold in every way that matters: ASCII in both cases, the ones that fold to ASCII
# ("ß" -> "ss", "ﬁ" -> "fi", "K" -> "k", "İ" -> "i̇"), curly quotes and dashes, accents, Arabic,
# Greek's final sigma, and a lone surrogate (a text Python can hold, not UTF-8).
_ALPHABET = "aAbBiIkKsSfFtTeE 0123.,\n’–“é" + FOLDS_TO_ASCII + "ÉŠσςΣبريد\ud800"
_NAMES = ["Ss", "SS", "Test", "fi", "Kaiser", "Weiß", "İlker", "José", "بريد", "k", "", "L99"]


def test_owned_text_answers_as_folding_did() -> None:
    shuffle = random.Random(18)
    statement = "Dear Senator,\nAs your constituent I ask you – today – to act; it’s urgent. " * 50
    bodies = [statement, statement + "Weiss", statement + "WEISS", statement + "ﬁ", "", "ss"]
    bodies += ["".join(shuffle.choices(_ALPHABET, k=shuffle.randint(1, 60))) for _ in range(3000)]
    checked = 0
    for body in bodies:
        for _ in range(4):
            first, last = shuffle.choice(_NAMES), shuffle.choice(_NAMES)
            # A name taken from the text itself, in another case: found only by folding.
            if len(body) > 3 and shuffle.random() < 0.5:
                start = shuffle.randrange(len(body) - 2)
                last = body[start : start + shuffle.randint(1, 3)].swapcase()
            zip_code = shuffle.choice([None, "", "48033", "0123"])
            signer = _signer(first, last, zip_code)
            assert owned_text(body, signer) is _folding(body, signer), (body, first, last)
            checked += 1
    assert checked == len(bodies) * 4
