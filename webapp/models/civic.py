"""Civic data kept locally: officials, ZIP table, dataset status, roster changes, lookup cache."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from webapp.database import Base, utcnow


class Official(Base):
    """A member of Congress from the congress-legislators dataset."""

    __tablename__ = "official"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index("ix_official_seat", "chamber", "state", "district"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    external_id: Mapped[str] = mapped_column(String(64))  # bioguide id for Congress
    chamber: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(2))
    district: Mapped[str | None] = mapped_column(String(8))  # House: "0" at large; Senate: None
    senate_class: Mapped[int | None]
    state_rank: Mapped[str | None] = mapped_column(String(16))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(200))
    party: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(40))
    non_voting: Mapped[bool] = mapped_column(default=False)
    url: Mapped[str | None] = mapped_column(String(500))
    contact_form: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))
    office_address: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    district_offices: Mapped[list[Any]] = mapped_column(default=list)
    term_start: Mapped[str | None] = mapped_column(String(10))
    term_end: Mapped[str | None] = mapped_column(String(10))
    snapshot_date: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ZipDistrict(Base):
    """One (ZIP, state, district) overlap; a ZIP with several rows spans districts."""

    __tablename__ = "zip_district"

    zip_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    state: Mapped[str] = mapped_column(String(2), primary_key=True)
    district: Mapped[int] = mapped_column(primary_key=True)


class CivicDataset(Base):
    """What was last loaded from each civic dataset, and the last failure, for organisers."""

    __tablename__ = "civic_dataset"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str | None] = mapped_column(String(500))
    snapshot_date: Mapped[str | None] = mapped_column(String(32))
    synced_at: Mapped[datetime | None]
    record_count: Mapped[int] = mapped_column(default=0)
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    # The Congress the data describes (roster: its House terms; ZIP table: as synced).
    congress: Mapped[int | None]
    # Roster: House seats per state, and the same for the previous Congress's roster.
    details: Mapped[dict[str, Any] | None]


class RosterChange(Base):
    """A difference found by a roster sync, with the live campaigns it affects."""

    __tablename__ = "roster_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    dataset: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(16))  # added | removed | seat_changed | vacant
    chamber: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(2))
    district: Mapped[str | None] = mapped_column(String(8))
    external_id: Mapped[str | None] = mapped_column(String(64))
    name: Mapped[str | None] = mapped_column(String(200))
    # A seat_changed member's seat before; pages word the change from these, in their language.
    previous_chamber: Mapped[str | None] = mapped_column(String(16))
    previous_state: Mapped[str | None] = mapped_column(String(2))
    previous_district: Mapped[str | None] = mapped_column(String(8))
    detail: Mapped[str] = mapped_column(String(500))  # in English, as the sync command prints it
    campaign_ids: Mapped[list[Any]] = mapped_column(default=list)
    detected_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class LookupCache(Base):
    """A cached upstream answer (geocoded districts, state legislators) keyed by its query."""

    __tablename__ = "lookup_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of kind + query
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class SenateCwcOffice(Base):
    """A senator's office on the Senate CWC system's active list, as last synced.

    The list's date is the `senate_cwc` CivicDataset row.
    """

    __tablename__ = "senate_cwc_office"

    bioguide_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    synced_at: Mapped[datetime] = mapped_column(default=utcnow)
