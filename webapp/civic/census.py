"""US Census geocoder adapter: an address (or a point) to congressional and state districts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeGuard

import requests

from webapp.civic.budget import Budget
from webapp.civic.congress import census_maps, parse_per_congress
from webapp.civic.http import Timeouts, get_json, make_session, timeouts_from_config
from webapp.civic.states import BY_CODE, BY_FIPS
from webapp.civic.types import Location, UpstreamError

PROVIDER = "census"
# Layer keys carry the Congress / redistricting year, which change with the vintage asked for.
CONGRESS_LAYER = re.compile(r"^(\d+)(st|nd|rd|th) Congressional Districts$")
STATE_LEGISLATIVE_LAYER = re.compile(r"^(\d{4}) State Legislative Districts - (Upper|Lower)$")
# TIGER codes an at-large seat "00" and the DC / territory delegate districts "98".
AT_LARGE_CODES = frozenset({"00", "98"})
NO_DISTRICT = "ZZZ"
_DIGITS = re.compile(r"[0-9]+")

Record = dict[str, Any]


def ordinal(number: int) -> str:
    """119 -> "119th", 121 -> "121st"."""
    suffix = (
        "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    )
    return f"{number}{suffix}"


def _malformed(reason: str) -> UpstreamError:
    return UpstreamError(PROVIDER, f"unexpected response: {reason}")


def parse_geographies(payload: Any, expected_congress: int) -> Location | None:
    """Districts from a geographies response body (address or coordinates search).

    Returns None when the address matched nothing. Raises UpstreamError when the body is
    malformed, when it holds no usable congressional district (layer not requested, empty, or a
    layer-query error record), or when its maps are for another Congress than `expected_congress`:
    a caller can then fall back (ZIP table) instead of naming the wrong member.
    """
    if not isinstance(payload, dict):
        raise _malformed("body is not a JSON object")
    result = payload.get("result")
    if not isinstance(result, dict):
        errors = payload.get("errors")
        if isinstance(errors, list) and errors:
            raise UpstreamError(PROVIDER, "; ".join(str(error) for error in errors))
        raise _malformed("no result")
    if "addressMatches" in result:
        matches = result["addressMatches"]
        if not isinstance(matches, list):
            raise _malformed("addressMatches is not a list")
        if not matches:
            return None
        match = matches[0]
        if not isinstance(match, dict):
            raise _malformed("address match is not an object")
        geographies = match.get("geographies")
        point = match.get("coordinates")
        matched_address = match.get("matchedAddress")
        matched_zip = _matched_zip(match)
    else:
        geographies = result.get("geographies")
        search = result.get("input")
        point = search.get("location") if isinstance(search, dict) else None
        matched_address = matched_zip = None
    if not isinstance(geographies, dict):
        raise _malformed("no geographies")
    congress, state, district = _congressional_district(geographies, expected_congress)
    upper, lower = _state_legislative_districts(geographies)
    point = point if isinstance(point, dict) else {}
    return Location(
        state=state,
        district=district,
        congress=congress,
        state_upper=upper,
        state_lower=lower,
        latitude=_number(point.get("y")),
        longitude=_number(point.get("x")),
        matched_address=matched_address if isinstance(matched_address, str) else None,
        matched_zip=matched_zip,
    )


def _matched_zip(match: Mapping[str, Any]) -> str | None:
    """The five-digit ZIP of an address match: its components' "zip", else the end of the
    matched address ("16901 MICHIGAN AVE, DEARBORN, MI, 48126")."""
    components = match.get("addressComponents")
    found = components.get("zip") if isinstance(components, dict) else None
    if not isinstance(found, str):
        address = match.get("matchedAddress")
        tail = re.search(r",\s*(\d{5})\s*$", address) if isinstance(address, str) else None
        found = tail.group(1) if tail else None
    return found if found is not None and re.fullmatch(r"\d{5}", found) else None


def _records(geographies: Mapping[str, Any], key: str) -> list[Record]:
    records = geographies[key]
    if not isinstance(records, list):
        raise _malformed(f"layer {key!r} is not a list")
    return [record for record in records if isinstance(record, dict)]


def _congressional_district(geographies: Mapping[str, Any], expected: int) -> tuple[int, str, int]:
    found: list[tuple[int, str, int]] = []
    statuses: list[str] = []
    layers = [(key, match) for key in geographies if (match := CONGRESS_LAYER.match(key))]
    for key, match in layers:
        layer_congress = int(match.group(1))
        for record in _records(geographies, key):
            parsed = _district_record(record, layer_congress, geographies)
            if parsed is not None:
                found.append(parsed)
            elif isinstance(record.get("status"), str):
                statuses.append(record["status"])
    for parsed in found:
        if parsed[0] == expected:
            return parsed
    if found:
        other = found[0][0]
        raise UpstreamError(
            PROVIDER,
            f"maps are for the {ordinal(other)} Congress, members for the {ordinal(expected)}",
        )
    if not layers:
        raise UpstreamError(PROVIDER, "no congressional district layer (check CENSUS_LAYERS)")
    if statuses:
        raise UpstreamError(PROVIDER, f"congressional district layer failed: {statuses[0]}")
    raise UpstreamError(PROVIDER, "no congressional district at this location")


def _district_record(
    record: Record, layer_congress: int, geographies: Mapping[str, Any]
) -> tuple[int, str, int] | None:
    """(congress, state code, district) from one layer record, or None if it lacks the fields."""
    session = record.get("CDSESSN")
    congress = int(session) if _is_digits(session) else layer_congress
    # GEOID (state FIPS + district) is the canonical code: some vintages drop the CD<nnn> field.
    geoid = record.get("GEOID") if _is_digits(record.get("GEOID"), 4) else None
    code = geoid[2:] if geoid else record.get(f"CD{congress}")
    fips = record.get("STATE") or (geoid[:2] if geoid else None)
    if not _is_digits(code, 2):
        return None  # e.g. "ZZ" (water) or a status record
    state = (
        BY_FIPS[fips].code
        if isinstance(fips, str) and fips in BY_FIPS
        else _state_layer(geographies)
    )
    if state is None:
        return None
    return congress, state, 0 if code in AT_LARGE_CODES else int(code)


def _state_layer(geographies: Mapping[str, Any]) -> str | None:
    if "States" not in geographies:
        return None
    for record in _records(geographies, "States"):
        code = record.get("STUSAB")
        if isinstance(code, str) and code in BY_CODE:
            return code
    return None


def _state_legislative_districts(geographies: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(upper, lower) district codes; the newest year wins if a response holds several."""
    best: dict[str, tuple[int, str]] = {}
    for key in geographies:
        match = STATE_LEGISLATIVE_LAYER.match(key)
        if not match:
            continue
        year, chamber = int(match.group(1)), match.group(2)
        field = "SLDU" if chamber == "Upper" else "SLDL"
        for record in _records(geographies, key):
            code = _legislative_code(record.get(field))
            if code is not None:
                if chamber not in best or year > best[chamber][0]:
                    best[chamber] = (year, code)
                break
    upper, lower = best.get("Upper"), best.get("Lower")
    return (upper[1] if upper else None), (lower[1] if lower else None)


