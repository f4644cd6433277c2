"""A likely typo in a common mail domain (gmial.con), asked about once: "Did you mean …?"."""

from __future__ import annotations

from collections import defaultdict
from string import ascii_lowercase
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from wtforms import Field
from wtforms.validators import ValidationError

from webapp.i18n import isolate

# Mail domains many supporters use: an address one slip away from one of them is asked about.
COMMON = (
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "icloud.com",
    "aol.com",
    "live.com",
    "msn.com",
    "gmx.de",
    "web.de",
    "protonmail.com",
    "comcast.net",
)
# Real mail domains one slip away from those (mail.com, ymail.com): never "corrected".
REAL = frozenset(
    {
        *COMMON,
        "gmx.com",
        "gmx.net",
        "gmx.at",
        "gmx.ch",
        "mail.com",
        "email.com",
        "ymail.com",
        "rocketmail.com",
        "googlemail.com",
        "me.com",
        "mac.com",
        "proton.me",
        "yahoo.de",
        "yahoo.fr",
        "hotmail.de",
        "hotmail.fr",
        "live.de",
        "live.fr",
        "outlook.de",
        "outlook.fr",
    }
)
# A name shorter than this is only "corrected" for two swapped letters (oal.com): one other
# letter makes a real domain too often (aon.com, sol.com).
_SHORT = 5


def _one_slip(word: str, swaps_only: bool = False) -> set[str]:
    """Every spelling one slip from `word`: two letters swapped, or (unless `swaps_only`) one
    letter left out, doubled or added, or another typed for it."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    found = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    if not swaps_only:
        found |= {a + b[1:] for a, b in splits if b}
        found |= {a + c + b[1:] for a, b in splits if b for c in ascii_lowercase}
        found |= {a + c + b for a, b in splits for c in ascii_lowercase}
    found.discard(word)
    return found


def _fixes(words: set[str], short: int = 0) -> dict[str, tuple[str, ...]]:
    """Each slip of `words` -> the words it may have been meant as (never a word itself)."""
    fixes: defaultdict[str, set[str]] = defaultdict(set)
    for word in words:
        for slip in _one_slip(word, swaps_only=len(word) < short):
            if slip not in words:
                fixes[slip].add(word)
    return {slip: tuple(sorted(meant)) for slip, meant in fixes.items()}


# Two-letter country endings, as the ISO 3166 codes CLDR names (and the UK's own .uk).
_COUNTRIES = frozenset(
    {
        code.lower()
        for code in map(str, Locale("en").territories)
        if len(code) == 2 and code.isalpha()
    }
    | {"uk"}
)
# Built once at import: a request only looks two strings up.
_NAMES = {domain.partition(".")[0] for domain in COMMON}
_NAME_FIXES = {slip: meant[0] for slip, meant in _fixes(_NAMES, _SHORT).items() if len(meant) == 1}
_ENDING_FIXES = _fixes({domain.partition(".")[2] for domain in REAL})


def suggest_address(address: str | None) -> str | None:
    """The address with a common mail domain in place of a near miss of it (gmial.con ->
    gmail.com), or None when the domain is not one slip (in its name, its ending or both) from
    one of them, or is a real one."""
    local, at, domain = (address or "").rpartition("@")
    domain = domain.lower()
    if not at or not local or domain in REAL:
        return None
    name, dot, ending = domain.partition(".")
    if not dot:
        return None
    # A country's ending (hotmail.se, live.dk: real mailboxes) is never made another country's.
    slips = _ENDING_FIXES.get(ending, ())
    endings = (ending, *(e for e in slips if ending not in _COUNTRIES or len(e) != 2))
    # A real name with its ending mistyped (ymail.con) keeps its name.
    meant = [f"{name}.{e}" for e in endings[1:] if f"{name}.{e}" in REAL]
    if not meant and (fixed := _NAME_FIXES.get(name)):
        meant = [f"{fixed}.{e}" for e in endings if f"{fixed}.{e}" in COMMON]
    # A slip that fits two domains (gmx.nt: .net or .at?) is not guessed at.
    return f"{local}@{meant[0]}" if len(meant) == 1 else None


def question_typo(form: Any, field: Field) -> None:
    """Asks once about a likely typo: the supporter takes the suggestion (a button posting it
    as `email_suggested`), or posts their address again unchanged (`email_asked`) to keep it."""
    if not hasattr(form, "email_asked"):
        # The receipt-link form shares the field: the address a letter went with is looked
        # up as it was typed, a kept near miss too.
        return
    suggestion = suggest_address(field.data)
    taken, form.email_suggested.data = form.email_suggested.data, None
    if suggestion is not None and taken == suggestion:
        field.data = suggestion  # only for the address it was offered for, not one typed since
        return
    if suggestion is None or form.email_asked.data == field.data:
        return
    form.email_suggestion = suggestion
    raise ValidationError(
        _l(
            "Did you mean %(email)s? We send your receipt to this address: check it.",
            email=isolate(suggestion),
        )
    )
