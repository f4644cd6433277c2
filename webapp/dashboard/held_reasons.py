"""A held letter's line for organisers, who wrote it and why the risk checks held it, in the
page's language."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from webapp.civic.countries import country_name
from webapp.dashboard.blueprint import bp
from webapp.i18n import bdi, joined_list, number, page_language
from webapp.models import Submission
from webapp.supporter.state_names import state_name

# A reason carries its letter's own figure ("sent 1.2 s after…", "37+ letters…"): grouped, the
# table names the kind of reason, without a figure that would be one letter's.
_REASON_GROUPS = (
    (r"sent [\d.]+ s after opening the form", _l("sent seconds after opening the form")),
    (r"\d+\+ letters from one address in 10 minutes", _l("many letters from one address")),
    (r"\d+\+ letters from one network in 10 minutes", _l("many letters from one network")),
    (r"the same personal paragraph from \d+\+ other senders", _l("a paragraph many others sent")),
)
# The reasons as webapp/antiabuse/risk.py stores them, in English (they are logged too): those
# without a figure, then those with one, worded here in the page's language.
_FIXED = {
    "honeypot field filled in": _l("honeypot field filled in"),
    "disposable email domain": _l("disposable email domain"),
    "address and ZIP code do not agree": _l("address and ZIP code do not agree"),
}
_FIGURED: tuple[tuple[str, Callable[[str], str]], ...] = (
    (
        r"sent ([\d.]+) s after opening the form",
        lambda n: _("sent %(num)s s after opening the form", num=n),
    ),
    (
        r"(\d+)\+ letters from one address in 10 minutes",
        lambda n: _("%(num)s or more letters from one address in 10 minutes", num=n),
    ),
    (
        r"(\d+)\+ letters from one network in 10 minutes",
        lambda n: _("%(num)s or more letters from one network in 10 minutes", num=n),
    ),
    (
        r"the same personal paragraph from (\d+)\+ other senders",
        lambda n: _("the same personal paragraph from %(num)s or more other senders", num=n),
    ),
)


def reason_group(reason: str) -> Markup:
    """The kind of a stored reason, for the table that counts them; one this code does not know
    stays as stored, isolated, as in a letter's line."""
    for pattern, label in _REASON_GROUPS:
        if re.fullmatch(pattern, reason):
            return escape(str(label))
    fixed = _FIXED.get(reason)
    return bdi(reason) if fixed is None else escape(str(fixed))


def reason_text(reason: str) -> str | None:
    """One stored reason with its figure, in the page's language; None for one this code does
    not know."""
    if reason in _FIXED:
        return str(_FIXED[reason])
    for pattern, worded in _FIGURED:
        found = re.fullmatch(pattern, reason)
        if found is not None:
            figure = float(found[1]) if "." in found[1] else int(found[1])
            return str(worded(number(figure)))
    return None


@bp.app_template_global()
def held_reasons(reasons: Iterable[str] | None) -> Markup:
    """A held letter's reasons, joined as the page's language joins a list (they showed in
    English, joined by "; ", on Arabic pages); one this code does not know stays as stored,
    isolated."""
    parts = []
    for reason in reasons or []:
        text = reason_text(str(reason))
        parts.append(bdi(reason) if text is None else escape(text))
    return joined_list(parts)


@bp.app_template_global()
def held_writer(letter: Submission) -> Markup:
    """Who wrote a held letter and where from: "Rasha Haddad, Dearborn, Michigan", with the
    page language's commas and the state's name in it (the line showed "، MI" in Arabic)."""
    return writer_line(letter, f"{letter.first_name} {letter.last_name}")


@bp.app_template_global()
def writer_line(letter: Submission, name: str, with_zip: bool = False) -> Markup:
    """A letter's writer as `name` gives them, their city and state (or country) in the page's
    language, for every line about a letter: the personal paragraphs' and the changeover's
    kept the Latin ", MI" on Arabic pages after the held letters' line was mended."""
    place = (
        state_name(letter.state) if letter.state else country_name(letter.country, page_language())
    )
    where = bdi(place)
    if with_zip and letter.zip_code:
        where = Markup("{} {}").format(where, bdi(letter.zip_code))
    return escape(_("%(name)s, %(city)s, %(place)s")) % {
        "name": bdi(name),
        "city": bdi(letter.city),
        "place": where,
    }
