"""The roster diff: seats, member changes and vacancies that a members-of-Congress sync reports."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from webapp.civic.legislators import LegislatorRecord
from webapp.civic.states import BY_CODE, has_senators, house_districts
from webapp.models import Official

CHAMBER_NAMES = {"us_senate": "US Senate", "us_house": "US House"}


@dataclass(frozen=True)
class Seat:
    chamber: str
    state: str
    district: str | None = None  # House only; "0" at large

    @classmethod
    def of(cls, member: Official | LegislatorRecord) -> Seat:
        return cls(member.chamber, member.state, member.district)

    @property
    def place(self) -> str:
        if self.district is None:
            return self.state
        return f"{self.state} at large" if self.district == "0" else f"{self.state}-{self.district}"

    @property
    def chamber_name(self) -> str:
        return CHAMBER_NAMES.get(self.chamber, self.chamber)

    def label(self) -> str:
        """The seat as organisers read it, like "CA-14 (US House)" or "OH (US Senate)"."""
        return f"{self.place} ({self.chamber_name})"


@dataclass(frozen=True)
class MemberChange:
    kind: str  # added | removed | seat_changed
    bioguide: str
    name: str
    seat: Seat
    previous: Seat | None = None

    def describe(self) -> str:
        """One readable line, like "added: Jane Doe (US House, CA-14)"."""
        where = f"{self.seat.chamber_name}, {self.seat.place}"
        if self.previous is not None:
            before = f"{self.previous.chamber_name}, {self.previous.place}"
            return f"seat changed: {self.name} ({before} -> {where})"
        return f"{self.kind}: {self.name} ({where})"


@dataclass(frozen=True)
class Contact:
    """What a letter to a member copies of them when it is written: the roster index's office
    address, and services/recipients' contact page (the form, else the website)."""

    address: str | None
    contact_url: str | None
    email: str | None

    @classmethod
    def of(cls, official: Official) -> Contact:
        return cls(official.office_address, official.contact_form or official.url, official.email)


@dataclass
class RosterDiff:
    """What a members sync changed. The first sync into an empty table reports no additions."""

    loaded: int
    first_sync: bool
    added: list[MemberChange] = field(default_factory=list)
    removed: list[MemberChange] = field(default_factory=list)
    seat_changed: list[MemberChange] = field(default_factory=list)
    vacancies: list[Seat] = field(default_factory=list)
    new_vacancies: list[Seat] = field(default_factory=list)
    affected_campaigns: list[str] = field(default_factory=list)  # slugs of live campaigns
    recorded: int = 0  # RosterChange rows written
    # Members in the same seat before and after whose contact details changed: the old ones.
    contacts_changed: dict[str, Contact] = field(default_factory=dict)  # by bioguide id
    letters_followed: int = 0  # waiting letters given a member's new contact details
    letters_kept: int = 0  # ...and those keeping the old ones (sent now, or another way)
    snapshot_date: str | None = None  # as stored, and where the roster came from
    source: str = ""


def vacant_seats(filled: Iterable[Seat]) -> list[Seat]:
    """Seats without a member: two senators per state, and every House seat incl. delegates."""
    count = Counter(filled)
    vacant: list[Seat] = []
    for state in BY_CODE:
        if has_senators(state):
            senate = Seat("us_senate", state)
            vacant.extend([senate] * max(0, 2 - count[senate]))
        for district in house_districts(state):
            seat = Seat("us_house", state, str(district))
            if not count[seat]:
                vacant.append(seat)
    return vacant
