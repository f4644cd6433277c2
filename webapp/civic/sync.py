"""Civic dataset syncs: load a source, upsert members of Congress, record each load."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.civic.congress import roster_congress
from webapp.civic.http import Timeouts, fetch_bytes, make_session
from webapp.civic.legislators import PROVIDER as LEGISLATORS
from webapp.civic.legislators import DistrictOffice, LegislatorRecord
from webapp.civic.roster_diff import Contact, MemberChange, RosterDiff, Seat, vacant_seats
from webapp.database import write_transaction
from webapp.models import (
    Campaign,
    CampaignStatus,
    CivicDataset,
    Official,
    RosterChange,
    Target,
    TargetKind,
)


def _http_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value).astimezone(UTC).date().isoformat()
    except (TypeError, ValueError):
        return None


def load_source(
    location: str, timeouts: Timeouts, provider: str = "civic-data"
) -> tuple[bytes, str | None]:
    """Read a local file or download a URL, with a snapshot-date guess (mtime or Last-Modified).

    Download failures raise UpstreamError; unreadable files raise OSError.
    """
    if not location.startswith(("http://", "https://")):
        path = Path(location)
        data = path.read_bytes()
        return data, datetime.fromtimestamp(path.stat().st_mtime, UTC).date().isoformat()
    with make_session() as session:
        data, headers = fetch_bytes(session, provider, location, timeouts)
    return data, _http_date(headers.get("Last-Modified"))


# Every LegislatorRecord field but these is stored under the same name on Official.
_COPIED = [
    f.name for f in fields(LegislatorRecord) if f.name not in {"bioguide", "address", "office"}
]


def _apply(
    official: Official,
    record: LegislatorRecord,
    offices: Mapping[str, list[DistrictOffice]] | None,
    snapshot_date: str | None,
) -> None:
    for name in _COPIED:
        setattr(official, name, getattr(record, name))
    official.office_address = record.address or record.office
    official.snapshot_date = snapshot_date
    official.active = True
    # Without an offices file (download failed) the offices already stored are kept.
    if offices is not None:
        official.district_offices = list(offices.get(record.bioguide, []))


def _live_lookup_chambers(session: Session) -> dict[tuple[int, str], set[str]]:
    """Chambers each live campaign looks up for its supporters, by (id, slug)."""
    rows = session.execute(
        select(Campaign.id, Campaign.slug, Target.chambers)
        .join(Target, Target.campaign_id == Campaign.id)
        .where(Campaign.status == CampaignStatus.LIVE, Target.kind == TargetKind.LOOKUP)
    )
    chambers: dict[tuple[int, str], set[str]] = {}
    for campaign_id, slug, target_chambers in rows:
        chambers.setdefault((campaign_id, slug), set()).update(target_chambers or [])
    return chambers


def _record_changes(session: Session, diff: RosterDiff, now: datetime) -> None:
    campaigns = _live_lookup_chambers(session)
    affected: set[str] = set()

    def record(
        kind: str, seat: Seat, chambers: set[str], detail: str, who: MemberChange | None
    ) -> None:
        hits = [key for key, wanted in campaigns.items() if wanted & chambers]
        previous = who.previous if who else None
        affected.update(slug for _, slug in hits)
        session.add(
            RosterChange(
                dataset=LEGISLATORS,
                kind=kind,
                chamber=seat.chamber,
                state=seat.state,
                district=seat.district,
                external_id=who.bioguide if who else None,
                name=who.name if who else None,
                previous_chamber=previous.chamber if previous else None,
                previous_state=previous.state if previous else None,
                previous_district=previous.district if previous else None,
                detail=detail,
                campaign_ids=sorted(campaign_id for campaign_id, _ in hits),
                detected_at=now,
            )
        )
        diff.recorded += 1

    for change in [*diff.added, *diff.removed, *diff.seat_changed]:
        chambers = {change.seat.chamber} | ({change.previous.chamber} if change.previous else set())
        record(change.kind, change.seat, chambers, change.describe(), change)
    for seat in diff.new_vacancies:
        record("vacant", seat, {seat.chamber}, f"vacant: {seat.label()}", None)
    diff.affected_campaigns = sorted(affected)


def mark_synced(
    session: Session,
    name: str,
    source: str,
    snapshot_date: str | None,
    count: int,
    now: datetime,
    congress: int | None = None,
) -> CivicDataset:
    """Record a successful load of dataset `name` (inside the caller's transaction)."""
    dataset = session.get(CivicDataset, name) or CivicDataset(name=name)
    session.add(dataset)
    dataset.congress = congress
    dataset.source = source
    dataset.snapshot_date = snapshot_date
    dataset.synced_at = now
    dataset.record_count = count
    dataset.last_attempt_at = now
    dataset.last_error = None
    return dataset


def house_seats(records: Iterable[LegislatorRecord]) -> dict[str, int]:
    """Number of House districts per state in a roster (vacant seats do not count)."""
    districts: dict[str, set[str]] = {}
    for record in records:
        if record.chamber == "us_house" and record.district is not None:
            districts.setdefault(record.state, set()).add(record.district)
    return {state: len(found) for state, found in sorted(districts.items())}


def _roster_details(
    session: Session, records: Sequence[LegislatorRecord], congress: int | None
) -> dict[str, Any]:
    """This roster's seats, and the last roster of the previous Congress (kept across syncs)."""
    stored = session.get(CivicDataset, LEGISLATORS)
    old = (stored.details or {}) if stored is not None else {}
    details: dict[str, Any] = {"house_seats": house_seats(records)}
    if stored is not None and stored.congress is not None and stored.congress != congress:
        details["previous"] = {
            "congress": stored.congress,
            "snapshot_date": stored.snapshot_date,
            "house_seats": old.get("house_seats"),
        }
    elif "previous" in old:
        details["previous"] = old["previous"]
    return details


def sync_officials(
    session: Session,
    records: Sequence[LegislatorRecord],
    offices: Mapping[str, list[DistrictOffice]] | None,
    snapshot_date: str | None,
    source: str,
    now: datetime,
    follow: Callable[[Session, RosterDiff, datetime], object] | None = None,
) -> RosterDiff:
    """Upsert members by bioguide id, deactivate the departed, record the roster changes.

    `offices` None means "not available": stored district offices are left as they are.
    `follow` runs last in the same transaction, so that the letters waiting for a member whose
    contact details changed follow them together with the roster or not at all.
    """
    with write_transaction(session):
        stored = session.scalars(select(Official).where(Official.source == LEGISLATORS))
        existing = {official.external_id: official for official in stored}
        before = Counter(vacant_seats(Seat.of(o) for o in existing.values() if o.active))
        diff = RosterDiff(loaded=len(records), first_sync=not existing)
        for record in records:
            official = existing.get(record.bioguide)
            change = MemberChange("added", record.bioguide, record.full_name, Seat.of(record))
            # A member in the same seat keeps their letters: new details are a correction.
            contact = None
            if official is not None and official.active and Seat.of(official) == change.seat:
                contact = Contact.of(official)
            if official is None or not official.active:
                if not diff.first_sync:
                    diff.added.append(change)
            elif Seat.of(official) != change.seat:
                moved = replace(change, kind="seat_changed", previous=Seat.of(official))
                diff.seat_changed.append(moved)
            if official is None:
                official = Official(source=LEGISLATORS, external_id=record.bioguide)
                official.district_offices = []
                session.add(official)
            _apply(official, record, offices, snapshot_date)
            if contact is not None and Contact.of(official) != contact:
                diff.contacts_changed[record.bioguide] = contact
        incoming = {record.bioguide for record in records}
        for official in existing.values():
            if official.active and official.external_id not in incoming:
                official.active = False
                seat = Seat.of(official)
                diff.removed.append(
                    MemberChange("removed", official.external_id, official.full_name, seat)
                )
        diff.vacancies = vacant_seats(Seat.of(r) for r in records)
        current = Counter(diff.vacancies)
        # On the first sync every seat was "vacant" before, so report the real vacancies instead.
        fresh = current if diff.first_sync else current - before
        diff.new_vacancies = list(fresh.elements())
        _record_changes(session, diff, now)
        congress = roster_congress(r.term_start for r in records if r.chamber == "us_house")
        details = _roster_details(session, records, congress)
        dataset = mark_synced(
            session, LEGISLATORS, source, snapshot_date, len(records), now, congress
        )
        dataset.details = details
        if follow is not None:
            follow(session, diff, now)
    return diff


def record_sync_failure(
    session: Session, dataset_name: str, source: str, error: str, now: datetime
) -> None:
    """Store a failed attempt; what was last loaded successfully stays as it was."""
    with write_transaction(session):
        dataset = session.get(CivicDataset, dataset_name)
        if dataset is None:
            dataset = CivicDataset(name=dataset_name, source=source, record_count=0)
            session.add(dataset)
        dataset.last_attempt_at = now
        dataset.last_error = f"{error} (from {source})"
