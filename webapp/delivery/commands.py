"""`flask outbox ...`: run the worker, retry waiting or dead letters, counts, office packets."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from pathlib import Path
from types import FrameType

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.database import db, utcnow
from webapp.delivery.channel_health import ChannelTrouble, failing_everywhere
from webapp.delivery.outbox import status_counts
from webapp.delivery.outcomes import retry_dead, retry_now
from webapp.delivery.packet_pdf import write_packet_pdf
from webapp.delivery.packets import mark_packet_sent, packet_csv, packets
from webapp.delivery.post import PostClient, post_settings_from_config
from webapp.delivery.post_tracking import refresh_tracking
from webapp.delivery.readiness import warn_without_public_url
from webapp.delivery.worker import Worker
from webapp.models import Campaign, Delivery, Notification
from webapp.services.worker_status import database_now, heartbeats, is_sending
from webapp.startup_checks import check_for_worker

outbox_cli = AppGroup("outbox", help="Deliver letters: worker, retries, packets.")


def _campaign_id(slug: str | None) -> int | None:
    if slug is None:
        return None
    campaign_id = db.session.scalar(select(Campaign.id).where(Campaign.slug == slug))
    if campaign_id is None:
        raise click.ClickException(f"no campaign with slug {slug!r}")
    return campaign_id


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Exit when nothing is due instead of waiting.")
@click.option("--batch", type=click.IntRange(1, 1000), help="Rows claimed per round.")
@click.option("--worker-id", help="Name on claimed rows (default host:pid:thread).")
def work_command(once: bool, batch: int | None, worker_id: str | None) -> None:
    """Send due deliveries and supporter emails until stopped (SIGTERM/SIGINT finish the row)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
    # Before any row is claimed: on an old schema every send fails, and under a master key that
    # opens no supporter's data key every waiting letter would be marked dead.
    if not app.config["TESTING"] and not check_for_worker(app, stop, once):
        return
    worker = Worker(app, worker_id)
    if batch:
        worker.batch_size = batch
    warn_without_public_url(app.config)
    click.echo(f"outbox worker {worker.worker_id} started")
    report = worker.run(once=once, stop=stop)
    click.echo(
        f"claimed {report.claimed}, sent {report.sent}, failed {report.failed}, "
        f"dead {report.dead}, taken over {report.taken_over}, "
        f"waiting for their channel {report.waiting}"
    )


@outbox_cli.command("retry")
@click.option("--campaign", "slug", help="Only this campaign's letters.")
def retry_command(slug: str | None) -> None:
    """Send waiting (failed) deliveries and supporter emails now, not after their backoff:
    after mending a relay, a key or an endpoint. Dead ones need `retry-dead`."""
    count = retry_now(db.session(), utcnow(), _campaign_id(slug))
    click.echo(f"{count} waiting row(s) due now")


@outbox_cli.command("retry-dead")
@click.option("--campaign", "slug", help="Only this campaign's letters.")
def retry_dead_command(slug: str | None) -> None:
    """Give dead deliveries and supporter emails a fresh set of attempts."""
    count = retry_dead(db.session(), utcnow(), _campaign_id(slug))
    click.echo(f"{count} dead row(s) queued again")


