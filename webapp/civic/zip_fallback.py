"""Place a supporter by the ZIP table when the geocoder cannot: the lookup's fallback step."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from webapp.civic.index import RosterIndex, ZipIndex
from webapp.civic.seating import Seated, withheld_reason
from webapp.civic.states import BY_CODE, house_districts
from webapp.civic.types import AddressQuery, DistrictChoice, Location, LookupResult, MatchKind
from webapp.civic.zip_prefixes import states_for_zip

NOTE_SPLIT_ZIP = _l(
    "Your ZIP code is split between congressional districts. Enter your street "
    "address so we can find your own representative."
)
NOTE_UNKNOWN_ZIP = _l(
    "We do not know which district this ZIP code is in. Enter your street "
    "address so we can find your representative."
)
NOTE_DISTRICT_UNKNOWN = _l(
    "We could not work out your congressional district, so your letter "
    "goes to your state's officials only."
)
NOTE_ZIP_UNKNOWN_STATE_ONLY = _l(
    "We do not know the ZIP code you entered, so your letter goes to your state's officials "
    "only. If it has a typo, correct it to reach your representative too."
)
NOTE_DISTRICTS_UPDATING = _l(
    "Congressional districts are being updated for the new Congress, so we could not name "
    "your representative; your letter goes to your senators and the campaign's other recipients."
)
NOTE_UPDATING_NEEDS_STREET = _l(
    "Congressional districts are being updated for the new Congress. Enter your street "
    "address so we can find your representative."
)


@dataclass
class Found:
    location: Location | None = None
    match: MatchKind = MatchKind.NONE
    provider: str | None = None


def locate_by_zip(
    zips: ZipIndex,
    roster: RosterIndex,
    session: Session,
    query: AddressQuery,
    result: LookupResult,
    seated: Seated,
) -> Found:
    congress = seated.congress
    pairs = zips.districts(session, query.zip_code)
    state = query.state or (pairs[0][0] if pairs else _delegate_seat_for(query.zip_code))
    result.zip_unknown = not pairs
    if state is None or state not in BY_CODE:
        result.notes.append(str(NOTE_UNKNOWN_ZIP))
        return Found()
    has_street = bool(query.street or query.line)
    if not seated.zip_states(state):
        # The ZIP table describes another Congress's districts in this state.
        result.withheld = withheld_reason(zips.congress, congress, "zip-table")
        result.needs_street = not has_street
        note = NOTE_DISTRICTS_UPDATING if has_street else NOTE_UPDATING_NEEDS_STREET
        result.notes.append(str(note))
        return Found(Location(state, None, congress), MatchKind.STATE, "zip-table")
    in_state = sorted({d for s, d in pairs if s == state})
    seats = roster.house_seats(session) or {}
    if not in_state and house_districts(state) == [0] and seats.get(state, 1) == 1:
        in_state = [0]  # at-large states and territories need no ZIP table
    if len(in_state) == 1:
        return Found(Location(state, in_state[0], congress), MatchKind.ZIP, "zip-table")
    if query.chosen_district is not None and query.chosen_district in in_state:
        location = Location(state, query.chosen_district, congress)
        return Found(location, MatchKind.CHOSEN, "zip-table")
    if in_state:
        result.candidates = [DistrictChoice(state, d) for d in in_state]
    if in_state or not has_street:
        result.needs_street = True
        if not has_street:
            result.notes.append(str(NOTE_SPLIT_ZIP if in_state else NOTE_UNKNOWN_ZIP))
    else:
        # Nothing can settle the district: the state's senators still get the letter. A ZIP
        # no one has heard of is most often mistyped, which the supporter can mend.
        note = NOTE_ZIP_UNKNOWN_STATE_ONLY if not pairs else NOTE_DISTRICT_UNKNOWN
        result.notes.append(str(note))
    return Found(Location(state, None, congress), MatchKind.STATE, "zip-table")


def _delegate_seat_for(zip_code: str) -> str | None:
    """DC or the territory a ZIP lies in when the ZIP table has no row for it (AS, GU, MP, VI).

    Only these single-seat jurisdictions are inferred: a made-up ZIP in a state's range must
    not name a member.
    """
    states = states_for_zip(zip_code)
    if states is None or len(states) != 1:
        return None
    (state,) = states
    return state if state in BY_CODE and BY_CODE[state].non_voting else None
