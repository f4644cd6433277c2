"""`flask delivery check SLUG`: the channel map as a table, failing when an office has no
working channel, for organisers to run before launch and from cron."""

from __future__ import annotations

import sys
from collections.abc import Mapping

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.database import db
from webapp.delivery.channel_map import CHANNEL_NAMES, Mark, OfficeChannel, channel_map
from webapp.delivery.channels import reach_from_config
from webapp.delivery.readiness import (
    ChannelState,
    Readiness,
    channel_states,
    letters_readiness,
    public_url_problem,
    relay_problem,
    worker_refuses,
)
from webapp.delivery.senate import senate_list_date, senate_offices
from webapp.models import Campaign, Channel
from webapp.services.delivery_tallies import live_statuses

delivery_cli = AppGroup("delivery", help="Check how letters reach each office.")

WORKER_REFUSES = (
    "the outbox worker refuses to start while a channel's settings are broken (above): "
    "no letter and no supporter email is sent on any channel until they are fixed"
)


def _when(row: OfficeChannel) -> str:
    ok = row.last_success.strftime("%Y-%m-%d %H:%M UTC") if row.last_success else "-"
    bad = row.last_failure.strftime("%Y-%m-%d %H:%M UTC") if row.last_failure else "-"
    return f"last ok {ok}, last failure {bad}" + (" (recovered)" if row.recovered else "")


def _state_line(channel: Channel, state: ChannelState) -> str:
    name = CHANNEL_NAMES[channel]
    if state.readiness is Readiness.ON:
        return f"{name}: on" + (f" ({state.detail})" if state.detail else "")
    return f"{name}: {state.readiness.value} — {state.detail}"


def _held_up(row: OfficeChannel, states: Mapping[Channel, ChannelState]) -> str | None:
    """Why this office's letters are not sent however it fares: the settings, not the office."""
    state = states.get(row.route.channel)
    if state is None:  # a hand-off or a packet: no worker carries it
        return None
    if worker_refuses(states):
        return "not sent: the outbox worker refuses to start (see 'problem:' above)"
    if state.readiness is Readiness.OFF:
        return f"waiting: {state.detail}"
    return None


def print_map(rows: list[OfficeChannel], states: Mapping[Channel, ChannelState]) -> None:
    for row in rows:
        limit = f"form limit {row.form_limit:,} characters" if row.form_limit else ""
        counts = ", ".join(f"{k} {v}" for k, v in sorted(row.statuses.items())) or "no letters"
        click.echo(f"{row.mark.value.upper():5} {row.name} [{row.key}]: {row.channel_name}")
        click.echo(f"      why: {row.route.reason}" + (f"; {limit}" if limit else ""))
        if held_up := _held_up(row, states):
            click.echo(f"      {held_up}")
        click.echo(f"      letters: {counts}; {_when(row)}")
        if row.postal_stop is not None:
            when = row.postal_stop.checked_at.strftime("%Y-%m-%d")
            click.echo(
                f"      posting stopped: the postal service refused this office's address "
                f"(checked {when}: {row.postal_stop.reason}); correct it in the campaign file"
            )
        if row.last_error and row.mark is Mark.RED:
            click.echo(f"      last error: {row.last_error[:300]}")


def _print_channels(
    states: Mapping[Channel, ChannelState], offices: int, listed: str | None
) -> None:
    """One line a sending channel: on (and where), off or broken, and why."""
    for channel, state in states.items():
        line = _state_line(channel, state)
        if channel is Channel.SENATE_CWC and state.readiness is Readiness.ON:
            line += f", {offices} office(s) listed" + (
                f" (list of {listed})" if listed else " (never synced: run `flask civic sync`)"
            )
        click.echo(line)


@delivery_cli.command("check")
@click.argument("slug")
@click.option(
    "--problems",
    is_flag=True,
    help="List only red and amber offices; the totals and the exit status still count them all.",
)
def check_command(slug: str, problems: bool) -> None:
    """Print each channel's settings, then each office's channel and why; exit 1 when an office
    has no working channel or a setting stops letters."""
    session = db.session()
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise click.ClickException(f"no campaign {slug!r}")
    config = current_app.config
    reach = reach_from_config(config, senate_offices(session))
    states = channel_states(config)
    _print_channels(states, len(reach.senate_offices), senate_list_date(session))
    trouble = [WORKER_REFUSES] if worker_refuses(states) else []
    trouble += [problem] if (problem := public_url_problem(config)) else []
    trouble += [problem] if (problem := relay_problem(config, states)) else []
    for line in trouble:
        click.echo(f"problem: {line}")
    # A command waits for its answer: counted now, as the tallies count them, but stored
    # nowhere: a check run from cron by a read-only account must not need the write lock.
    counts = live_statuses(session, campaign.id)
    rows = channel_map(session, campaign, reach, letters_readiness(states), counts)
    print_map([r for r in rows if r.mark is not Mark.GREEN] if problems else rows, states)
    marks = {mark: sum(1 for r in rows if r.mark is mark) for mark in Mark}
    click.echo(
        f"{len(rows)} office(s): {marks[Mark.GREEN]} green, {marks[Mark.AMBER]} amber "
        f"(waits for someone: a hand-off, or email waiting for SMTP_URL), {marks[Mark.RED]} red"
    )
    if marks[Mark.AMBER] or marks[Mark.RED]:
        click.echo("some offices have no working channel (see amber and red above)", err=True)
    if trouble:
        click.echo(f"{len(trouble)} settings problem(s) (see 'problem:' above)", err=True)
    if marks[Mark.AMBER] or marks[Mark.RED] or trouble:
        sys.exit(1)
