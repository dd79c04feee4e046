"""`flask --app festival privacy purge`: the retention period, applied."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from festival.core.unit_of_work import with_unit_of_work
from festival.privacy.services import purge
from festival.questions.services import purge_sensitive

privacy_cli = AppGroup("privacy", help="Personal data: the retention purge.")


@privacy_cli.command("purge")
@click.option("--months", type=click.IntRange(1, 120), default=None,
              help="Retention in months (default: PRIVACY_RETENTION_MONTHS, 13).")
@click.option("--dry-run", is_flag=True, help="List what would change, change nothing.")
@with_unit_of_work
def purge_command(months: int | None, dry_run: bool) -> None:
    """Anonymise the attendees of editions closed for longer than the retention period, and
    erase the answers about health or access SENSITIVE_ANSWERS_DAYS after the festival."""
    months = months or current_app.config["PRIVACY_RETENTION_MONTHS"]
    due = purge(months, dry_run=dry_run)
    answers = purge_sensitive(dry_run=dry_run)
    days = current_app.config["SENSITIVE_ANSWERS_DAYS"]
    for order in due:
        click.echo(f"  {order.edition.year}  {order.code}  {order.status.value}")
    if dry_run:  # purge changed nothing
        click.echo(f"Dry run: {len(due)} order(s) would be anonymised (retention {months} months).")
        click.echo(f"Dry run: {answers} health or access answer(s) would be erased "
                   f"({days} days after the festival).")
    else:
        click.echo(f"{len(due)} order(s) anonymised (retention {months} months).")
        click.echo(f"{answers} health or access answer(s) erased ({days} days after the "
                   "festival).")
