"""`flask --app festival orders …`: the expiry sweep; `… quotas check`: the seat counters."""
from __future__ import annotations

import logging
import sys

import click
from flask.cli import AppGroup

from festival.core.loop import run_every
from festival.core.unit_of_work import transaction
from festival.seats.services import release_no_shows
from festival.ticketing import quotas
from festival.ticketing.checkout import close_cancelled_checkouts, record_provider_fees
from festival.ticketing.orders import expire_due
from festival.waitlist.cli import sweep_once

orders_cli = AppGroup("orders", help="Ticket orders.")
quotas_cli = AppGroup("quotas", help="Ticket quotas.")
log = logging.getLogger("festival.ticketing")


def expire_once() -> int:
    """Expire every pending order past its hold, in batches; returns how many. Then close
    the Checkout Sessions of cancelled orders that were not closed at cancel time, run
    the waiting lists' sweep (waitlist.services.sweep), release the session seats nobody
    came for (seats.services.release_no_shows) and read the fees of the recent online payments
    (checkout.record_provider_fees)."""
    total = 0
    while True:
        with transaction():  # one batch
            count = expire_due()
        total += count
        if count == 0:
            break
    close_cancelled_checkouts()
    # Seats that came back (expiry, cancel, refund, a larger quota) go to the waiting lists.
    sweep_once()
    # Seats reserved in sessions and not used ten minutes after the start go back.
    with transaction():
        release_no_shows()
    # What Stripe kept of the recent payments, for the treasurer's books.
    record_provider_fees()
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


@quotas_cli.command("check")
@click.option("--fix", is_flag=True, help="Set each counter that differs to the seats held "
                                          "(recorded in the audit log).")
def check_command(fix: bool) -> None:
    """Compare each quota's counter with the seats its orders hold (valid tickets of pending
    and paid orders) and list every difference. Exit code 1 when one differs (with --fix:
    when one could not be fixed), 0 otherwise."""
    with transaction():  # what it fixed stays, whatever the exit code says
        found, left = quotas.fix_drift() if fix else (quotas.drift(), [])
    for drift in found:
        click.echo(_line(drift) + (" (fixed)" if fix else ""))
    for drift in left:
        click.echo(_line(drift) + " (not fixed: more seats held than the quota's size; "
                                  "make the quota larger first)")
    if not found and not left:
        click.echo("Every quota counts the seats its orders hold.")
    if left or (found and not fix):
        sys.exit(1)


def _line(drift) -> str:
    name = (f"“{drift.ticket_type}”" if drift.ticket_type is not None
            else f"venue capacity on {drift.day.isoformat()}")
    return (f"{drift.edition_year} {name} (quota #{drift.quota_id}, size {drift.size}): "
            f"counter {drift.counted}, seats held {drift.held}")
