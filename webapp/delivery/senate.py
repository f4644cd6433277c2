"""Senate CWC (SCWC via SOAPBox): its settings and the list of offices it delivers to."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

import requests
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from webapp.civic.http import Timeouts, make_session
from webapp.civic.sync import load_source
from webapp.database import write_transaction
from webapp.delivery.cwc import DEFAULT_TIMEOUTS, CwcSettings, cwc_settings_from_config
from webapp.delivery.cwc_fields import BIOGUIDE_RE
from webapp.models import CivicDataset, SenateCwcOffice

log = logging.getLogger(__name__)

DEFAULT_URL = "https://soapbox.senate.gov"
DATASET = "senate_cwc"  # the CivicDataset row that dates the stored office list
# SOAPBox paths, kept in one place: the message, a dry run, and the active office list.
MESSAGE_PATH = "/api/messages/"
VALIDATE_PATH = "/api/testing-messages/"
OFFICES_PATH = "/api/active_offices/"
_ID_KEYS = ("bioguide_id", "bioguide", "office_code", "member_office", "id")


class OfficeListError(ValueError):
    """An office list could not be read; the message says which line or why."""


def senate_settings_from_config(config: Mapping[str, Any]) -> CwcSettings | None:
    """Senate CWC settings, or None when SENATE_CWC_API_KEY is unset (Senate CWC off)."""
    settings = cwc_settings_from_config(config, "SENATE_CWC_", DEFAULT_URL)
    if settings is None:
        return None
    return replace(
        settings, message_path=MESSAGE_PATH, validate_path=VALIDATE_PATH, system="Senate CWC"
    )


def parse_office_lines(text: str) -> frozenset[str]:
    """One bioguide ID a line; blank lines and # comments ignored; anything else is an error."""
    found = set()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip().upper()
        if not line:
            continue
        if not BIOGUIDE_RE.fullmatch(line):
            raise OfficeListError(f"line {number} is not a bioguide ID like S000033: {line[:20]!r}")
        found.add(line)
    return frozenset(found)


def parse_active_offices(payload: Any) -> frozenset[str]:
    """The system's own list: IDs as strings or objects, bare or under "offices"/"results"."""
    if isinstance(payload, dict):
        payload = payload.get("offices", payload.get("results"))
    if not isinstance(payload, list):
        raise OfficeListError("the office list is not a JSON list")
    found = set()
    for item in payload:
        if isinstance(item, dict):
            item = next((item[k] for k in _ID_KEYS if isinstance(item.get(k), str)), None)
        code = str(item or "").strip().upper()
        if BIOGUIDE_RE.fullmatch(code):
            found.add(code)
    return frozenset(found)


def fetch_active_offices(
    settings: CwcSettings,
    timeouts: Timeouts = DEFAULT_TIMEOUTS,
    session: requests.Session | None = None,
) -> frozenset[str] | None:
    """Ask the Senate system for its office list; None when it offers none (or none today)."""
    proxy = settings.proxy_url
    try:
        with session or make_session() as http:
            response = http.get(
                f"{settings.base_url}{OFFICES_PATH}",
                params={"apikey": settings.api_key},
                timeout=timeouts.as_tuple(),
                allow_redirects=False,
                proxies={"http": proxy, "https": proxy} if proxy else None,
            )
    except requests.RequestException as exc:  # its text carries the URL, and so the key
        log.warning("Senate CWC office list unreachable (%s)", type(exc).__name__)
        return None
    if response.status_code != 200:
        log.warning("Senate CWC office list answered HTTP %s", response.status_code)
        return None
    try:
        offices = parse_active_offices(response.json())
    except (ValueError, json.JSONDecodeError):
        log.warning("Senate CWC office list was not a list of offices")
        return None
    return offices or None


def read_office_list(
    config: Mapping[str, Any], timeouts: Timeouts
) -> tuple[frozenset[str], str] | None:
    """The active list and where it came from: the Senate system when it offers one, else the
    SENATE_CWC_OFFICES file or URL; None when neither is there.

    Raises OfficeListError, OSError or UpstreamError when the configured file cannot be read.
    """
    settings = senate_settings_from_config(config)
    if settings is not None:
        offices = fetch_active_offices(settings, timeouts)
        if offices is not None:
            return offices, f"{settings.base_url}{OFFICES_PATH}"
    location = str(config.get("SENATE_CWC_OFFICES") or "").strip()
    if not location:
        return None
    data, _guessed = load_source(location, timeouts, DATASET)
    return parse_office_lines(data.decode("utf-8-sig")), location


def store_office_list(
    session: Session, offices: frozenset[str], source: str, now: datetime
) -> None:
    """Replace the stored list in one transaction and date it."""
    with write_transaction(session):
        session.execute(delete(SenateCwcOffice))
        session.add_all(SenateCwcOffice(bioguide_id=code, synced_at=now) for code in offices)
        dataset = session.get(CivicDataset, DATASET)
        if dataset is None:
            dataset = CivicDataset(name=DATASET)
            session.add(dataset)
        dataset.source = source
        dataset.snapshot_date = now.date().isoformat()
        dataset.synced_at = now
        dataset.last_attempt_at = now
        dataset.record_count = len(offices)
        dataset.last_error = None


def senate_offices(session: Session) -> frozenset[str]:
    """Bioguide IDs of the senators whose offices take Senate CWC, as last synced."""
    return frozenset(session.scalars(select(SenateCwcOffice.bioguide_id)))


def senate_list_date(session: Session) -> str | None:
    dataset = session.get(CivicDataset, DATASET)
    return dataset.snapshot_date if dataset else None
