"""Typed results of civic lookups, shared by every upstream adapter and the lookup service."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from webapp.civic.budget import Budget


class UpstreamError(RuntimeError):
    """An upstream service timed out, failed (5xx, 429) or answered in an unexpected shape.

    `outage` marks the failures that say the service is down or overloaded (timeouts, refused
    connections, 5xx, 429), which the circuit breaker counts; a malformed answer is not one.
    """

    def __init__(self, provider: str, reason: str, outage: bool = False) -> None:
        self.provider = provider
        self.reason = reason
        self.outage = outage
        super().__init__(f"{provider}: {reason}")


class MatchKind(enum.StrEnum):
    NONE = "none"  # no lookup: fixed targets only
    EXACT = "exact"  # the street address was geocoded
    ZIP = "zip"  # inferred from the ZIP code alone
    STATE = "state"  # only the state is known (senators, at-large seats)
    CHOSEN = "chosen"  # the supporter picked their district among the ZIP's candidates


class Residence(enum.StrEnum):
    """Where the supporter lives, and so which offices may hear from them as a constituent."""

    US = "us"  # lives in the US: a constituent of their home address
    VOTING_ADDRESS = "voting_address"  # a US citizen abroad: constituent where they vote
    ABROAD = "abroad"  # lives abroad: writes only to offices open to everyone


@dataclass(frozen=True)
class AddressQuery:
    """What a supporter or an API caller gave: a ZIP, and perhaps a street or a one-line address."""

    zip_code: str
    state: str | None = None
    street: str | None = None
    city: str | None = None
    line: str | None = None  # a one-line address (API callers)
    chosen_district: int | None = None
    # A ZIP the supporter said is theirs where the address service placed the street in another.
    zip_kept: str | None = None


@dataclass(frozen=True)
class Location:
    """Where a supporter lives, as districts. `district` 0 means at large (or a delegate)."""

    state: str
    district: int | None = None
    congress: int | None = None
    state_upper: str | None = None
    state_lower: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    matched_address: str | None = None
    matched_zip: str | None = None  # the ZIP the geocoder put the street in (address searches)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Location:
        fields: dict[str, Any] = {k: data.get(k) for k in cls.__dataclass_fields__}
        return cls(**fields)


@dataclass(frozen=True)
class Representative:
    """An official a letter can go to, with what the page and the delivery channels need."""

    key: str  # stable recipient key, e.g. "official:S000510"
    name: str
    chamber: str  # us_senate | us_house | state_upper | state_lower
    title: str  # Senator, Representative, Delegate, Resident Commissioner, State Senator...
    state: str
    district: str | None = None
    party: str | None = None
    last_name: str = ""
    non_voting: bool = False
    bioguide: str | None = None
    office: str | None = None
    address: str | None = None
    phone: str | None = None
    url: str | None = None
    contact_url: str | None = None
    email: str | None = None
    senate_class: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Representative:
        fields: dict[str, Any] = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)


@dataclass(frozen=True)
class Vacancy:
    chamber: str
    state: str
    district: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DistrictChoice:
    """One district a ZIP code overlaps, with its member, shown when the ZIP is ambiguous."""

    state: str
    district: int
    representatives: tuple[Representative, ...] = ()


@dataclass(frozen=True)
class Provenance:
    """Where a supporter's recipients came from, recorded on their submission."""

    provider: str | None = None
    match: MatchKind = MatchKind.NONE
    districts: dict[str, Any] = field(default_factory=dict)
    dataset_date: str | None = None
    congress: int | None = None


@dataclass
class LookupResult:
    """Everything one lookup found: members, ambiguity, vacancies and honest notes."""

    representatives: list[Representative] = field(default_factory=list)
    vacancies: list[Vacancy] = field(default_factory=list)
    candidates: list[DistrictChoice] = field(default_factory=list)
    needs_street: bool = False
    address_not_found: bool = False
    zip_unknown: bool = False  # the ZIP table has no row for the ZIP: perhaps mistyped
    # An unknown ZIP typed beside a street the geocoder placed in this other ZIP: ask which.
    zip_of_street: str | None = None
    # A ZIP the table knows, typed beside a street the geocoder placed in this other ZIP: near a
    # ZIP's edge the geocoder's (TIGER's) ZIP can differ from the Postal Service's, so the
    # supporter is asked to check it and may keep theirs.
    zip_differs: str | None = None
    geocoder_failed: bool = False
    notes: list[str] = field(default_factory=list)
    location: Location | None = None
    provenance: Provenance | None = None
    withheld: str | None = None  # why no representative was named (districts being updated)


class Geocoder(Protocol):
    """Address to districts. Returns None when the address has no match.

    `budget` bounds the time spent, retry included; None means the client's own timeouts.
    """

    def geocode(
        self, street: str, city: str, state: str, zip_code: str, budget: Budget | None = None
    ) -> Location | None: ...

    def geocode_line(self, address: str, budget: Budget | None = None) -> Location | None: ...


class StateLegislators(Protocol):
    """State legislators for a point (Open States)."""

    def for_point(
        self, latitude: float, longitude: float, budget: Budget | None = None
    ) -> list[Representative]: ...
