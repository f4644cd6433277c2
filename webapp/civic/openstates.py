"""Open States v3 `people.geo`: state legislators for a point (optional, needs an API key)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from webapp.civic.budget import Budget
from webapp.civic.http import Timeouts, get_json, make_session, timeouts_from_config
from webapp.civic.types import Representative, UpstreamError

PROVIDER = "openstates"
_CHAMBERS = {"upper": "state_upper", "lower": "state_lower", "legislature": "state_upper"}
# people.geo pages at 10 people; a point with multi-member districts can need a second page.
_MAX_PAGES = 3


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _state_from_division(division_id: str) -> str | None:
    for part in division_id.split("/"):
        if part.startswith("state:"):
            return part.removeprefix("state:").upper()
    return None


def _capitol_office(person: Mapping[str, Any]) -> tuple[str | None, str | None]:
    offices = person.get("offices")
    if not isinstance(offices, list):
        return None, None
    ordered = sorted(
        (o for o in offices if isinstance(o, dict)),
        key=lambda o: o.get("classification") != "capitol",
    )
    for office in ordered:
        address, voice = _text(office.get("address")), _text(office.get("voice"))
        if address or voice:
            return address, voice
    return None, None


def parse_people(payload: Any) -> list[Representative]:
    """State legislators from a people.geo body; members of Congress in it are ignored."""
    if not isinstance(payload, dict) or not isinstance(payload.get("results"), list):
        raise UpstreamError(PROVIDER, "answer has no 'results' list")
    people: list[Representative] = []
    for person in payload["results"]:
        if not isinstance(person, dict):
            continue
        role = person.get("current_role")
        jurisdiction = person.get("jurisdiction")
        if not isinstance(role, dict) or not isinstance(jurisdiction, dict):
            continue
        if jurisdiction.get("classification") != "state":
            continue  # Congress comes from congress-legislators, which we keep current
        chamber = _CHAMBERS.get(str(role.get("org_classification")))
        state = _state_from_division(str(role.get("division_id") or ""))
        name, person_id = _text(person.get("name")), _text(person.get("id"))
        if chamber is None or state is None or name is None or person_id is None:
            continue
        email = _text(person.get("email"))
        address, phone = _capitol_office(person)
        people.append(
            Representative(
                key=f"ocd:{person_id.removeprefix('ocd-person/')}",
                name=name,
                chamber=chamber,
                title=_text(role.get("title")) or "Legislator",
                state=state,
                district=_text(str(role.get("district") or "")),
                party=_text(person.get("party")),
                last_name=_text(person.get("family_name")) or name.split()[-1],
                address=address,
                phone=phone,
                # For state legislators "email" is an address; for Congress it was a form URL.
                email=email if email and "@" in email and not email.startswith("http") else None,
                contact_url=email if email and email.startswith("http") else None,
            )
        )
    return people


class OpenStatesClient:
    """State legislators for a point; UpstreamError on 401/403/429/5xx/timeouts."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        timeouts: Timeouts,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeouts = timeouts
        self.session = session or make_session(retry=False)

    def for_point(
        self, latitude: float, longitude: float, budget: Budget | None = None
    ) -> list[Representative]:
        people: list[Representative] = []
        for page in range(1, _MAX_PAGES + 1):
            payload = get_json(
                self.session,
                PROVIDER,
                f"{self.base_url}/people.geo",
                self.timeouts,
                params={
                    "lat": f"{latitude:.6f}",
                    "lng": f"{longitude:.6f}",
                    "include": "offices",
                    "page": page,
                },
                headers={"X-API-KEY": self.api_key},
                budget=budget,
            )
            people.extend(parse_people(payload))
            pagination = payload.get("pagination") if isinstance(payload, dict) else None
            max_page = pagination.get("max_page", 1) if isinstance(pagination, dict) else 1
            if not isinstance(max_page, int) or page >= max_page:
                break
        return people


def openstates_from_config(config: Mapping[str, Any]) -> OpenStatesClient | None:
    """The client, or None when no API key is configured (state targets then unavailable)."""
    key = str(config.get("OPENSTATES_API_KEY") or "")
    if not key:
        return None
    return OpenStatesClient(config["OPENSTATES_URL"], key, timeouts_from_config(config))
