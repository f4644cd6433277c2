"""The Send button's words, on the preview and again on the page that keeps a refused send."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.delivery.channels import Handling
from webapp.i18n import counted
from webapp.services.letters import LetterOutcome

# Posted beside the preview's Send (offices, and those the supporter sends to by hand): a page
# that keeps the letter to send again says what that button said, the database unasked.
OFFICES_FIELD = "send_offices"
BY_ME_FIELD = "send_by_me"
# Bounds what a posted count can make a button say; a letter goes to a handful of offices.
_MOST_OFFICES = 99


def send_words(total: int, by_me: int) -> Markup:
    """Who carries the letters the last step, for `total` offices, `by_me` of them by hand."""
    if by_me == 0:
        return counted(
            "Send my letter to %(num)s office", "Send my letter to %(num)s offices", total
        )
    if by_me == total:
        return counted(
            "Record my letter, then send it to %(num)s office myself",
            "Record my letter, then send it to %(num)s offices myself",
            total,
        )
    return counted(
        "Send my letter, and record %(num)s copy for me to send myself",
        "Send my letter, and record %(num)s copies for me to send myself",
        by_me,
    )


def send_label(outcome: LetterOutcome) -> Markup:
    """The preview's Send button."""
    return send_words(len(outcome.letters), outcome.count(Handling.BY_SUPPORTER))


def send_counts(outcome: LetterOutcome) -> Markup:
    """Hidden beside the preview's Send: its counts, posted with the letter."""
    total, by_me = len(outcome.letters), outcome.count(Handling.BY_SUPPORTER)
    hidden = Markup('<input type="hidden" name="{}" value="{}">')
    return hidden.format(OFFICES_FIELD, total) + hidden.format(BY_ME_FIELD, by_me)


def _count(fields: dict[str, str], name: str) -> int | None:
    value = fields.get(name, "")
    return int(value) if value.isdecimal() and int(value) <= _MOST_OFFICES else None


def resend_label(fields: Iterable[tuple[str, str]]) -> Markup:
    """The kept letter's Send button, worded as the preview's was when its counts came with it
    (a send from a form without them is just "Send my letter")."""
    posted = dict(fields)
    total, by_me = _count(posted, OFFICES_FIELD), _count(posted, BY_ME_FIELD)
    if total and by_me is not None and by_me <= total:
        return send_words(total, by_me)
    return escape(_("Send my letter"))
