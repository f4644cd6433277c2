"""`flask delivery check SLUG`: the channel map as a table, failing when an office has no
working channel, for organisers to run before launch and from cron."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.database import db
from webapp.delivery.channel_map import Mark, OfficeChannel, channel_map
from webapp.delivery.channels import reach_from_config
from webapp.delivery.senate import senate_list_date, senate_offices
from webapp.models import Campaign

delivery_cli = AppGroup("delivery", help="Check how letters reach each office.")


def _when(row: OfficeChannel) -> str:
    ok = row.last_success.strftime("%Y-%m-%d %H:%M UTC") if row.last_success else "-"
    bad = row.last_failure.strftime("%Y-%m-%d %H:%M UTC") if row.last_failure else "-"
    return f"last ok {ok}, last failure {bad}" + (" (recovered)" if row.recovered else "")


def print_map(rows: list[OfficeChannel]) -> None:
    for row in rows:
        limit = f"form limit {row.form_limit:,} characters" if row.form_limit else ""
        counts = ", ".join(f"{k} {v}" for k, v in sorted(row.statuses.items())) or "no letters"
        click.echo(f"{row.mark.value.upper():5} {row.name} [{row.key}]: {row.channel_name}")
        click.echo(f"      why: {row.route.reason}" + (f"; {limit}" if limit else ""))
        click.echo(f"      letters: {counts}; {_when(row)}")
        if row.postal_stop is not None:
            when = row.postal_stop.checked_at.strftime("%Y-%m-%d")
            click.echo(
                f"      posting stopped: the postal service refused this office's address "
                f"(checked {when}: {row.postal_stop.reason}); correct it in the campaign file"
            )
        if row.last_error and row.mark is Mark.RED:
            click.echo(f"      last error: {row.last_error[:300]}")


@delivery_cli.command("check")
@click.argument("slug")
def check_command(slug: str) -> None:
    """Print each office's channel and why; exit 1 when an office has no working channel."""
    session = db.session()
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise click.ClickException(f"no campaign {slug!r}")
    config = current_app.config
    reach = reach_from_config(config, senate_offices(session))
    listed = senate_list_date(session)
    click.echo(
        f"House CWC: {'on' if reach.house else 'off'}; Senate CWC: "
        f"{'on' if reach.senate else 'off'}, {len(reach.senate_offices)} office(s) listed"
        + (f" (list of {listed})" if listed else " (never synced: run `flask civic sync`)")
    )
    rows = channel_map(session, campaign, reach)
    print_map(rows)
    marks = {mark: sum(1 for r in rows if r.mark is mark) for mark in Mark}
    click.echo(
        f"{len(rows)} office(s): {marks[Mark.GREEN]} green, {marks[Mark.AMBER]} amber "
        f"(hand-off only), {marks[Mark.RED]} red"
    )
    if marks[Mark.AMBER] or marks[Mark.RED]:
        click.echo("some offices have no working channel (see amber and red above)", err=True)
        sys.exit(1)
