"""Pure parsers for the congress-legislators files: current members and their district offices."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TypedDict

import yaml

from webapp.civic.states import BY_CODE

PROVIDER = "congress-legislators"

# The C loader parses the 1 MB members file about ten times faster than the pure-Python one;
# PyYAML only defines it when built against libyaml.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

CHAMBERS = {"sen": "us_senate", "rep": "us_house"}


@dataclass(frozen=True)
class LegislatorRecord:
    """One current member of Congress, from the last (current) term of their record."""

    bioguide: str
    chamber: str  # us_senate | us_house
    state: str
    district: str | None  # House: "0" at large and for delegates; Senate: None
    title: str  # Senator | Representative | Delegate | Resident Commissioner
    non_voting: bool
    first_name: str
    last_name: str
    full_name: str
    party: str | None
    url: str | None
    contact_form: str | None
    phone: str | None
    address: str | None
    office: str | None
    senate_class: int | None
    state_rank: str | None
    term_start: str | None
    term_end: str | None


class DistrictOffice(TypedDict):
    """A member's office back home; stored as JSON on the Official row."""

    address: str | None
    suite: str | None
    building: str | None
    city: str | None
    state: str | None
    zip: str | None
    phone: str | None
    fax: str | None


def load_document(data: bytes, filename_hint: str) -> Any:
    """Decode a JSON or YAML document, chosen by file extension (or by sniffing when unclear)."""
    suffix = PurePosixPath(filename_hint.split("?", 1)[0]).suffix.lower()
    if suffix not in {".json", ".yaml", ".yml"}:
        suffix = ".json" if data.lstrip()[:1] in (b"[", b"{") else ".yaml"
    try:
        if suffix == ".json":
            return json.loads(data)
        return yaml.load(data, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader
    except (ValueError, yaml.YAMLError) as exc:
        kind = "JSON" if suffix == ".json" else "YAML"
        raise ValueError(f"{filename_hint}: not valid {kind} ({exc})") from exc


def _text(value: Any) -> str | None:
    """A scalar as text; YAML may hand back ints (suite numbers) or dates for these fields."""
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool | dict | list):
        raise ValueError(f"expected text, got {type(value).__name__}")
    text = str(value).strip()
    return text or None


def _required(mapping: dict[str, Any], key: str, where: str) -> str:
    value = _text(mapping.get(key))
    if value is None:
        raise ValueError(f"{where}: missing {key!r}")
    return value


def _title(chamber: str, state: str) -> str:
    if chamber == "us_senate":
        return "Senator"
    if state == "PR":
        return "Resident Commissioner"
    return "Delegate" if BY_CODE[state].non_voting else "Representative"


def _district(term: dict[str, Any], where: str) -> str:
    raw = term.get("district")
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"{where}: House term without a district number")
    text = str(raw).strip()
    if not text.isdigit():
        raise ValueError(f"{where}: district {raw!r} is not a number")
    return str(int(text))


def _member(entry: Any, index: int) -> LegislatorRecord:
    where = f"member #{index + 1}"
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a mapping, got {type(entry).__name__}")
    ids, name, terms = entry.get("id"), entry.get("name"), entry.get("terms")
    if not isinstance(ids, dict) or not isinstance(name, dict):
        raise ValueError(f"{where}: missing 'id' or 'name'")
    bioguide = _required(ids, "bioguide", where)
    where = f"member {bioguide}"
    if not isinstance(terms, list) or not terms or not isinstance(terms[-1], dict):
        raise ValueError(f"{where}: no terms")
    term: dict[str, Any] = terms[-1]
    chamber = CHAMBERS.get(str(term.get("type")))
    if chamber is None:
        raise ValueError(f"{where}: unknown term type {term.get('type')!r}")
    state = _required(term, "state", where).upper()
    if state not in BY_CODE:
        raise ValueError(f"{where}: unknown state {state!r}")
    first, last = _required(name, "first", where), _required(name, "last", where)
    raw_class = term.get("class")
    return LegislatorRecord(
        bioguide=bioguide,
        chamber=chamber,
        state=state,
        district=_district(term, where) if chamber == "us_house" else None,
        title=_title(chamber, state),
        non_voting=BY_CODE[state].non_voting,
        first_name=first,
        last_name=last,
        # Newly sworn-in members have no official_full until the maintainers add it.
        full_name=_text(name.get("official_full")) or f"{first} {last}",
        party=_text(term.get("party")),
        url=_web_page(term.get("url")),
        contact_form=_web_page(term.get("contact_form")),
        phone=_text(term.get("phone")),
        address=_text(term.get("address")),
        office=_text(term.get("office")),
        senate_class=int(raw_class) if isinstance(raw_class, int) else None,
        state_rank=_text(term.get("state_rank")),
        term_start=_text(term.get("start")),
        term_end=_text(term.get("end")),
    )


def _web_page(value: Any) -> str | None:
    """A member's website or contact form: only an http(s) address. Letters and receipts link
    to it, and a sync copies it onto letters already waiting, so anything else is dropped."""
    text = _text(value)
    if text is None or not text.lower().startswith(("https://", "http://")):
        return None
    return text


def parse_legislators(data: bytes, filename_hint: str) -> list[LegislatorRecord]:
    """Parse legislators-current.json or .yaml; raises ValueError naming the bad member."""
    document = load_document(data, filename_hint)
    if not isinstance(document, list):
        raise ValueError(
            f"{filename_hint}: expected a list of members, got {type(document).__name__}"
        )
    if not document:
        # An empty roster would mark every member inactive; it is never a real snapshot.
        raise ValueError(f"{filename_hint}: the member list is empty")
    records: list[LegislatorRecord] = []
    seen: set[str] = set()
    for index, entry in enumerate(document):
        try:
            record = _member(entry, index)
        except ValueError as exc:
            raise ValueError(f"{filename_hint}: {exc}") from exc
        if record.bioguide in seen:
            raise ValueError(f"{filename_hint}: member {record.bioguide} appears twice")
        seen.add(record.bioguide)
        records.append(record)
    return records


def _office(raw: Any) -> DistrictOffice:
    if not isinstance(raw, dict):
        raise ValueError(f"expected an office mapping, got {type(raw).__name__}")
    return DistrictOffice(
        address=_text(raw.get("address")),
        suite=_text(raw.get("suite")),
        building=_text(raw.get("building")),
        city=_text(raw.get("city")),
        state=_text(raw.get("state")),
        zip=_text(raw.get("zip")),
        phone=_text(raw.get("phone")),
        fax=_text(raw.get("fax")),
    )


def parse_district_offices(data: bytes, filename_hint: str) -> dict[str, list[DistrictOffice]]:
    """Parse legislators-district-offices.json or .yaml into offices by bioguide id."""
    document = load_document(data, filename_hint)
    if not isinstance(document, list):
        raise ValueError(
            f"{filename_hint}: expected a list of members, got {type(document).__name__}"
        )
    offices: dict[str, list[DistrictOffice]] = {}
    for index, entry in enumerate(document):
        where = f"{filename_hint}: entry #{index + 1}"
        ids = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(ids, dict):
            raise ValueError(f"{where}: missing 'id'")
        bioguide = _required(ids, "bioguide", where)
        raw_offices = entry.get("offices") or []
        if not isinstance(raw_offices, list):
            raise ValueError(f"{where}: 'offices' is not a list")
        try:
            offices[bioguide] = [_office(raw) for raw in raw_offices]
        except ValueError as exc:
            raise ValueError(f"{where} ({bioguide}): {exc}") from exc
    return offices
