"""The civic data panel's words: Congress numbers and roster changes, in the page's language."""

from __future__ import annotations

from flask_babel import gettext as _
from markupsafe import Markup, escape

from webapp.civic.census import ordinal
from webapp.dashboard.blueprint import bp
from webapp.i18n import bdi, number, page_language
from webapp.models import RosterChange
from webapp.supporter.templating import district_label


@bp.app_template_global()
def congress_ordinal(congress: int) -> Markup:
    """A Congress's number for "the %(congress)s Congress", isolated: "119th" in English; in
    another language the number as it writes numbers, its translation giving the ordinal
    ("الكونغرس الـ119"). The English suffix read "الكونغرس 119th" on Arabic pages."""
    return bdi(ordinal(congress) if page_language() == "en" else number(congress))


def roster_seat(chamber: str | None, state: str | None, district: str | None) -> Markup:
    """A seat with its chamber: "Texas, district 23 (US House)", "Ohio (US Senate)"."""
    place = district_label(chamber, state, district)
    if chamber == "us_house":
        return escape(_("%(place)s (US House)")) % {"place": place}
    if chamber == "us_senate":
        return escape(_("%(place)s (US Senate)")) % {"place": place}
    return place


@bp.app_template_global()
def roster_change_text(change: RosterChange) -> Markup:
    """One change a roster sync found, worded from the row's data when the page is drawn: the
    English line the sync stored read "vacant: TX-23 (US House)" on Arabic pages too."""
    seat = roster_seat(change.chamber, change.state, change.district)
    values = {"seat": seat, "name": bdi(change.name or "")}
    if change.kind == "vacant":
        return escape(_("Vacant: %(seat)s")) % values
    if change.kind == "added":
        return escape(_("Arrived: %(name)s, %(seat)s")) % values
    if change.kind == "removed":
        return escape(_("Left office: %(name)s, %(seat)s")) % values
    if change.kind == "seat_changed" and change.previous_state:
        before = roster_seat(
            change.previous_chamber, change.previous_state, change.previous_district
        )
        return escape(_("Changed seat: %(name)s, from %(before)s to %(seat)s")) % {
            **values,
            "before": before,
        }
    if change.kind == "seat_changed":  # a row whose old seat could not be read back
        return escape(_("Changed seat: %(name)s, now %(seat)s")) % values
    return bdi(change.detail)  # a kind this code does not know: as the sync wrote it
