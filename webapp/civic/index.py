"""In-memory indexes of the roster and the ZIP table, reloaded when a sync changes them."""

from __future__ import annotations

import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.civic.congress import is_serving
from webapp.civic.legislators import PROVIDER as LEGISLATORS
from webapp.civic.types import Representative
from webapp.civic.zips import ZIP_DATASET
from webapp.models import CivicDataset, Official, ZipDistrict

ROSTER_DATASET = LEGISLATORS
# How often a process asks the database whether a sync has happened since it loaded.
_CHECK_EVERY_SECONDS = 15.0


def representative_from_official(official: Official) -> Representative:
    return Representative(
        key=f"official:{official.external_id}",
        name=official.full_name,
        chamber=official.chamber,
        title=official.title,
        state=official.state,
        district=official.district,
        party=official.party,
        last_name=official.last_name,
        non_voting=official.non_voting,
        bioguide=official.external_id,
        office=official.office_address,
        address=official.office_address,
        phone=official.phone,
        url=official.url,
        contact_url=official.contact_form,
        email=official.email,
        senate_class=official.senate_class,
    )


@dataclass(frozen=True)
class _Member:
    rep: Representative
    term_start: str | None
    term_end: str | None


def _serving(members: list[_Member], when: tuple[str, str] | None) -> list[Representative]:
    """The members seated given (today, the day the Congress took office); None: all."""
    return [m.rep for m in members if when is None or is_serving(m.term_start, m.term_end, *when)]


class _Versioned:
    """Loads data once, then reloads only when its dataset's sync time changes.

    No lock is held while the database is asked: a request whose statement PostgreSQL keeps
    waiting gives its process's slot up (webapp/pg_waits.py), and a thread holding the slot
    must never block on a lock such a thread holds (request_slots.waiting).
    """

    dataset = ""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()  # held only to swap loaded data in, never across I/O
        self._loading = threading.Lock()  # taken without blocking: one reload at a time
        self._version: datetime | None = None
        self._loaded = False
        self._checked_at = -1e9
        self.snapshot_date: str | None = None
        self.congress: int | None = None  # the Congress the loaded data describes
        self.details: dict[str, Any] = {}

    def _refresh(self, session: Session) -> None:
        now = self._clock()
        if self._loaded and now - self._checked_at < _CHECK_EVERY_SECONDS:
            return
        row = session.execute(
            select(
                CivicDataset.synced_at,
                CivicDataset.snapshot_date,
                CivicDataset.congress,
                CivicDataset.details,
            ).where(CivicDataset.name == self.dataset)
        ).first()
        version = row[0] if row else None
        if self._loaded and version == self._version:
            self._checked_at = now
            return
        reloading = self._loading.acquire(blocking=False)
        if not reloading and self._loaded:
            return  # another thread is reloading; the data it replaces serves meanwhile
        try:
            # A first load that finds another under way makes its own copy rather than wait.
            swap_in = self._load(session)
        finally:
            if reloading:
                self._loading.release()
        with self._lock:
            swap_in()
            self._version = version
            self.snapshot_date = row[1] if row else None
            self.congress = row[2] if row else None
            self.details = dict(row[3] or {}) if row else {}
            self._checked_at = now
            self._loaded = True

    def _load(self, session: Session) -> Callable[[], None]:
        """Read the dataset; return what puts it in place (called under the lock)."""
        raise NotImplementedError

    def invalidate(self) -> None:
        """Ask the database again on next use (a sync in this process has just changed it)."""
        self._checked_at = -1e9

    def congress_of(self, session: Session) -> int | None:
        """The Congress the loaded data describes (None: unknown or never synced)."""
        self._refresh(session)
        return self.congress


class RosterIndex(_Versioned):
    """Active members of Congress by seat."""

    dataset = ROSTER_DATASET

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock)
        self._senators: dict[str, list[_Member]] = {}
        self._house: dict[tuple[str, int], list[_Member]] = {}
        self.count = 0

    def _load(self, session: Session) -> Callable[[], None]:
        senators: dict[str, list[_Member]] = defaultdict(list)
        house: dict[tuple[str, int], list[_Member]] = defaultdict(list)
        officials = session.scalars(select(Official).where(Official.active.is_(True))).all()
        for official in officials:
            rep = _Member(
                representative_from_official(official), official.term_start, official.term_end
            )
            if official.chamber == "us_senate":
                senators[official.state].append(rep)
            elif official.chamber == "us_house" and official.district is not None:
                house[(official.state, int(official.district))].append(rep)
        for members in senators.values():
            members.sort(key=lambda m: (m.rep.senate_class or 0, m.rep.name))

        def swap_in() -> None:
            self._senators, self._house = dict(senators), dict(house)
            self.count = len(officials)

        return swap_in

    def senators(
        self, session: Session, state: str, when: tuple[str, str] | None = None
    ) -> list[Representative]:
        """The state's senators seated `when` (see `_serving`; None: every one stored)."""
        self._refresh(session)
        return _serving(self._senators.get(state, []), when)

    def senate_seats_held(self, session: Session, state: str) -> int:
        """Senators the roster lists for the state, serving or not (the rest are vacancies)."""
        self._refresh(session)
        return len(self._senators.get(state, []))

    def house(
        self, session: Session, state: str, district: int, when: tuple[str, str] | None = None
    ) -> list[Representative]:
        self._refresh(session)
        return _serving(self._house.get((state, district), []), when)

    def house_seats(self, session: Session) -> dict[str, int] | None:
        """House districts per state in this roster, as recorded by its sync."""
        self._refresh(session)
        seats = self.details.get("house_seats")
        return dict(seats) if isinstance(seats, dict) else None

    def previous(self, session: Session) -> dict[str, Any]:
        """The last roster of the previous Congress: its congress, snapshot date and seats."""
        self._refresh(session)
        previous = self.details.get("previous")
        return dict(previous) if isinstance(previous, dict) else {}

    def is_empty(self, session: Session) -> bool:
        self._refresh(session)
        return self.count == 0


class ZipIndex(_Versioned):
    """ZIP code to the (state, district) pairs it overlaps."""

    dataset = ZIP_DATASET

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock)
        self._zips: dict[str, tuple[tuple[str, int], ...]] = {}

    def _load(self, session: Session) -> Callable[[], None]:
        zips: dict[str, list[tuple[str, int]]] = defaultdict(list)
        rows = session.execute(
            select(ZipDistrict.zip_code, ZipDistrict.state, ZipDistrict.district).order_by(
                ZipDistrict.zip_code, ZipDistrict.state, ZipDistrict.district
            )
        )
        for zip_code, state, district in rows:
            zips[zip_code].append((state, district))
        loaded = {k: tuple(v) for k, v in zips.items()}

        def swap_in() -> None:
            self._zips = loaded

        return swap_in

    def districts(self, session: Session, zip_code: str) -> tuple[tuple[str, int], ...]:
        self._refresh(session)
        return self._zips.get(zip_code[:5], ())

    def all_zips(self, session: Session) -> list[str]:
        self._refresh(session)
        return sorted(self._zips)
