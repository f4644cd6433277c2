"""Registers every command group on the app (`flask --help` lists them)."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade

from webapp.campaigns.commands import campaigns_cli
from webapp.campaigns.services import ensure_default_campaign
from webapp.civic.commands import civic_cli
from webapp.database import db


def setup_database() -> None:
    """Upgrade the schema to the newest migration and import the default campaign if absent."""
    upgrade()
    configured = current_app.config["DEFAULT_CAMPAIGN_FILE"]
    result = ensure_default_campaign(db.session(), Path(configured) if configured else None)
    if result is not None:
        click.echo(f"imported the default campaign {result.slug!r}")


def register_cli(app: Flask) -> None:
    app.cli.add_command(campaigns_cli)
    app.cli.add_command(civic_cli)

    @app.cli.command("setup")
    def setup_command() -> None:
        """Migrate the database and import the default campaign if it is missing."""
        setup_database()
