"""Which Congress sits on a date, the Census maps of each Congress, and who was redistricted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

FIRST_CONGRESS_YEAR = 1789


def congress_starting(year: int) -> int:
    """The Congress whose first session opens on 3 January of `year` (odd years)."""
    return (year - FIRST_CONGRESS_YEAR) // 2 + 1


def seated_congress(when: date | datetime) -> int:
    """The Congress in office on `when`: each one takes office on 3 January of an odd year.

    The day of the change counts for the new Congress, as the House terms do (the outgoing
    members' terms end on that date, the incoming members' terms start on it).
    """
    day = when.date() if isinstance(when, datetime) else when
    year = day.year if day >= date(day.year, 1, 3) else day.year - 1
    return congress_starting(year - (year - FIRST_CONGRESS_YEAR) % 2)


def congress_of_term(start: str | None) -> int | None:
    """The Congress a House term belongs to, from its ISO start date ("2027-01-03" -> 120)."""
    if not start:
        return None
    try:
        return seated_congress(date.fromisoformat(start))
    except ValueError:
        return None


def roster_congress(term_starts: Iterable[str | None]) -> int | None:
    """The Congress most House terms of a roster belong to (a special election is a minority)."""
    counts = Counter(c for c in map(congress_of_term, term_starts) if c is not None)
    return counts.most_common(1)[0][0] if counts else None


def congress_start(congress: int) -> str:
    """The ISO date a Congress takes office: 119 -> "2025-01-03"."""
    return f"{FIRST_CONGRESS_YEAR + 2 * (congress - 1)}-01-03"


def is_serving(term_start: str | None, term_end: str | None, today: str, since: str) -> bool:
    """Whether a member is seated: their term has begun by `today` and lasts past `since`.

    `since` is the day the seated Congress took office: a term ending then belongs to the
    previous Congress. A term ending later but before `today` (a special election's date) is
    not dropped: the roster, not the date, says who won it.
    """
    return (not term_start or term_start <= today) and (not term_end or since < term_end)


@dataclass(frozen=True)
class CensusMaps:
    """The Census geocoder vintage and layer names that carry one Congress's districts."""

    vintage: str
    layers: str


def _layers(congress: str, legislative_year: int) -> str:
    return (
        f"{congress} Congressional Districts,"
        f"{legislative_year} State Legislative Districts - Upper,"
        f"{legislative_year} State Legislative Districts - Lower"
    )


# The one place the maps of each Congress are named (shared/research/civic-data.md, "Census
# vintage/layer"): ACS2025_Current keeps the 119th maps; Current_Current switched to the 120th
# maps and the 2026 state legislative lines in September 2026.
CENSUS_MAPS: dict[int, CensusMaps] = {
    119: CensusMaps("ACS2025_Current", _layers("119th", 2024)),
    120: CensusMaps("Current_Current", _layers("120th", 2026)),
}

# States whose congressional districts were redrawn between one Congress and the next, keyed by
# the newer Congress. For the 120th (2026 elections): TX (HB 4, 2025), CA (Prop 50 / AB 604),
# MO (HB 1, 2025), NC (SB 249, 2025), OH (2025 commission map), UT (court-ordered map, 2025),
# FL and TN, per PolicyEngine/policyengine-us-data issue #1144 and ActionKit's "2026
# Redistricting" guide (https://demo.actionkit.com/docs/manual/guide/redistrict_2026.html).
# CIVIC_REDISTRICTED_STATES replaces this list when set.
REDISTRICTED: dict[int, frozenset[str]] = {
    120: frozenset({"TX", "CA", "MO", "NC", "OH", "UT", "FL", "TN"}),
}


def parse_per_congress(value: str) -> dict[int | None, str]:
    """ "119=A;120=B" -> {119: "A", 120: "B"}; a plain "A" applies to every Congress (key None)."""
    result: dict[int | None, str] = {}
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        head, sep, tail = part.partition("=")
        if sep and head.strip().isdigit():
            result[int(head.strip())] = tail.strip()
        else:
            result[None] = part
    return result


def census_maps(
    congress: int, vintages: Mapping[int | None, str], layers: Mapping[int | None, str]
) -> CensusMaps | None:
    """The maps for `congress`, with the settings' overrides; None if no map is known for it."""
    shipped = CENSUS_MAPS.get(congress)
    vintage = vintages.get(congress) or vintages.get(None) or (shipped and shipped.vintage)
    names = layers.get(congress) or layers.get(None) or (shipped and shipped.layers)
    if not vintage or not names:
        return None
    return CensusMaps(vintage, names)


def redistricted_states(
    older: int,
    newer: int,
    older_seats: Mapping[str, int] | None,
    newer_seats: Mapping[str, int] | None,
    override: frozenset[str] | None = None,
) -> frozenset[str] | None:
    """States whose districts differ between two Congresses; None when that cannot be known.

    The shipped list (or the setting) names the redrawn maps; a state whose number of House
    districts differs between the two rosters changed too, listed or not.
    """
    if older == newer:
        return frozenset()
    if newer - older != 1:
        return None  # two redistrictings apart: no list covers that
    listed = override if override is not None else REDISTRICTED.get(newer)
    if listed is None:
        return None
    counted: set[str] = set()
    if older_seats is not None and newer_seats is not None:
        for state in set(older_seats) | set(newer_seats):
            if older_seats.get(state) != newer_seats.get(state):
                counted.add(state)
    return frozenset(listed | counted)