def _legislative_code(value: Any) -> str | None:
    """Numeric codes lose leading zeros ("002" -> "2"), others (VT, NH, MA) stay; "ZZZ" is none."""
    if not isinstance(value, str) or not value.strip() or value.strip().upper() == NO_DISTRICT:
        return None
    code = value.strip()
    return str(int(code)) if _is_digits(code) else code


def _is_digits(value: Any, length: int | None = None) -> TypeGuard[str]:
    return (
        isinstance(value, str)
        and _DIGITS.fullmatch(value) is not None
        and (length is None or len(value) == length)
    )


def _number(value: Any) -> float | None:
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if is_number else None


class CensusGeocoder:
    """The Geocoder protocol over the Census geographies endpoints (no key needed)."""

    def __init__(
        self,
        base_url: str,
        benchmark: str,
        vintage: str,
        layers: str,
        congress: int,
        timeouts: Timeouts,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.benchmark = benchmark
        self.vintage = vintage
        self.layers = layers
        self.congress = congress
        self.timeouts = timeouts
        # get_json retries within the lookup's budget, so the session itself does not.
        self.session = session if session is not None else make_session(retry=False)

    def geocode(
        self, street: str, city: str, state: str, zip_code: str, budget: Budget | None = None
    ) -> Location | None:
        """Parsed address search; empty city/state/ZIP are left out (only street is required).

        The service's ZIP is the five-digit one (its answers name no other): a ZIP+4 goes as its
        first five digits. The letter keeps the ZIP+4 as typed."""
        params = {"street": street, "city": city, "state": state, "zip": zip_code[:5]}
        return self._geographies("address", {k: v for k, v in params.items() if v}, budget)

    def geocode_line(self, address: str, budget: Budget | None = None) -> Location | None:
        return self._geographies("onelineaddress", {"address": address}, budget)

    def geocode_point(
        self, latitude: float, longitude: float, budget: Budget | None = None
    ) -> Location | None:
        return self._geographies("coordinates", {"x": longitude, "y": latitude}, budget)

    def _geographies(
        self, search: str, params: dict[str, Any], budget: Budget | None
    ) -> Location | None:
        query = {**params, "benchmark": self.benchmark, "vintage": self.vintage}
        if self.layers:
            query["layers"] = self.layers
        query["format"] = "json"
        url = f"{self.base_url}/geographies/{search}"
        payload = get_json(self.session, PROVIDER, url, self.timeouts, params=query, budget=budget)
        return parse_geographies(payload, self.congress)


def census_from_config(config: Mapping[str, Any], congress: int) -> CensusGeocoder | None:
    """A CensusGeocoder for the maps of `congress` (CENSUS_* overrides), None if none are known."""
    maps = census_maps(
        congress,
        parse_per_congress(str(config["CENSUS_VINTAGE"])),
        parse_per_congress(str(config["CENSUS_LAYERS"])),
    )
    if maps is None:
        return None
    return CensusGeocoder(
        base_url=str(config["CENSUS_GEOCODER_URL"]),
        benchmark=str(config["CENSUS_BENCHMARK"]),
        vintage=maps.vintage,
        layers=maps.layers,
        congress=congress,
        timeouts=timeouts_from_config(config),
    )
