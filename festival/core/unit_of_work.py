"""Where transactions end: one unit of work per request, per command, per batch of a loop.

Views, services and commands never commit or roll back. A request's work is committed once,
here, when its view returns an answer below 400; it is rolled back when the view raises or
answers 400 or more (a refused form, a 404, a 409 or a 422 from the API), or when the view
declared the request refused (`refuse_request`, after a service said no). Work queued with
`after_commit` (a call to Stripe, a mail kick) runs only once the commit has succeeded, and
is dropped on a rollback. Commands take `@with_unit_of_work`; the long-running loops end a
batch or a message with `with transaction():`.

When the session has no transaction (the scan at the door runs on its own autocommit engine,
see checkin.services._alone), there is nothing to commit and no transaction is begun.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, g, has_request_context
from sqlalchemy import event, select
from werkzeug.wrappers import Response

from festival.extensions import db, session_in_transaction

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

AFTER_COMMIT = "after_commit"     # db.session.info: callables waiting for the commit
_OPEN = "unit_of_work_open"       # g: the request's unit of work has not ended yet
_REFUSED = "unit_of_work_refused"  # g: the request was refused; nothing of it is committed
_WROTE = "wrote"                  # db.session.info: the transaction has written something


@event.listens_for(db.session, "after_flush")
def _flushed(session, context) -> None:
    session.info[_WROTE] = True


@event.listens_for(db.session, "do_orm_execute")
def _executed(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(db.session, "after_transaction_end")
def _ended(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the current unit of work has committed; never if it rolls back.
    A callback that writes does so in a transaction of its own (`with transaction():`)."""
    db.session.info.setdefault(AFTER_COMMIT, []).append(callback)


def lock_row(model: type[T], row_id: int) -> T | None:
    """The row, re-read under a row lock (PostgreSQL: SELECT … FOR UPDATE) so that
    concurrent changes queue; the caller re-checks its state on what this returns and only
    then changes it. Pending changes are flushed first, so the re-read keeps them. None when
    there is no such row.

    Like pretix's lock_objects, it refuses to run outside a transaction (RuntimeError): the
    lock lasts until the caller's commit, so the caller must already be inside the unit of
    work that ends with it, having read or written something since its last commit or
    rollback. SQLAlchemy would otherwise begin a transaction silently at this SELECT, and the
    lock would last until whoever commits next."""
    if not session_in_transaction():
        raise RuntimeError(f"locking a {model.__name__} needs a transaction")
    db.session.flush()
    return db.session.scalar(select(model).where(model.id == row_id)
                             .with_for_update().execution_options(populate_existing=True))


def refuse_request() -> None:
    """A service refused what this request asked: roll back what it did, and commit
    nothing of the request (the page may still answer 200 or redirect, with a message)."""
    if has_request_context():
        setattr(g, _REFUSED, True)
    _roll_back()


def request_refused() -> bool:
    """Whether this request's work was rolled back rather than committed (so far)."""
    return bool(g.get(_REFUSED))


def _commit() -> None:
    if session_in_transaction():
        db.session.commit()
    if db.session.registry.has():
        for callback in db.session.info.pop(AFTER_COMMIT, []):
            callback()


def _roll_back() -> None:
    if db.session.registry.has():
        db.session.info.pop(AFTER_COMMIT, None)
        if db.session().in_transaction():
            db.session.rollback()


@contextmanager
def transaction() -> Iterator[None]:
    """One short transaction outside a request's unit of work: a batch or a message of a
    long-running loop, a command, work after a request's commit, the audit's entry of a
    refused action. Commits at the end of the block, rolls back if it raises."""
    if has_request_context() and g.get(_OPEN) and (
            db.session.info.get(_WROTE) or db.session.new or db.session.dirty
            or db.session.deleted):
        # Within a request, only a read path's side step may end early what it read (the
        # dashboards settle their counts, then read in one snapshot): never a view's writes.
        raise RuntimeError("transaction() after a request's own writes: the request's "
                           "commit ends its work")
    try:
        yield
    except BaseException:
        _roll_back()
        raise
    _commit()


def with_unit_of_work(command: F) -> F:
    """For click commands: commit what the command did if it returns, roll back if it fails
    (an exception, or sys.exit)."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        with transaction():
            return command(*args, **kwargs)
    return run  # type: ignore[return-value]


class AfterCommit:
    """A view's answer that can only be made once the request's work is committed (the
    Stripe Checkout address of an order just created: the order must be safe before Stripe
    is called). The unit of work commits, then calls `make` for the response; `make` writes,
    if it writes, in a transaction of its own."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self.make = make


def on_commit(app: Flask, hook: Callable[[Response], None]) -> None:
    """Register `hook(response)`, run just before a request's commit, in its transaction (the
    audit adds its entry there)."""
    app.extensions.setdefault("unit_of_work", []).append(hook)


def _process(app: Flask, dispatch: Callable[[], Any]) -> Response:
    # `g` lives on the application context, which a request may share with the one around
    # it (a test's, a command's): a request starts unrefused whatever came before it.
    g.pop(_REFUSED, None)
    setattr(g, _OPEN, True)
    try:
        answer = dispatch()
        later = answer if isinstance(answer, AfterCommit) else None
        response = app.make_response(answer) if later is None else Response(status=200)
    except BaseException:
        setattr(g, _OPEN, False)
        setattr(g, _REFUSED, True)
        _roll_back()
        raise
    if response.status_code >= 400 or request_refused():
        setattr(g, _OPEN, False)
        setattr(g, _REFUSED, True)
        _roll_back()
        return response
    for hook in app.extensions.get("unit_of_work", ()):
        hook(response)
    setattr(g, _OPEN, False)
    _commit()
    return response if later is None else app.make_response(later.make())


def init_unit_of_work(app: Flask) -> None:
    """Every view of `app` runs in one unit of work (Indico's RH.process)."""
    dispatch = app.dispatch_request
    app.dispatch_request = functools.partial(_process, app, dispatch)  # type: ignore[method-assign]
