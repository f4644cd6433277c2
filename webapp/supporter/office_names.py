"""An office as supporters read it: in their language where we have the words, as sent elsewhere."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from webapp.i18n import isolate_in_text, joined_list, page_language
from webapp.letters.compose import Recipient
from webapp.letters.reading import target_copy
from webapp.models import Campaign, Delivery
from webapp.services.recipients import CHAMBER_OFFICES
from webapp.services.recorded import RecordedOffice
from webapp.supporter.text_lang import name_bdi

# Letters, deliveries and packets keep the English an office receives (CHAMBER_OFFICES); these
# are only how a supporter's page or email names it (a test keeps the two tables' keys alike).
CHAMBER_LABELS = {
    "us_senate": _l("United States Senate"),
    "us_house": _l("United States House of Representatives"),
    "state_upper": _l("State Senate"),
    "state_lower": _l("State House"),
}
# The campaign page's "To:" line for offices found from each supporter's address, when it has no
# fixed office to name; in the canonical order of the chambers.
LOOKED_UP_OFFICES = {
    "us_senate": _l("your two US senators"),
    "us_house": _l("your representative in the US House"),
    "state_upper": _l("your state senator"),
    "state_lower": _l("your state representative"),
}
# Titles by chamber: those the roster gives members of Congress (legislators.py) and Open States'
# usual ones for state legislators, whose "Senator" sits in another senate. Any other title is
# free text and stays as the data has it.
TITLE_LABELS = {
    ("us_senate", "Senator"): _l("Senator"),
    ("us_house", "Representative"): _l("Representative"),
    ("us_house", "Delegate"): _l("Delegate"),
    ("us_house", "Resident Commissioner"): _l("Resident Commissioner"),
    ("state_upper", "Senator"): _l("State senator"),
    ("state_lower", "Representative"): _l("State representative"),
    ("state_lower", "Assembly Member"): _l("Assembly member"),
}
# Said of DC's and the territories' members on the live list; the preview's recipient_details
# (_macros.html) has the same words.
NON_VOTING = _l("non-voting member of Congress")
# An office and where it sits, with the page language's comma.
NAME_OFFICE = _l("%(name)s, %(office)s")


PARTY_LABELS = {
    "Democrat": _l("Democrat"),
    "Republican": _l("Republican"),
    "Independent": _l("Independent"),
}


@dataclass(frozen=True)
class ShownOffice:
    """Who an office is, in words for the page (plain text: templates isolate each part)."""

    name: str
    office: str | None
    title: str | None


def shown_office(
    campaign: Campaign | None,
    target_id: int | None,
    name: str,
    office: str | None,
    chamber: str | None,
    title: str | None = None,
) -> ShownOffice:
    """A fixed office's reading name from the campaign file (`translations.ar.name`, `office`),
    a chamber and a member's title in the page's language; a person's name as it is."""
    language = page_language()
    copy = target_copy(campaign, target_id, language) if campaign is not None else {}
    shown_name = copy.get("name") or name
    if copy.get("office"):
        office = copy["office"]
    elif chamber in CHAMBER_LABELS and office == CHAMBER_OFFICES.get(chamber):
        office = str(CHAMBER_LABELS[chamber])
    label = TITLE_LABELS.get((chamber or "", title or ""))
    return ShownOffice(shown_name, office, str(label) if label is not None else title or None)


def recipient_office(campaign: Campaign | None, recipient: Recipient) -> ShownOffice:
    """A planned letter's recipient as the page names it."""
    return shown_office(
        campaign,
        recipient.target_id,
        recipient.name,
        recipient.office,
        recipient.chamber,
        recipient.title,
    )


def as_read(campaign: Campaign, recipient: Recipient) -> Recipient:
    """The recipient named as the page's reader knows it, for a reading copy's merge fields
    ({{ target.name }}, {{ target.office }}, {{ target.title }}); never for what is sent."""
    shown = recipient_office(campaign, recipient)
    title = shown.title or recipient.title
    return replace(recipient, name=shown.name, office=shown.office, title=title)


def delivery_office(campaign: Campaign | None, delivery: Delivery | RecordedOffice) -> ShownOffice:
    """A recorded letter's office as the page or email names it."""
    return shown_office(
        campaign,
        delivery.target_id,
        delivery.recipient_name,
        delivery.recipient_office,
        delivery.recipient_chamber,
    )


def office_line(shown: ShownOffice, strong: bool = False, title: bool = False) -> Markup:
    """'Name, office' as the page's language punctuates it, each part isolated; `title` puts a
    member's title in the office's place, `strong` sets the name in bold. A part in Latin
    letters on a page in another language is marked English (name_bdi)."""
    name = name_bdi(shown.name)
    if strong:
        name = Markup("<strong>%s</strong>") % name
    where = (shown.title or shown.office) if title else shown.office
    if not where:
        return name
    return escape(str(NAME_OFFICE)) % {"name": name, "office": name_bdi(where)}


def offices_sentence(campaign: Campaign, recipients: list[Recipient]) -> Markup:
    """'A (office) and B (office)' for the campaign page's "To:" line, each part isolated."""
    parts = []
    for recipient in recipients:
        shown = recipient_office(campaign, recipient)
        name = name_bdi(shown.name)
        # Brackets outside the isolates take the page's direction, so they face the right way.
        office = name_bdi(shown.office)
        parts.append(Markup("{} ({})").format(name, office) if shown.office else name)
    return joined_list(parts)


def looked_up_sentence(chambers: Iterable[str]) -> Markup:
    """'your two US senators and your representative in the US House' for the chambers given."""
    given = set(chambers)
    return joined_list([escape(words) for c, words in LOOKED_UP_OFFICES.items() if c in given])


def live_label(
    shown: ShownOffice, party: str | None, non_voting: bool = False
) -> dict[str, str | None]:
    """The parts the form's live list of recipients (targets.js) puts together as office_line
    would, in the page's language: the name, its title or office, the party, and for DC's and
    the territories' members the words the preview says of them (recipient_details)."""
    label = PARTY_LABELS.get(party or "")
    return {
        "name": shown.name,
        "where": shown.title or shown.office,
        "party": str(label) if label is not None else party or None,
        "non_voting": str(NON_VOTING) if non_voting else None,
    }


def name_office_between() -> str:
    """What stands between an office's name and where it sits in the page's language (", ",
    "، "), for a script that builds office_line's text itself."""
    return str(NAME_OFFICE).partition("%(name)s")[2].partition("%(office)s")[0] or ", "


def office_text(shown: ShownOffice) -> str:
    """office_line for a plain-text email."""
    if not shown.office:
        return isolate_in_text(shown.name)
    return str(NAME_OFFICE) % {
        "name": isolate_in_text(shown.name),
        "office": isolate_in_text(shown.office),
    }


def register_office_names(bp: Blueprint) -> None:
    bp.add_app_template_global(shown_office)
    bp.add_app_template_global(recipient_office)
    bp.add_app_template_global(delivery_office)
    bp.add_app_template_global(office_line)
    bp.add_app_template_global(offices_sentence)
    bp.add_app_template_global(looked_up_sentence)
    bp.add_app_template_global(office_text)
