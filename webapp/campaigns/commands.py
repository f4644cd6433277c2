"""`flask campaigns ...`: import, export, list and check campaigns."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from webapp.campaigns.fileformat import CampaignFileError
from webapp.campaigns.services import export_campaign, read_campaign_file, stored_problems
from webapp.dashboard.campaign_changes import save_campaign
from webapp.database import db, utcnow
from webapp.delivery.channels import reach_from_config
from webapp.models import AuditAction, Campaign, Submission

campaigns_cli = AppGroup("campaigns", help="Import, export, list and check campaigns.")


@campaigns_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def import_command(paths: tuple[str, ...]) -> None:
    """Import campaign files; re-importing updates a campaign and keeps its letters. As the
    dashboard's import does: audited, and a corrected office's waiting letters follow it."""
    failed = False
    reach = reach_from_config(current_app.config)
    for raw in paths:
        try:
            spec = read_campaign_file(Path(raw).read_text(encoding="utf-8"), origin=raw)
            imported = AuditAction.CAMPAIGN_IMPORTED
            result = save_campaign(db.session(), spec, None, imported, utcnow(), reach=reach)
        except CampaignFileError as exc:
            failed = True
            click.echo(f"{exc.origin}: not imported:", err=True)
            for problem in exc.problems:
                click.echo(f"  - {problem}", err=True)
            continue
        verb = "created" if result.created else "updated"
        click.echo(
            f"{result.slug}: {verb} ({result.targets_added} target(s) added, "
            f"{result.targets_removed} removed)"
        )
        if result.letters_followed or result.letters_kept:
            click.echo(
                f"  letters waiting for a corrected office: {result.letters_followed} now go to "
                f"its corrected details, {result.letters_kept} keep the old (their channel "
                "would change)"
            )
    if failed:
        raise SystemExit(1)


@campaigns_cli.command("export")
@click.argument("slug")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="File to write (default stdout)."
)
def export_command(slug: str, output: str | None) -> None:
    """Write a campaign out as a campaign file."""
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise click.ClickException(f"no campaign with slug {slug!r}")
    text = export_campaign(campaign)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)


@campaigns_cli.command("list")
def list_command() -> None:
    """List campaigns with their status and letter count."""
    rows = db.session.execute(
        select(Campaign.slug, Campaign.status, func.count(Submission.id))
        .outerjoin(Submission, Submission.campaign_id == Campaign.id)
        .group_by(Campaign.id)
        .order_by(Campaign.slug)
    )
    for slug, status, count in rows:
        click.echo(f"{slug}\t{status.value}\t{count} letter(s)")


@campaigns_cli.command("check")
def check_command() -> None:
    """Check every stored campaign as its file would be checked on import; exit 1 if one fails.
    Run it after an upgrade: a campaign saved before a check was added still takes letters (a
    merge filter that cannot be filled in is left out of them) until it is corrected."""
    failed = False
    for campaign in db.session.scalars(select(Campaign).order_by(Campaign.slug)):
        problems = stored_problems(campaign)
        if not problems:
            click.echo(f"{campaign.slug}: passes")
            continue
        failed = True
        click.echo(f"{campaign.slug}: {len(problems)} problem(s); correct them in the editor:")
        for problem in problems:
            click.echo(f"  - {problem}")
    if failed:
        raise SystemExit(1)
