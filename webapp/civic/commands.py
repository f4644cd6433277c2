"""`flask civic ...`: sync members of Congress and the ZIP table, and show what is loaded."""

from __future__ import annotations

import re
import time
from collections import Counter
from datetime import date, datetime

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from webapp.civic.census import ordinal
from webapp.civic.legislators import PROVIDER as LEGISLATORS
from webapp.civic.loading import (
    LOAD_ERRORS,
    civic_timeouts,
    invalidate_lookup,
    load_roster,
    record_failed_load,
)
from webapp.civic.roster_diff import RosterDiff, Seat
from webapp.civic.sync import load_source
from webapp.civic.zips import ZIP_DATASET, parse_zip_districts, sync_zip_districts
from webapp.database import db, utcnow
from webapp.delivery.senate import DATASET as SENATE_DATASET
from webapp.delivery.senate import read_office_list, store_office_list
from webapp.models import CivicDataset
from webapp.services.changeover import apply_changeover, changeover_deps
from webapp.services.civic_status import CivicStatus, civic_status

civic_cli = AppGroup("civic", help="Sync civic datasets (members of Congress, ZIP table).")


def _snapshot_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise ValueError(value)
        return date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date in the form YYYY-MM-DD") from exc


snapshot_option = click.option(
    "--snapshot-date",
    metavar="YYYY-MM-DD",
    callback=_snapshot_date,
    help="Date of the data (YYYY-MM-DD); default: Last-Modified of the URL or the file's date.",
)


def _print_diff(diff: RosterDiff, snapshot: str | None, location: str) -> None:
    click.echo(
        f"loaded {diff.loaded} members of Congress (snapshot {snapshot or 'unknown'}) "
        f"from {location}"
    )
    if diff.first_sync:
        click.echo("first sync: members are not listed as added; vacancies are recorded")
    for change in [*diff.added, *diff.removed, *diff.seat_changed]:
        click.echo(change.describe())
    new = Counter(diff.new_vacancies)
    for seat in diff.vacancies:
        fresh = new[seat] > 0 and not diff.first_sync
        new[seat] -= 1
        click.echo(f"vacant: {seat.label()}" + (" (new since the last sync)" if fresh else ""))
    if diff.letters_followed or diff.letters_kept:
        click.echo(
            f"letters waiting for members whose contact details changed: {diff.letters_followed} "
            f"now go to the new details, {diff.letters_kept} keep the old ones (being sent, or "
            "the way of delivery would change)"
        )
    if not diff.recorded:
        click.echo("no roster changes since the last sync")
        return
    click.echo(f"recorded {diff.recorded} roster change(s)")
    affected = ", ".join(diff.affected_campaigns) or "none"
    click.echo(f"affects live campaigns: {affected}")


@civic_cli.command("sync")
@click.option("--from", "source", metavar="URL_OR_PATH", help="Members file (.json or .yaml).")
@click.option("--offices-from", metavar="URL_OR_PATH", help="District offices file (optional).")
@snapshot_option
def sync_command(source: str | None, offices_from: str | None, snapshot_date: str | None) -> None:
    """Load the current members of Congress and print what changed since the last sync.

    Then letters not yet delivered to members who left office are re-targeted or held, as the
    delivery worker does after its own daily sync.
    """
    sync_roster(source, offices_from, snapshot_date)
    deps = changeover_deps(current_app.extensions["civic_lookup"], current_app.config)
    report = apply_changeover(db.session(), deps, utcnow())
    if report.outcomes or report.restored:
        click.echo(
            f"letters to members who left office: {report.retargeted} re-targeted to the "
            f"seat's new member, {report.held} held for the organisers, {report.restored} sent on"
        )


def sync_roster(source: str | None, offices_from: str | None, snapshot_date: str | None) -> None:
    """Load members (default: LEGISLATORS_URL) and print the diff; DatasetLoadError on failure."""
    diff = load_roster(source, offices_from, snapshot_date, utcnow())
    _print_diff(diff, diff.snapshot_date, diff.source)
    sync_senate_offices()


def sync_senate_offices() -> None:
    """Refresh the Senate CWC office list when Senate CWC or an office list is configured."""
    config = current_app.config
    now = utcnow()
    try:
        found = read_office_list(config, civic_timeouts())
    except LOAD_ERRORS as exc:
        record_failed_load(
            SENATE_DATASET, str(config["SENATE_CWC_OFFICES"]), "the Senate CWC offices", exc, now
        )
    if found is None:
        if config["SENATE_CWC_API_KEY"]:
            click.echo(
                "warning: the Senate CWC system offered no office list and SENATE_CWC_OFFICES "
                "is not set: every senator gets a web-form hand-off",
                err=True,
            )
        return
    offices, source = found
    store_office_list(db.session(), offices, source, now)
    click.echo(f"Senate CWC: {len(offices)} office(s) on the active list (from {source})")


