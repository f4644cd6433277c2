"""How much of a letter is the supporter's own: one definition for the form, preview and dashboard.

A letter "has their own words" when it carries a personal paragraph or a rewritten statement
(the dashboard's long-standing "wrote their own words"). The meter's share is

    own characters / (own characters + letter characters)

where own characters are those of the personal paragraph (trimmed, counted in Unicode code
points) and letter characters those of the letter body every office receives: the campaign's
statement as written in the campaign file, or the supporter's rewrite. Salutations, cover notes
and signatures are left out: they differ per office and would make the share jump between the
form (which does not know the offices yet) and the preview.
"""

from __future__ import annotations


def own_chars(paragraph: str | None) -> int:
    """Characters of the supporter's paragraph as the meter counts them."""
    return len((paragraph or "").strip())


def own_words_share(own: int, letter: int) -> float:
    """The share (0 to 1) of the letter's characters that are the supporter's own."""
    total = own + letter
    return own / total if total else 0.0


def share_percent(share: float) -> int:
    """Rounded to a whole percent, but never 0 % for a paragraph that has words."""
    percent = round(share * 100)
    return 1 if share > 0 and percent == 0 else percent
