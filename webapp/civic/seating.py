"""The Congress seated for a lookup, and whether the roster and the ZIP table describe it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from webapp.civic.census import ordinal
from webapp.civic.congress import congress_start, redistricted_states, seated_congress
from webapp.civic.index import RosterIndex, ZipIndex


@dataclass(frozen=True)
class Seated:
    """The Congress in office for one lookup, and whether the roster and ZIP table match it."""

    congress: int
    when: tuple[str, str]  # (today, the day it took office): who is seated, see is_serving
    roster_matches: bool
    zip_states: Callable[[str], bool]  # whether the ZIP table's districts hold in a state


def seat(
    session: Session,
    roster: RosterIndex,
    zips: ZipIndex,
    now: datetime,
    pinned: int | None = None,
    redistricted: frozenset[str] | None = None,
) -> Seated:
    """The Congress seated at `now` (or `pinned`) and how far the loaded data agrees with it.

    A ZIP table of another Congress still holds in a state whose districts did not change
    between the two: the redrawn states are the shipped list (or `redistricted`) plus those
    whose number of House seats differs between the two Congresses' rosters. When that cannot
    be known (no roster of the table's Congress, or Congresses further apart), it holds nowhere.
    """
    congress = pinned or seated_congress(now)
    roster_congress = roster.congress_of(session)
    zip_congress = zips.congress_of(session)
    changed = changed_states(session, roster, zip_congress, congress, redistricted)

    def zip_states(state: str) -> bool:
        return changed is not None and state not in changed

    when = (now.date().isoformat(), congress_start(congress))
    return Seated(congress, when, roster_congress == congress, zip_states)


def changed_states(
    session: Session,
    roster: RosterIndex,
    older: int | None,
    newer: int,
    redistricted: frozenset[str] | None = None,
) -> frozenset[str] | None:
    """States whose districts differ between the `older` and `newer` Congresses (None: unknown).

    The seat counts come from the loaded roster and the previous Congress's roster it keeps.
    """
    if older is None:
        return None
    if older == newer:
        return frozenset()
    roster_congress = roster.congress_of(session)
    previous = roster.previous(session)
    if roster_congress == older:
        older_seats = roster.house_seats(session)
    else:
        older_seats = previous.get("house_seats") if previous.get("congress") == older else None
    newer_seats = roster.house_seats(session) if roster_congress == newer else None
    return redistricted_states(older, newer, older_seats, newer_seats, redistricted)


def withheld_reason(data: int | None, seated: int, dataset: str) -> str:
    """Why no representative was named, for the submission's provenance."""
    of = f"the {ordinal(data)} Congress" if data is not None else "an unknown Congress"
    return f"districts being updated: the {dataset} is for {of}, the {ordinal(seated)} is seated"