@civic_cli.command("sync-zips")
@click.option("--from", "source", metavar="URL_OR_PATH", help="ZIP table (zccd.csv format).")
@click.option(
    "--congress",
    type=click.IntRange(1, 999),
    help="The Congress whose districts the table describes; default: ZIP_DISTRICTS_CONGRESS.",
)
@snapshot_option
def sync_zips_command(source: str | None, congress: int | None, snapshot_date: str | None) -> None:
    """Replace the ZIP -> congressional district table."""
    sync_zips(source, snapshot_date, congress)


def sync_zips(source: str | None, snapshot_date: str | None, congress: int | None = None) -> None:
    """Load the ZIP table (default: ZIP_DISTRICTS_URL); DatasetLoadError on failure."""
    location = source or str(current_app.config["ZIP_DISTRICTS_URL"])
    congress = congress or int(current_app.config["ZIP_DISTRICTS_CONGRESS"])
    try:
        data, guessed = load_source(location, civic_timeouts(), ZIP_DATASET)
        rows = parse_zip_districts(data)
    except LOAD_ERRORS as exc:
        record_failed_load(ZIP_DATASET, location, "the ZIP table", exc)
    snapshot = snapshot_date or guessed
    started = time.perf_counter()
    try:
        count = sync_zip_districts(db.session(), rows, location, snapshot, utcnow(), congress)
    except SQLAlchemyError as exc:
        record_failed_load(ZIP_DATASET, location, "the ZIP table", exc)
    elapsed = time.perf_counter() - started
    invalidate_lookup()
    per_zip = Counter(zcta for zcta, _, _ in rows)
    spanning = sum(1 for districts in per_zip.values() if districts > 1)
    click.echo(
        f"loaded {count:,} ZIP rows: {len(per_zip):,} ZIPs, {spanning:,} in more than one "
        f"district of the {ordinal(congress)} Congress (snapshot {snapshot or 'unknown'}) "
        f"from {location} in {elapsed:.1f}s"
    )


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "never"


@civic_cli.command("status")
def status_command() -> None:
    """Show each civic dataset: snapshot date, last sync, row count and last error."""
    stored = {d.name: d for d in db.session.scalars(db.select(CivicDataset))}
    status = civic_status(db.session(), current_app.config, utcnow())
    seated = status.seated
    pinned = " (CIVIC_CONGRESS)" if status.pinned else ""
    click.echo(f"seated: the {ordinal(seated)} Congress{pinned}")
    maps = status.maps
    click.echo(
        f"maps: Census vintage {maps.vintage} ({maps.layers.split(',')[0]})"
        if maps
        else "maps: none known for this Congress (set CENSUS_VINTAGE and CENSUS_LAYERS)"
    )
    for name in sorted({LEGISLATORS, ZIP_DATASET, *stored}):
        dataset = stored.get(name)
        if dataset is None:
            click.echo(f"{name}: never synced")
            continue
        click.echo(
            f"{name}: {dataset.record_count:,} records, snapshot "
            f"{dataset.snapshot_date or 'unknown'}, synced {_when(dataset.synced_at)}"
        )
        click.echo(f"  source: {dataset.source or 'unknown'}")
        of = f"the {ordinal(dataset.congress)} Congress" if dataset.congress else "unknown"
        flag = "" if dataset.congress == seated else " (not the seated Congress)"
        click.echo(f"  describes: {of}{flag}")
        previous = (dataset.details or {}).get("previous")
        if isinstance(previous, dict) and previous.get("congress"):
            click.echo(
                f"  previous Congress: the {ordinal(int(previous['congress']))}, "
                f"snapshot {previous.get('snapshot_date') or 'unknown'}"
            )
        if dataset.last_error:
            click.echo(f"  last error ({_when(dataset.last_attempt_at)}): {dataset.last_error}")
    _print_changes(status)


def _print_changes(status: CivicStatus) -> None:
    if status.last_sync is not None:
        click.echo(
            f"last roster sync ({_when(status.last_sync)}): {len(status.left)} left, "
            f"{len(status.arrived)} arrived, {len(status.moved)} changed seat, "
            f"{len(status.vacant)} vacant"
        )
        for kind, changes in (
            ("left", status.left),
            ("arrived", status.arrived),
            ("changed seat", status.moved),
            ("vacant", status.vacant),
        ):
            for change in changes:
                seat = Seat(change.chamber, change.state, change.district)
                who = f"{change.name} " if change.name else ""  # a vacant seat: nobody
                click.echo(f"  {kind}: {who}({seat.label()})")
    click.echo(f"letters held for the organisers (their member left office): {status.held}")
