"""Requests racing each other, as the PostgreSQL tests run them: each in a thread of its own,
with its own session, released together."""
from __future__ import annotations

import threading
from collections.abc import Callable

from festival.core.errors import DomainError
from festival.extensions import db

TIMEOUT = 30  # seconds a thread waits for the others at the start line


def race(app, actions: list[Callable[..., object]], *, ready: bool = False) -> list[str]:
    """Run each action in its own thread and application context, all starting at once; each
    thread commits when its action returns ("ok"), rolls back on a DomainError (its code) and
    reports anything else (its repr). Returns the outcomes, sorted.

    With `ready=True` an action takes a `ready` callable: it loads what it needs, calls
    `ready()` (every thread waits there for the others), then does its work, so the rows are
    read before the race as a request would have read them."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[str] = []

    def run(action) -> None:
        with app.app_context():
            try:
                if ready:
                    action(lambda: barrier.wait(timeout=TIMEOUT))
                else:
                    barrier.wait(timeout=TIMEOUT)
                    action()
                db.session.commit()
                outcomes.append("ok")
            except DomainError as error:
                db.session.rollback()
                outcomes.append(error.code)
            except BaseException as error:  # noqa: BLE001 (reported by the caller's assertion)
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(action,), daemon=True) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(2 * TIMEOUT)
    return sorted(outcomes)
