"""`flask --app festival waitlist sweep`: offer the seats that came back to the people
waiting, and close the offers past their time. The expiry loop (`flask orders expire
--loop`) runs the same sweep after each round, so production needs nothing more."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from festival.core.unit_of_work import transaction
from festival.waitlist.services import sweep

waitlist_cli = AppGroup("waitlist", help="The waiting lists of sold-out tickets.")


def sweep_once() -> tuple[int, int]:
    """One sweep in its own transaction: (offers expired, offers made)."""
    with transaction():
        return sweep()


@waitlist_cli.command("sweep")
def sweep_command() -> None:
    """Close the offers past their time, then offer the free seats in joining order."""
    expired, made = sweep_once()
    click.echo(f"Offers expired: {expired}; offers made: {made}.")
