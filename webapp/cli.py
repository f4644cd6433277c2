"""Registers every command group on the app (`flask --help` lists them)."""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import select

from webapp.campaigns.commands import campaigns_cli
from webapp.campaigns.services import ensure_default_campaign
from webapp.civic.commands import civic_cli, sync_roster, sync_zips
from webapp.civic.loading import DatasetLoadError
from webapp.dashboard.commands import organisers_cli
from webapp.database import db
from webapp.delivery.check import delivery_cli
from webapp.delivery.commands import outbox_cli
from webapp.models import Official, ZipDistrict
from webapp.services.supporter_commands import supporters_cli
from webapp.startup_checks import check_database

log = logging.getLogger(__name__)


def setup_database() -> None:
    """Upgrade the schema to the newest migration and import the default campaign if absent."""
    upgrade()
    if not current_app.config["TESTING"]:
        # Before anything is written under it: a key that opens none of the supporters' data
        # keys stops here (python -m webapp.bootstrap, `make run`, `flask setup`).
        check_database(current_app._get_current_object())  # type: ignore[attr-defined]
    configured = current_app.config["DEFAULT_CAMPAIGN_FILE"]
    result = ensure_default_campaign(db.session(), Path(configured) if configured else None)
    if result is not None:
        click.echo(f"imported the default campaign {result.slug!r}")
    if current_app.config["CIVIC_SYNC_ON_START"]:
        load_missing_civic_data()


def load_missing_civic_data() -> None:
    """Download the roster and ZIP table if never loaded; the app serves either way."""
    session = db.session()
    roster_missing = session.scalar(select(Official.id).limit(1)) is None
    zips_missing = session.scalar(select(ZipDistrict.zip_code).limit(1)) is None
    # Each download may take seconds: no read transaction stays open across them (on SQLite it
    # would hold the WAL back, so a checkpoint would wait busy_timeout).
    session.commit()
    if roster_missing:
        try:
            sync_roster(None, None, None)
        except DatasetLoadError as exc:
            log.warning(
                "%s. Supporters see only fixed targets until `flask civic sync` succeeds.",
                exc.message,
            )
    if zips_missing:
        try:
            sync_zips(None, None)
        except DatasetLoadError as exc:
            log.warning(
                "%s. ZIP codes cannot be matched to districts until `flask civic "
                "sync-zips` succeeds; street addresses still can.",
                exc.message,
            )


def register_cli(app: Flask) -> None:
    app.cli.add_command(campaigns_cli)
    app.cli.add_command(outbox_cli)
    app.cli.add_command(delivery_cli)
    app.cli.add_command(organisers_cli)
    app.cli.add_command(supporters_cli)
    app.cli.add_command(civic_cli)

    @app.cli.command("setup")
    def setup_command() -> None:
        """Migrate the database and import the default campaign if it is missing."""
        setup_database()
