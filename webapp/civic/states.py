"""US states, DC and the inhabited territories: postal codes, names and FIPS codes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    code: str
    name: str
    fips: str
    # A delegate or resident commissioner, not voting members of Congress, represents these.
    non_voting: bool = False


STATES: tuple[State, ...] = (
    State("AL", "Alabama", "01"),
    State("AK", "Alaska", "02"),
    State("AZ", "Arizona", "04"),
    State("AR", "Arkansas", "05"),
    State("CA", "California", "06"),
    State("CO", "Colorado", "08"),
    State("CT", "Connecticut", "09"),
    State("DE", "Delaware", "10"),
    State("DC", "District of Columbia", "11", non_voting=True),
    State("FL", "Florida", "12"),
    State("GA", "Georgia", "13"),
    State("HI", "Hawaii", "15"),
    State("ID", "Idaho", "16"),
    State("IL", "Illinois", "17"),
    State("IN", "Indiana", "18"),
    State("IA", "Iowa", "19"),
    State("KS", "Kansas", "20"),
    State("KY", "Kentucky", "21"),
    State("LA", "Louisiana", "22"),
    State("ME", "Maine", "23"),
    State("MD", "Maryland", "24"),
    State("MA", "Massachusetts", "25"),
    State("MI", "Michigan", "26"),
    State("MN", "Minnesota", "27"),
    State("MS", "Mississippi", "28"),
    State("MO", "Missouri", "29"),
    State("MT", "Montana", "30"),
    State("NE", "Nebraska", "31"),
    State("NV", "Nevada", "32"),
    State("NH", "New Hampshire", "33"),
    State("NJ", "New Jersey", "34"),
    State("NM", "New Mexico", "35"),
    State("NY", "New York", "36"),
    State("NC", "North Carolina", "37"),
    State("ND", "North Dakota", "38"),
    State("OH", "Ohio", "39"),
    State("OK", "Oklahoma", "40"),
    State("OR", "Oregon", "41"),
    State("PA", "Pennsylvania", "42"),
    State("RI", "Rhode Island", "44"),
    State("SC", "South Carolina", "45"),
    State("SD", "South Dakota", "46"),
    State("TN", "Tennessee", "47"),
    State("TX", "Texas", "48"),
    State("UT", "Utah", "49"),
    State("VT", "Vermont", "50"),
    State("VA", "Virginia", "51"),
    State("WA", "Washington", "53"),
    State("WV", "West Virginia", "54"),
    State("WI", "Wisconsin", "55"),
    State("WY", "Wyoming", "56"),
    State("AS", "American Samoa", "60", non_voting=True),
    State("GU", "Guam", "66", non_voting=True),
    State("MP", "Northern Mariana Islands", "69", non_voting=True),
    State("PR", "Puerto Rico", "72", non_voting=True),
    State("VI", "U.S. Virgin Islands", "78", non_voting=True),
)
BY_CODE: dict[str, State] = {s.code: s for s in STATES}
BY_FIPS: dict[str, State] = {s.fips: s for s in STATES}

# House seats per state from the 2020 apportionment (118th-122nd Congresses). DC and the
# territories each send one non-voting member, elected at large (district 0).
HOUSE_SEATS: dict[str, int] = {
    "AL": 7,
    "AK": 1,
    "AZ": 9,
    "AR": 4,
    "CA": 52,
    "CO": 8,
    "CT": 5,
    "DE": 1,
    "FL": 28,
    "GA": 14,
    "HI": 2,
    "ID": 2,
    "IL": 17,
    "IN": 9,
    "IA": 4,
    "KS": 4,
    "KY": 6,
    "LA": 6,
    "ME": 2,
    "MD": 8,
    "MA": 9,
    "MI": 13,
    "MN": 8,
    "MS": 4,
    "MO": 8,
    "MT": 2,
    "NE": 3,
    "NV": 4,
    "NH": 2,
    "NJ": 12,
    "NM": 3,
    "NY": 26,
    "NC": 14,
    "ND": 1,
    "OH": 15,
    "OK": 5,
    "OR": 6,
    "PA": 17,
    "RI": 2,
    "SC": 7,
    "SD": 1,
    "TN": 9,
    "TX": 38,
    "UT": 4,
    "VT": 1,
    "VA": 11,
    "WA": 10,
    "WV": 2,
    "WI": 8,
    "WY": 1,
    "DC": 1,
    "AS": 1,
    "GU": 1,
    "MP": 1,
    "PR": 1,
    "VI": 1,
}


def house_districts(state: str) -> list[int]:
    """The district numbers of a state's House seats: [0] when it elects at large."""
    seats = HOUSE_SEATS.get(state, 0)
    return [0] if seats == 1 else list(range(1, seats + 1))


def has_senators(state: str) -> bool:
    return state in BY_CODE and not BY_CODE[state].non_voting


def seat_code(seat: str) -> str:
    """A House seat as people write it: "MI-12", and "VT-AL" for an at-large seat (stored
    and counted as district 0)."""
    state, _, district = seat.partition("-")
    return f"{state}-AL" if district == "0" else seat
