"""`flask --app festival orders …`: the expiry sweep."""
from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

from festival.core.loop import run_every
from festival.extensions import db
from festival.ticketing.orders import expire_due

orders_cli = AppGroup("orders", help="Ticket orders.")
log = logging.getLogger("festival.ticketing")


def expire_once() -> int:
    """Expire every pending order past its hold, in batches; returns how many."""
    total = 0
    while True:
        count = expire_due()
        db.session.commit()
        total += count
        if count == 0:
            return total


@orders_cli.command("expire")
@click.option("--loop", is_flag=True, help="Keep running, sweeping at every interval.")
@click.option("--interval", type=click.FloatRange(1, 3600), default=60.0, show_default=True,
              help="Seconds between two sweeps (with --loop).")
def expire_command(loop: bool, interval: float) -> None:
    """Expire the pending orders whose 30-minute hold is over and free their tickets.
    Safe to run on several machines at once (the rows are claimed with SKIP LOCKED)."""
    if not loop:
        click.echo(_expired(expire_once()))
        return

    def sweep() -> str | None:
        count = expire_once()
        return _expired(count) if count else None
    run_every(interval, sweep, name="Expiry sweep", log=log)


def _expired(count: int) -> str:
    return f"Expired {count} order{'s' if count != 1 else ''}."
