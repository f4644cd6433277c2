"""Which rows the every-office page lists: offices with letters or all, one state or every one."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from webapp.civic.states import BY_CODE
from webapp.dashboard.offices import OfficeRow


class Listed(enum.StrEnum):
    """The offices listed: those with letters (the default on a day of action: 541 rows make
    a phone's page some 60,000 px tall) or every office the campaign targets."""

    WITH_LETTERS = "letters"
    ALL = "all"


@dataclass(frozen=True)
class OfficeChoice:
    listed: Listed
    state: str | None  # a postal code of BY_CODE; None for every state
    unknown_state: str | None = None  # what the address asked for that is no state's code


def office_choice(args: Mapping[str, str]) -> OfficeChoice:
    """The choice from the page's address (?show=all&state=MI); anything else lists offices
    with letters in every state, and an unknown state's code is said, not silently dropped."""
    try:
        listed = Listed(args.get("show") or Listed.WITH_LETTERS.value)
    except ValueError:
        listed = Listed.WITH_LETTERS
    asked = (args.get("state") or "").strip().upper()
    if not asked or asked in BY_CODE:
        return OfficeChoice(listed, asked or None)
    return OfficeChoice(listed, None, asked[:8])


def has_letters(office: OfficeRow) -> bool:
    """Any letter for the office, even one never sent to it: a row with a number to show."""
    return any(office.by_status.values())


@dataclass
class OfficeListing:
    rows: list[OfficeRow]
    in_state: int  # offices in the chosen state (every office without one)
    with_letters: int  # of those, how many have letters
    districts: list[tuple[str, int]]  # (seat, letters), most letters first
    districts_in_state: int
    districts_without_letters: int  # in the chosen state, listed or not
    # With a state chosen, the offices of no state (the President, a fixed office) listed
    # apart: supporters in every state write to them, the chosen one's among them.
    stateless: list[OfficeRow] = field(default_factory=list)
    stateless_count: int = 0
    stateless_with_letters: int = 0

    @property
    def offices(self) -> int:
        """Every office the page can list under this choice, in either table."""
        return self.in_state + self.stateless_count

    @property
    def offices_with_letters(self) -> int:
        return self.with_letters + self.stateless_with_letters


def office_listing(
    choice: OfficeChoice,
    offices: list[OfficeRow],
    by_district: Mapping[str, int],
    quiet_districts: list[str],
) -> OfficeListing:
    """The rows and districts to list under `choice`, and the counts that say what is left out."""
    in_state = [o for o in offices if choice.state is None or o.state == choice.state]
    lettered = [o for o in in_state if has_letters(o)]
    rows = in_state if choice.listed is Listed.ALL else lettered
    # Left out of a state's offices, their letters would read as if no one there wrote to them.
    stateless = [o for o in offices if o.state is None] if choice.state else []
    stateless_lettered = [o for o in stateless if has_letters(o)]

    def in_chosen_state(seat: str) -> bool:
        return choice.state is None or seat.split("-", 1)[0] == choice.state

    busy = sorted(
        ((seat, n) for seat, n in by_district.items() if in_chosen_state(seat)),
        key=lambda kv: (-kv[1], kv[0]),
    )
    quiet = [(seat, 0) for seat in quiet_districts if in_chosen_state(seat)]
    districts = busy + quiet if choice.listed is Listed.ALL else busy
    return OfficeListing(
        rows=rows,
        in_state=len(in_state),
        with_letters=len(lettered),
        districts=districts,
        districts_in_state=len(busy) + len(quiet),
        districts_without_letters=len(quiet),
        stateless=stateless if choice.listed is Listed.ALL else stateless_lettered,
        stateless_count=len(stateless),
        stateless_with_letters=len(stateless_lettered),
    )