@outbox_cli.command("status")
def status_command() -> None:
    """Counts by status: deliveries, then supporter emails; whether letters are being sent, as
    the dashboard judges it; then each worker's last heartbeat."""
    for label, model in (("deliveries", Delivery), ("supporter emails", Notification)):
        counts = status_counts(db.session(), model)
        summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
        click.echo(f"{label}: {summary}")
    for trouble in failing_everywhere(db.session(), utcnow()):
        click.echo(_trouble_line(trouble))
    now = database_now(db.session())  # the clock the heartbeats were written by
    rows = heartbeats(db.session())
    if not rows:
        click.echo("workers: none seen; start one with `flask outbox work`")
    fresh = [row for row in rows if is_sending(row, now)]
    if fresh:
        click.echo(f"sending: {len(fresh)} worker(s) active")
    elif rows:
        # The rows of workers stopped earlier stay a day (PRUNE_AFTER): read alone, a list of
        # them said nothing of whether any letter goes now.
        last, since = rows[0], _duration(now - rows[0].seen_at)
        gone = (
            f"the last worker stopped {since} ago"
            if last.stopped_at
            else f"no worker seen for {since}"
        )
        click.echo(
            f"NOT SENDING: {gone}; letters and emails wait (none is lost) until one runs: "
            "`flask outbox work`"
        )
    for row in rows:
        ago = now - row.seen_at
        # A worker halted for its master key writes no heartbeat either: silent is not sending,
        # whether it died or is halted; its log says which.
        if row.stopped_at is not None:
            state = f"stopped {_duration(ago)} ago"
        elif is_sending(row, now):
            state = "active"
        else:
            state = f"not sending, silent for {_duration(ago)}"
        finished = f"{row.round_at:%Y-%m-%d %H:%M:%S} UTC" if row.round_at else "none yet"
        click.echo(
            f"worker {row.worker_id}: {state}; last seen {row.seen_at:%Y-%m-%d %H:%M:%S} UTC "
            f"({int(ago.total_seconds())} s ago), started {row.started_at:%Y-%m-%d %H:%M:%S} UTC, "
            f"last round {finished}"
        )


def _trouble_line(trouble: ChannelTrouble) -> str:
    """A failing channel as the dashboard's box says it: an outage of the relay that only
    supporters' emails met showed nowhere, while no receipt went out."""
    when = f"last failure {trouble.failed_at:%Y-%m-%d %H:%M:%S} UTC ({trouble.reason.value})"
    if trouble.next_try is not None:
        when += f", next try {trouble.next_try:%Y-%m-%d %H:%M:%S} UTC"
    if trouble.supporter_emails:
        what = (
            "SUPPORTER EMAILS NOT GOING OUT: our mail relay is failing; supporters' receipts "
            "are not going out, nor the emails that ask them to confirm their letters"
        )
    else:
        what = f"CHANNEL FAILING: {trouble.channel.value}; its letters wait, in every campaign"
    return f"{what}; {when}. Once mended, `flask outbox retry` sends them at once"


def _duration(span: timedelta) -> str:
    """A wait in the largest whole unit that reads at a glance: 40 s, 3 min, 2 h 5 min."""
    seconds = max(0, int(span.total_seconds()))
    if seconds < 120:
        return f"{seconds} s"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


@outbox_cli.command("track")
def track_command() -> None:
    """Ask the postal service where each posted letter still on its way is (webhooks do too)."""
    settings = post_settings_from_config(current_app.config)
    if settings is None:
        raise click.ClickException("POST_API_KEY is not set")
    moved = refresh_tracking(db.session(), PostClient(settings), utcnow())
    click.echo(f"{moved} posted letter(s) moved on")


@outbox_cli.command("packets")
@click.option("--campaign", "slug", help="Only this campaign's letters.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), required=True)
@click.option("--mark-sent", is_flag=True, help="Record the written letters as delivered by hand.")
def packets_command(slug: str | None, out_dir: str, mark_sent: bool) -> None:
    """Write one PDF, one printable HTML page and one CSV per office that has no channel."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written: list[int] = []
    campaign_id = _campaign_id(slug)
    for packet in packets(db.session(), campaign_id):
        stem = packet.recipient_key.replace(":", "-")
        (folder / f"{stem}.html").write_text(
            render_template("delivery/packet.html", packet=packet), encoding="utf-8"
        )
        (folder / f"{stem}.csv").write_text(packet_csv(packet), encoding="utf-8")
        with (folder / f"{stem}.pdf").open("wb") as pdf:
            write_packet_pdf(db.session(), packet, pdf, campaign_id)
        written.extend(d.id for d in packet.deliveries)
        click.echo(f"{packet.name}: {len(packet.deliveries)} letter(s)")
    if mark_sent and written:
        click.echo(f"marked {mark_packet_sent(db.session(), written, utcnow())} as delivered")
