"""A personal paragraph's similarity sketch: keyed MinHash over word shingles, cut into bands.

Paragraphs are sealed at rest, so "nearly the same as one many others sent" is decided on these
sketches alone. Each shingle is hashed under a key derived from the master key, so a stored band
can neither be reversed nor checked against a guessed paragraph without the key.
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from array import array

SHINGLE_WORDS = 3
BANDS = 8
ROWS = 4  # MinHash values per band: 32 in all
# Two paragraphs are "nearly the same" when at least this many of their 8 bands agree. With
# Jaccard similarity J of their shingles a band agrees with probability J**4, so two agreeing
# bands catch J = 0.8 nine times in ten and J = 0.5 fewer than one time in ten.
BANDS_TO_MATCH = 2
MIN_WORDS = 4  # "Please act now" from many people is not a copied paragraph
# One keyed SHAKE128 output per shingle gives all 32 of its MinHash values (32 bits each, 128
# bytes: a single Keccak permutation for a shingle of ordinary words), read big-endian, and the
# minima are taken in C. The 32 linear permutations mod a prime this replaced ran 32 Python
# operations per shingle: 5 to 10 ms for a paragraph at the form's 5,000-character limit.
_VALUES = BANDS * ROWS
_UNSIGNED_32 = next(code for code in "IL" if array(code).itemsize == 4)


def folded_words(text: str) -> list[str]:
    """The words with case, accents (and Arabic short vowels), punctuation and spacing folded."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    # Each distinct character is asked once, not each of up to 5,000.
    marks = {ord(ch): None for ch in set(folded) if unicodedata.combining(ch)}
    return re.findall(r"\w+", folded.translate(marks) if marks else folded)


def paragraph_bands(text: str | None, key: bytes) -> tuple[str, ...]:
    """The paragraph's band keys (empty for a paragraph under MIN_WORDS words).

    `key` is the keyring's sketch key, so sketches made under one master key compare.
    """
    words = folded_words(text or "")
    if len(words) < MIN_WORDS:
        return ()
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    # A prefix key is a sound MAC for SHAKE (no length extension); the key is 32 bytes.
    keyed = hashlib.shake_128(key)
    outputs = []
    for shingle in shingles:
        state = keyed.copy()
        state.update(shingle.encode())
        outputs.append(state.digest(_VALUES * 4))
    values = array(_UNSIGNED_32, b"".join(outputs))
    if sys.byteorder == "little":
        values.byteswap()
    minima = [min(values[i::_VALUES]) for i in range(_VALUES)]
    bands = []
    for band in range(BANDS):
        rows = minima[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.sha256(f"{band}:{rows}".encode()).hexdigest()[:20]
        bands.append(f"{band}{digest}")
    return tuple(bands)
