"""`flask --app festival mail schedule`: queue in the outbox what the rules say is due now,
and the volunteers' shift reminders (once, or with --loop until stopped). Sending stays the
sender's job (`mail send`)."""
from __future__ import annotations

import logging
from datetime import datetime

import click
from flask.cli import with_appcontext

from festival.core.loop import run_every
from festival.core.timeutil import utcnow
from festival.core.unit_of_work import transaction
from festival.outreach.schedule import BATCH_SIZE, due_work, schedule_occasion
from festival.volunteers import pairing, reminders

log = logging.getLogger("festival.outreach")


def schedule_due(now: datetime, echo=click.echo, limit: int = BATCH_SIZE) -> dict[str, int]:
    """Queue everything due at `now`, one transaction per batch; a line per rule occasion
    that queued something. Returns the count queued per batch name."""
    with transaction():
        work = due_work(now)
    done: dict[str, int] = {}
    for item in work:
        total = 0
        while True:
            with transaction():
                queued, seen = schedule_occasion(item, now, limit)
            total += queued
            if seen < limit:
                break
            if total:
                echo(f"{item.batch}: {total} queued so far…")
        done[item.batch] = total
        if total:
            echo(f"{item.batch} ({item.kind.value}, {item.occasion.key}): "
                 f"{total} message{'s' if total != 1 else ''} queued.")
    done.update(schedule_shift_reminders(now, echo, limit))
    return done


def schedule_shift_reminders(now: datetime, echo=click.echo,
                             limit: int = BATCH_SIZE) -> dict[str, int]:
    """The volunteers' shift reminders due at `now`, one transaction per batch; and the
    phones paired for shifts now over stop scanning."""
    with transaction():
        pairing.end_pairings(now)
    total = 0
    while True:
        with transaction():
            queued = reminders.queue_due(now, limit)
        total += queued
        if queued < limit:
            break
    if not total:
        return {}
    echo(f"Volunteer shift reminders: {total} queued.")
    return {reminders.BATCH_PREFIX: total}


@click.command("schedule")
@click.option("--loop", is_flag=True, help="Keep running, queueing what becomes due.")
@click.option("--interval", type=click.FloatRange(1, 3600), default=60.0, show_default=True,
              help="Seconds between two looks at the rules (with --loop).")
@with_appcontext
def schedule_command(loop: bool, interval: float) -> None:
    """Queue the automatic messages (reminders, thank-you, announcements) due now."""
    if loop:
        def step() -> str | None:
            done = schedule_due(utcnow())
            total = sum(done.values())
            return f"Queued {total} automatic message(s)." if total else None
        run_every(interval, step, name="Message scheduler", log=log, survive_any_error=True)
        return
    done = schedule_due(utcnow())
    total = sum(done.values())
    click.echo(f"Queued {total} automatic message{'s' if total != 1 else ''} "
               f"({len(done)} rule occasion{'s' if len(done) != 1 else ''} due).")
