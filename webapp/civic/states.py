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
