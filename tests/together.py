"""Requests racing each other, as the PostgreSQL tests run them, each in a thread of its own
with its own session: released together (`race`), or one holding its lock while the other
waits for it (`one_waiting_on_the_other`)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import text

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


def lock_wait(app, timeout: float = 10.0) -> bool:
    """Whether another connection of the test database is waiting on a lock (PostgreSQL's
    pg_stat_activity, polled)."""
    deadline = time.monotonic() + timeout
    with app.app_context(), db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'")).scalar()
            conn.rollback()
            if waiting:
                return True
            time.sleep(0.05)
    return False


def one_waiting_on_the_other(app, first: Callable[[], object],
                             second: Callable[[], object]) -> tuple[object, object]:
    """`first` runs in its own request and keeps its transaction open until `second`, started
    after it, is seen waiting for a lock; then `first` commits and `second` goes on. Returns
    what each action returned (committed), or its DomainError's code (rolled back), or the
    repr of anything else."""
    holding, release = threading.Event(), threading.Event()
    results: list[object] = [None, None]

    def run(index: int, action, hold: bool) -> None:
        with app.app_context():
            try:
                result = action()
                if hold:  # keep the lock until the other is seen waiting for it
                    holding.set()
                    release.wait(2 * TIMEOUT)
                db.session.commit()
                results[index] = result
            except DomainError as error:
                db.session.rollback()
                results[index] = error.code
            except BaseException as error:  # noqa: BLE001 (reported by the caller's assertion)
                results[index] = repr(error)
            finally:
                holding.set()
                db.session.remove()

    threads = [threading.Thread(target=run, args=(0, first, True), daemon=True),
               threading.Thread(target=run, args=(1, second, False), daemon=True)]
    threads[0].start()
    assert holding.wait(2 * TIMEOUT), "the first request never got its lock"
    threads[1].start()
    waited = lock_wait(app)
    release.set()
    for thread in threads:
        thread.join(2 * TIMEOUT)
    assert waited, "the second request never waited for the first one's lock"
    return results[0], results[1]
