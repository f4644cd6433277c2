"""What organisers need to know on a new Congress: who is seated, the data's dates, what changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from webapp.civic.congress import CensusMaps, census_maps, parse_per_congress, seated_congress
from webapp.civic.index import ROSTER_DATASET
from webapp.civic.zips import ZIP_DATASET
from webapp.models import (
    AuditAction,
    AuditEntry,
    CivicDataset,
    Delivery,
    DeliveryStatus,
    RosterChange,
)
from webapp.services.member_corrections import FOLLOWED, KEPT


@dataclass
class CivicStatus:
    seated: int
    pinned: bool  # CIVIC_CONGRESS names it, not the date
    maps: CensusMaps | None
    roster: CivicDataset | None
    zips: CivicDataset | None
    left: list[RosterChange] = field(default_factory=list)  # at the last roster sync
    arrived: list[RosterChange] = field(default_factory=list)
    moved: list[RosterChange] = field(default_factory=list)  # a member in another seat
    vacant: list[RosterChange] = field(default_factory=list)  # a seat nobody holds now
    held: int = 0  # letters held for the organisers because their member left office
    # Waiting letters that followed a sitting member's new contact details at the last sync,
    # and those that kept the old ones (services/member_corrections.py).
    followed: int = 0
    kept: int = 0

    @property
    def last_sync(self) -> datetime | None:
        return self.roster.synced_at if self.roster is not None else None


def civic_status(
    session: Session, config: Mapping[str, Any], now: datetime, campaign_id: int | None = None
) -> CivicStatus:
    """The seated Congress, the maps asked for, each dataset, the last sync's changes and the
    letters held because of them (`campaign_id`: that campaign's only)."""
    pinned = int(config["CIVIC_CONGRESS"])
    seated = pinned or seated_congress(now)
    maps = census_maps(
        seated,
        parse_per_congress(str(config["CENSUS_VINTAGE"])),
        parse_per_congress(str(config["CENSUS_LAYERS"])),
    )
    status = CivicStatus(
        seated=seated,
        pinned=bool(pinned),
        maps=maps,
        roster=session.get(CivicDataset, ROSTER_DATASET),
        zips=session.get(CivicDataset, ZIP_DATASET),
    )
    if status.last_sync is not None:
        # Every kind the sync records, as the campaign's list of roster changes shows them: a
        # sync that only found vacant seats did change something.
        kinds = {
            "removed": status.left,
            "added": status.arrived,
            "seat_changed": status.moved,
            "vacant": status.vacant,
        }
        changes = session.scalars(
            select(RosterChange)
            .where(RosterChange.detected_at == status.last_sync, RosterChange.kind.in_(kinds))
            .order_by(RosterChange.state, RosterChange.chamber, RosterChange.district)
        )
        for change in changes:
            kinds[change.kind].append(change)
        status.followed, status.kept = _contact_changes(session, status.last_sync, campaign_id)
    status.held = session.scalar(held_count(campaign_id)) or 0
    return status


def _contact_changes(
    session: Session, synced_at: datetime, campaign_id: int | None
) -> tuple[int, int]:
    """The letters that followed members' new contact details at this sync, and those kept."""
    # The sync audits them at its own moment, one entry per campaign.
    query = select(AuditEntry.details).where(
        AuditEntry.action == AuditAction.ROSTER_CONTACTS_CHANGED,
        AuditEntry.created_at == synced_at,
    )
    if campaign_id is not None:
        query = query.where(AuditEntry.campaign_id == campaign_id)
    followed = kept = 0
    for details in session.scalars(query):
        followed += int((details or {}).get(FOLLOWED, 0))
        kept += int((details or {}).get(KEPT, 0))
    return followed, kept


def held_count(campaign_id: int | None) -> Select[int]:
    """How many letters are held for the organisers (`campaign_id`: that campaign's only)."""
    held = select(func.count(Delivery.id)).where(Delivery.status == DeliveryStatus.HELD)
    if campaign_id is not None:
        held = held.where(Delivery.campaign_id == campaign_id)
    return held
