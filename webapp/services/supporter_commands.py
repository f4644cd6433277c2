"""`flask supporters ...`: a supporter's data on request (export, erase) and timed retention."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from webapp.database import db, utcnow
from webapp.services.reply_survey import stop_contact
from webapp.services.supporter_export import export_supporter, find_supporter
from webapp.services.supporters import erase_supporter, purge_personal_text, rotate_master_key

supporters_cli = AppGroup(
    "supporters", help="Supporters' data: export, erase, no follow-ups, retention, key rotation."
)


@supporters_cli.command("export")
@click.argument("email")
def export_command(email: str) -> None:
    """Print everything stored about the supporter with this email address, as JSON."""
    data = export_supporter(db.session(), email)
    if data is None:
        raise click.ClickException("no supporter with that email address")
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


@supporters_cli.command("erase")
@click.argument("email")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def erase_command(email: str, yes: bool) -> None:
    """Delete the supporter and every letter, receipt and consent of theirs (counts remain)."""
    if not yes:
        click.confirm(f"Erase everything about {email}? This cannot be undone", abort=True)
    letters = erase_supporter(db.session(), email)
    # A mistyped address must not read as done: the organiser would tell the supporter so.
    if letters is None:
        raise click.ClickException("no supporter with that email address")
    click.echo(f"erased the supporter and {letters} letter(s)")


@supporters_cli.command("no-contact")
@click.argument("email")
def no_contact_command(email: str) -> None:
    """Send this supporter no more follow-up emails (the replies survey), as if they had
    pressed its unsubscribe link; receipts of letters they write still go."""
    supporter = find_supporter(db.session(), email)
    if supporter is None:
        raise click.ClickException("no supporter with that email address")
    stop_contact(db.session(), supporter, utcnow())
    click.echo("no more follow-up emails will be sent to this supporter")


@supporters_cli.command("purge")
def purge_command() -> None:
    """Remove personal text and street addresses older than RETENTION_DAYS after delivery."""
    days = int(current_app.config["RETENTION_DAYS"])
    count = purge_personal_text(db.session(), utcnow(), days)
    click.echo(f"removed personal text from {count} letter(s) delivered over {days} days ago")


@supporters_cli.command("rotate-key")
def rotate_key_command() -> None:
    """Re-wrap every supporter's data key under DATA_ENCRYPTION_KEY (old key in
    DATA_ENCRYPTION_PREVIOUS_KEY); afterwards the old key can be destroyed."""
    if not current_app.config["DATA_ENCRYPTION_PREVIOUS_KEY"]:
        raise click.ClickException(
            "set DATA_ENCRYPTION_PREVIOUS_KEY to the old key and DATA_ENCRYPTION_KEY to the new"
        )
    count = rotate_master_key(db.session())
    click.echo(f"re-wrapped {count} supporter key(s) under the new DATA_ENCRYPTION_KEY")
