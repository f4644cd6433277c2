"""Who left office before their letters went out, and who holds each seat now."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from webapp.civic.congress import congress_start, is_serving, seated_congress
from webapp.civic.legislators import PROVIDER as LEGISLATORS
from webapp.models import CivicDataset, Official, RosterChange

PREFIX = "official:"  # recipient keys of members of Congress


@dataclass(frozen=True)
class Departure:
    official: Official
    left_on: str  # ISO date


def departures(
    session: Session, now: datetime, pinned: int | None = None, only: Collection[str] | None = None
) -> dict[str, Departure]:
    """Recipient key -> departure, for every member no longer seated at `now`.

    Gone from the roster, or their term ended with the previous Congress (the roster may not
    list the new members yet). A member dropped by a roster of the next Congress, synced before
    it takes office, serves until their term ends. `only` limits the search to these ids.
    """
    seated = pinned or seated_congress(now)
    since, today = congress_start(seated), now.date().isoformat()
    query = select(Official).where(
        Official.source == LEGISLATORS,
        or_(Official.active.is_(False), Official.term_end <= since),
    )
    if only is not None:
        query = query.where(Official.external_id.in_(list(only)))
    roster = session.get(CivicDataset, LEGISLATORS)
    early = roster is not None and roster.congress is not None and roster.congress > seated
    gone = [
        o
        for o in session.scalars(query)
        if not (early and not o.active and o.term_end and since < o.term_end)
    ]
    removed: dict[str, str] = {}
    if any(not o.active for o in gone):
        rows = session.execute(
            select(RosterChange.external_id, RosterChange.detected_at).where(
                RosterChange.kind == "removed",
                RosterChange.external_id.in_([o.external_id for o in gone]),
            )
        )
        for bioguide, detected in rows:
            if bioguide is None:
                continue
            removed[bioguide] = max(removed.get(bioguide, ""), detected.date().isoformat())
    result: dict[str, Departure] = {}
    for official in gone:
        if official.term_end and official.term_end <= today:
            left_on = official.term_end
        else:
            left_on = removed.get(official.external_id, today)
        result[PREFIX + official.external_id] = Departure(official, left_on)
    return result


def seated_successor(
    session: Session, gone: Official, now: datetime, pinned: int | None
) -> Official | None:
    """The one member seated at `now` in the departed member's seat (Senate: same class)."""
    query = select(Official).where(
        Official.source == LEGISLATORS,
        Official.active.is_(True),
        Official.chamber == gone.chamber,
        Official.state == gone.state,
        Official.external_id != gone.external_id,
    )
    if gone.chamber == "us_senate":
        query = query.where(Official.senate_class == gone.senate_class)
    else:
        query = query.where(Official.district == gone.district)
    since, today = congress_start(pinned or seated_congress(now)), now.date().isoformat()
    seated = [
        o for o in session.scalars(query) if is_serving(o.term_start, o.term_end, today, since)
    ]
    return seated[0] if len(seated) == 1 else None
