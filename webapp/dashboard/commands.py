"""`flask organisers ...`: create and list organiser accounts, and sign one out everywhere."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.database import db, utcnow, write_transaction
from webapp.extensions import limiter
from webapp.models import AuditAction, Organiser, Role
from webapp.services.organisers import (
    AccountError,
    audit,
    create_organiser,
    end_sessions,
    find_organiser,
)

organisers_cli = AppGroup("organisers", help="Organiser accounts (admins and partners).")


@organisers_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--partner", "partner_code", help="Partner code (partner accounts only).")
@click.option("--name", help="Display name.")
@click.option(
    "--password", envvar="ORGANISER_PASSWORD", help="Default: prompt, or generate with --generate."
)
@click.option("--generate", is_flag=True, help="Generate a strong password and print it once.")
def create_command(
    email: str,
    role: str,
    partner_code: str | None,
    name: str | None,
    password: str | None,
    generate: bool,
) -> None:
    """Create an organiser account."""
    if generate:
        password = secrets.token_urlsafe(18)
    secret: str = password or click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        organiser = create_organiser(
            db.session(), email, secret, Role(role), partner_code, utcnow(), name
        )
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    partner = f" for partner {organiser.partner_code}" if organiser.partner_code else ""
    click.echo(f"created {organiser.role.value} account {organiser.email}{partner}")
    if generate:
        click.echo(f"password (shown once): {secret}")


@organisers_cli.command("list")
def list_command() -> None:
    for o in db.session.scalars(select(Organiser).order_by(Organiser.email)):
        state = "active" if o.active else "disabled"
        click.echo(f"{o.email}\t{o.role.value}\t{o.partner_code or '-'}\t{state}")


@organisers_cli.command("end-sessions")
@click.argument("email")
def end_sessions_command(email: str) -> None:
    """Sign an account out of every browser (a lost laptop, a leaked cookie, a departure)."""
    organiser = find_organiser(db.session(), email)
    if organiser is None:
        raise click.ClickException(f"no account for {email.strip().casefold()}")
    end_sessions(db.session(), organiser, utcnow())
    click.echo(f"ended every session of {organiser.email}")


@organisers_cli.command("unlock")
@click.argument("email")
def unlock_command(email: str) -> None:
    """Lift the sign-in pause after too many failed attempts with EMAIL (account or not)."""
    config = current_app.config
    if not config["RATELIMIT_ENABLED"]:
        raise click.ClickException("rate limits are off (RATELIMIT_ENABLED): nothing is paused")
    if str(config["RATELIMIT_STORAGE_URI"]).startswith("memory://"):
        # Each server process counts in its own memory: this command cannot reach them.
        raise click.ClickException(
            "the limits are counted in each server process's memory "
            "(RATELIMIT_STORAGE_URI=memory://): restart the server to lift the pause"
        )
    key = email.strip().casefold()
    limit = str(config["LOGIN_FAILURE_RATE_LIMIT"])
    limiter.clear(current_app._get_current_object(), limit, key, "dashboard.login")  # type: ignore[attr-defined]
    session = db.session()
    with write_transaction(session):
        audit(
            session,
            None,
            AuditAction.ACCOUNT_SIGN_IN_UNPAUSED,
            utcnow(),
            email=key,
            by="command line",
        )
    click.echo(f"{key} may try to sign in again")
