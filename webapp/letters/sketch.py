"""A personal paragraph's similarity sketch: keyed MinHash over word shingles, cut into bands.

Paragraphs are sealed at rest, so "nearly the same as one many others sent" is decided on these
sketches alone. Each shingle is hashed under the master key first, so a stored band can neither
be reversed nor checked against a guessed paragraph without the key.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

SHINGLE_WORDS = 3
BANDS = 8
ROWS = 4  # MinHash values per band: 32 in all
# Two paragraphs are "nearly the same" when at least this many of their 8 bands agree. With
# Jaccard similarity J of their shingles a band agrees with probability J**4, so two agreeing
# bands catch J = 0.8 nine times in ten and J = 0.5 fewer than one time in ten.
BANDS_TO_MATCH = 2
MIN_WORDS = 4  # "Please act now" from many people is not a copied paragraph
_PRIME = (1 << 61) - 1


def folded_words(text: str) -> list[str]:
    """The words with case, accents (and Arabic short vowels), punctuation and spacing folded."""
    folded = unicodedata.normalize("NFKD", text).casefold()
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.findall(r"\w+", folded)


def _coefficients(index: int) -> tuple[int, int]:
    # Fixed public permutations: the secret is in the keyed shingle hashes they permute.
    digest = hashlib.sha256(f"civic-letters minhash {index}".encode()).digest()
    a = int.from_bytes(digest[:8], "big") % (_PRIME - 1) + 1
    return a, int.from_bytes(digest[8:16], "big") % _PRIME


_PERMUTATIONS = [_coefficients(i) for i in range(BANDS * ROWS)]


def paragraph_bands(text: str | None, keyed_hash: Callable[[str], str]) -> tuple[str, ...]:
    """The paragraph's band keys (empty for a paragraph under MIN_WORDS words).

    `keyed_hash` is the keyring's text HMAC (hex), so sketches from one master key compare.
    """
    words = folded_words(text or "")
    if len(words) < MIN_WORDS:
        return ()
    shingles = {
        " ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)
    }
    hashed = [int(keyed_hash("paragraph-shingle\n" + s)[:15], 16) for s in shingles]
    minima = [min((a * h + b) % _PRIME for h in hashed) for a, b in _PERMUTATIONS]
    bands = []
    for band in range(BANDS):
        rows = minima[band * ROWS : (band + 1) * ROWS]
        digest = hashlib.sha256(f"{band}:{rows}".encode()).hexdigest()[:20]
        bands.append(f"{band}{digest}")
    return tuple(bands)
