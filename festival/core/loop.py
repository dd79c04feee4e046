"""The `--loop` of the long-running commands (mail sender, expiry sweep)."""
from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

import click
from sqlalchemy.exc import SQLAlchemyError

from festival.core.unit_of_work import transaction
from festival.extensions import db


def run_every(interval: float, step: Callable[[], str | None], *, name: str,
              log: logging.Logger, survive_any_error: bool = False) -> None:
    """Run `step` every `interval` seconds until SIGTERM or Ctrl-C, printing what it returns
    (when not empty). A database error (the database restarting) is logged and rolled back and
    the next round tries again; with `survive_any_error`, any other error too, so that the
    process stays alive. `name` ("Mail sender") appears in the messages."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    click.echo(f"{name} running (every {interval:g} s); stop with Ctrl-C or SIGTERM.")
    try:
        while not stop.is_set():
            try:
                with transaction():  # what a step left uncommitted, or rolled back
                    said = step()
            except SQLAlchemyError as error:
                log.error("%s: database error, trying again: %s", name.lower(), error)
            except Exception:
                if not survive_any_error:
                    raise
                log.exception("%s: unexpected error, trying again", name.lower())
            else:
                if said:
                    click.echo(said)
            db.session.remove()
            stop.wait(interval)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"{name} stopped.")
