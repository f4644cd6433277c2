"""A held letter's line for organisers, who wrote it and why the risk checks held it, in the
page's language."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from flask_babel import LazyString, get_translations
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from webapp.dashboard.blueprint import bp
from webapp.dashboard.writer_lines import writer_line
from webapp.i18n import bdi, isolate_in_subject, joined_list, number, page_language
from webapp.models import Submission

# The reasons as webapp/antiabuse/risk.py stores them, in English (they are logged too): those
# without a figure, then those with one, worded here in the page's language.
_FIXED = {
    "honeypot field filled in": _l("honeypot field filled in"),
    "disposable email domain": _l("disposable email domain"),
    "address and ZIP code do not agree": _l("address and ZIP code do not agree"),
}
# Each reason with its letter's own figure ("sent 1.2 s after…", "37+ letters…"): the pattern
# it is stored in, its kind for the table that counts them (without a figure that would be one
# letter's), and its words for the figure, in the plural form the figure needs where it counts
# something ("12 رسالةً": the singular read "12 رسالة").
_FIGURED: tuple[tuple[re.Pattern[str], LazyString, Callable[[Any], str]], ...] = (
    (
        re.compile(r"sent ([\d.]+) s after opening the form"),
        _l("sent seconds after opening the form"),
        lambda _n: str(_l("sent %(num)s s after opening the form")),
    ),
    (
        re.compile(r"(\d+)\+ letters from one address in 10 minutes"),
        _l("many letters from one address"),
        lambda n: get_translations().ngettext(
            "%(num)s or more letters from one address in 10 minutes",
            "%(num)s or more letters from one address in 10 minutes",
            n,
        ),
    ),
    (
        re.compile(r"(\d+)\+ letters from one network in 10 minutes"),
        _l("many letters from one network"),
        lambda n: get_translations().ngettext(
            "%(num)s or more letters from one network in 10 minutes",
            "%(num)s or more letters from one network in 10 minutes",
            n,
        ),
    ),
    (
        re.compile(r"the same personal paragraph from (\d+)\+ other senders"),
        _l("a paragraph many others sent"),
        lambda n: get_translations().ngettext(
            "the same personal paragraph from %(num)s or more other senders",
            "the same personal paragraph from %(num)s or more other senders",
            n,
        ),
    ),
)


def reason_group(reason: str) -> Markup:
    """The kind of a stored reason, for the table that counts them; one this code does not know
    stays as stored, isolated, as in a letter's line."""
    for pattern, group, _worded in _FIGURED:
        if pattern.fullmatch(reason):
            return escape(str(group))
    fixed = _FIXED.get(reason)
    return bdi(reason) if fixed is None else escape(str(fixed))


def _worded(reason: str, text: Callable[[str], Any], figure: Callable[[str], Any]) -> Any:
    """A stored reason's words, through `text`, its figure as the page's language writes numbers
    through `figure` (isolated, so "1.2" keeps its place in an Arabic sentence); None for a
    reason this code does not know."""
    if reason in _FIXED:
        return text(str(_FIXED[reason]))
    for pattern, _group, worded in _FIGURED:
        found = pattern.fullmatch(reason)
        if found is not None:
            value = float(found[1]) if "." in found[1] else int(found[1])
            return text(worded(value)) % {"num": figure(number(value))}
    return None


def reason_text(reason: str) -> str | None:
    """One stored reason with its figure, in the page's language, as plain text (the figure
    between isolate marks on a right-to-left page, where they keep it in its place); None for
    one this code does not know."""
    worded: str | None = _worded(reason, str, lambda n: isolate_in_subject(n, page_language()))
    return worded


@bp.app_template_global()
def held_reasons(reasons: Iterable[str] | None) -> Markup:
    """A held letter's reasons, joined as the page's language joins a list (they showed in
    English, joined by "; ", on Arabic pages), each figure in a <bdi>; one this code does not
    know stays as stored, isolated."""
    parts = []
    for reason in reasons or []:
        worded: Markup | None = _worded(str(reason), escape, bdi)
        parts.append(bdi(reason) if worded is None else worded)
    return joined_list(parts)


@bp.app_template_global()
def held_writer(letter: Submission) -> Markup:
    """Who wrote a held letter and where from: "Rasha Haddad (رشا حداد), Dearborn, Michigan",
    with the page language's commas and the state's name in it (the line showed "، MI" in
    Arabic)."""
    return writer_line(letter)
