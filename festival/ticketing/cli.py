"""`flask --app festival orders …`: the expiry sweep."""
from __future__ import annotations

import logging
import signal
import threading

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from festival.extensions import db

orders_cli = AppGroup("orders", help="Ticket orders.")
log = logging.getLogger("festival.ticketing")


def expire_once() -> int:
    """Expire every pending order past its hold, in batches; returns how many."""
    from festival.ticketing.orders import expire_due
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
        count = expire_once()
        click.echo(f"Expired {count} order{'s' if count != 1 else ''}.")
        return
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"Expiry sweep running (every {interval:g} s); stop with Ctrl-C or SIGTERM.")
    try:
        while not stop.is_set():
            try:
                count = expire_once()
            except SQLAlchemyError as error:  # the database restarting: try again next time
                db.session.rollback()
                log.error("expiry sweep: database error, trying again: %s", error)
            else:
                if count:
                    click.echo(f"Expired {count} order{'s' if count != 1 else ''}.")
            db.session.remove()
            stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo("Expiry sweep stopped.")
