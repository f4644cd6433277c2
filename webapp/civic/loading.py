"""Loading civic datasets from a URL or file: the members of Congress and their offices."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from webapp.civic.http import Timeouts, timeouts_from_config
from webapp.civic.legislators import PROVIDER as LEGISLATORS
from webapp.civic.legislators import DistrictOffice, parse_district_offices, parse_legislators
from webapp.civic.roster_diff import RosterDiff
from webapp.civic.sync import load_source, record_sync_failure, sync_officials
from webapp.civic.types import UpstreamError
from webapp.database import db, utcnow
from webapp.services.member_corrections import roster_follower

# What a bad download or file raises: network (UpstreamError), file system, parse errors.
LOAD_ERRORS = (UpstreamError, OSError, ValueError)
OFFICES_FILE = "legislators-district-offices"


def civic_timeouts() -> Timeouts:
    """Network time limits for downloads, from the settings."""
    return timeouts_from_config(current_app.config)


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def _file_name(location: str) -> str:
    """The last path part: parse errors name it, the location itself is said once already."""
    return location.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1] or location


class DatasetLoadError(click.ClickException):
    """A dataset could not be downloaded, read or stored; the attempt is already recorded."""


def record_failed_load(
    dataset: str, location: str, what: str, exc: Exception, now: datetime | None = None
) -> NoReturn:
    """Record the failed attempt for `flask civic status`, then raise with a clear message."""
    record_sync_failure(db.session(), dataset, location, str(exc), now or utcnow())
    raise DatasetLoadError(f"could not load {what} from {location}: {exc}")


def _offices_location(source: str | None, offices_from: str | None) -> str | None:
    if offices_from:
        return offices_from
    if source is None or _is_url(source):
        return str(current_app.config["LEGISLATORS_OFFICES_URL"])
    # A local members file usually sits beside its offices file, as in the upstream repository.
    members = Path(source)
    for suffix in dict.fromkeys([members.suffix, ".json", ".yaml", ".yml"]):
        candidate = members.with_name(OFFICES_FILE + suffix)
        if suffix and candidate.is_file():
            return str(candidate)
    return None


def _load_offices(location: str | None) -> dict[str, list[DistrictOffice]] | None:
    """District offices are optional: on any failure warn and keep the stored ones."""
    if location is None:
        click.echo("warning: no district offices file found; stored offices are kept", err=True)
        return None
    try:
        data, _ = load_source(location, civic_timeouts(), LEGISLATORS)
        return parse_district_offices(data, _file_name(location))
    except LOAD_ERRORS as exc:
        click.echo(
            f"warning: district offices not loaded from {location}: {exc}; stored offices are kept",
            err=True,
        )
        return None


def load_roster(
    source: str | None, offices_from: str | None, snapshot_date: str | None, now: datetime
) -> RosterDiff:
    """Load members (default: LEGISLATORS_URL) and return the diff; DatasetLoadError on failure.

    Letters waiting for a sitting member whose contact details changed follow them
    (services/member_corrections.py); those to members who left are the changeover's.

    The delivery worker calls this once a day; a failed attempt is recorded for `civic status`.
    """
    location = source or str(current_app.config["LEGISLATORS_URL"])
    try:
        data, guessed = load_source(location, civic_timeouts(), LEGISLATORS)
        records = parse_legislators(data, _file_name(location))
    except LOAD_ERRORS as exc:
        record_failed_load(LEGISLATORS, location, "the members of Congress", exc, now)
    offices = _load_offices(_offices_location(source, offices_from))
    snapshot = snapshot_date or guessed
    try:
        follow = roster_follower(current_app.config)
        diff = sync_officials(db.session(), records, offices, snapshot, location, now, follow)
    except SQLAlchemyError as exc:
        record_failed_load(LEGISLATORS, location, "the members of Congress", exc, now)
    invalidate_lookup()
    diff.snapshot_date, diff.source = snapshot, location
    return diff


def invalidate_lookup() -> None:
    """The civic lookup reads the tables again on its next use: a load has just changed them."""
    lookup = current_app.extensions.get("civic_lookup")
    if lookup is not None:
        lookup.invalidate()
