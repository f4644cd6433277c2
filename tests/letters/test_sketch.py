"""The paragraph sketch: the MinHash it promises, and the exact values stored sketches hold."""

from __future__ import annotations

import hashlib
import random
import struct

from webapp.letters.sketch import BANDS, ROWS, SHINGLE_WORDS, folded_words, paragraph_bands
from webapp.sealing import Keyring
from webapp.services.privacy import derive_key

PARAGRAPH = (
    "My cousin was detained in Homs in 2013 and we have heard nothing since. "
    "Please push for the release of every detainee."
)


def _shingles(text: str) -> set[str]:
    words = folded_words(text)
    return {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def test_bands_are_the_minima_of_keyed_shake128_values_cut_in_bands() -> None:
    """Written out from the definition: a change to how bands are made would stop new letters'
    sketches matching the ones stored for letters already sent, so it must be on purpose."""
    key = derive_key("one master key", "paragraph-sketch")
    assert Keyring("one master key").sketch_key == key
    values = [
        struct.unpack(">32I", hashlib.shake_128(key + shingle.encode()).digest(128))
        for shingle in _shingles(PARAGRAPH)
    ]
    minima = [min(value[i] for value in values) for i in range(BANDS * ROWS)]
    expected = tuple(
        f"{band}"
        + hashlib.sha256(f"{band}:{minima[band * ROWS : (band + 1) * ROWS]}".encode()).hexdigest()[
            :20
        ]
        for band in range(BANDS)
    )
    assert paragraph_bands(PARAGRAPH, key) == expected


def _band_agreement(one: str, two: str, keys: int) -> float:
    agreed = 0
    for n in range(keys):
        key = derive_key(f"master key {n}", "paragraph-sketch")
        agreed += len(set(paragraph_bands(one, key)) & set(paragraph_bands(two, key)))
    return agreed / (keys * BANDS)


def test_a_band_agrees_about_as_often_as_the_shingles_jaccard_to_the_fourth() -> None:
    """What BANDS_TO_MATCH's odds rest on: each MinHash value agrees with probability J, the
    Jaccard similarity of two paragraphs' shingle sets, independently, so a band of 4 agrees
    with probability J**4. Over 150 keys (1,200 bands) the rate is within 0.07 of it."""
    rng = random.Random(7)
    words = [f"word{i}" for i in range(400)]
    one = " ".join(rng.sample(words, 60))
    for changed in (1, 4, 12):
        # Change `changed` words at spread positions: each kills up to three shingles.
        two_words = one.split()
        for position in rng.sample(range(len(two_words)), changed):
            two_words[position] = f"other{position}"
        two = " ".join(two_words)
        a, b = _shingles(one), _shingles(two)
        jaccard = len(a & b) / len(a | b)
        rate = _band_agreement(one, two, keys=150)
        assert abs(rate - jaccard**ROWS) < 0.07, (changed, jaccard, rate)
