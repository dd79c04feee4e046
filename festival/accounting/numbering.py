"""Gapless numbering: each kind of document has its own unbroken sequence per civil year.

The counter row of (kind, year) is created once (INSERT … ON CONFLICT DO NOTHING: two first
documents of a year at the same moment both end up on the one row), then moved under its row
lock (core.unit_of_work.lock_row: SELECT … FOR UPDATE on PostgreSQL), in the transaction that
stores the document. Concurrent payments queue on that lock, so no number is given twice; a
rollback takes the number back with the document, so none is skipped; and a document once
stored is never deleted, so none is reused. The lock is held until the caller's commit: keep
what follows it short.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from festival.accounting.models import CounterKind, DocumentCounter
from festival.core.unit_of_work import lock_row
from festival.extensions import db, session_in_transaction


def _insert_counter(kind: CounterKind, year: int) -> None:
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    db.session.execute(dialect.insert(DocumentCounter)
                       .values(kind=kind.value, year=year, last_number=0)
                       .on_conflict_do_nothing(index_elements=["kind", "year"]))


def next_number(kind: CounterKind, year: int) -> int:
    """The next number of `kind` in `year` (1 for the year's first), taken under the
    counter's row lock. RuntimeError outside a transaction: the number must be stored with
    its document, in the transaction that took it."""
    if not session_in_transaction():
        raise RuntimeError("numbering a document needs a transaction")
    db.session.flush()
    counter_id = db.session.scalar(select(DocumentCounter.id).where(
        DocumentCounter.kind == kind, DocumentCounter.year == year))
    if counter_id is None:
        _insert_counter(kind, year)
        counter_id = db.session.scalar(select(DocumentCounter.id).where(
            DocumentCounter.kind == kind, DocumentCounter.year == year))
    counter = lock_row(DocumentCounter, counter_id)
    counter.last_number += 1
    db.session.flush()
    return counter.last_number


def last_number(kind: CounterKind, year: int) -> int:
    """How many numbers of `kind` were given in `year` (0 when none)."""
    return db.session.scalar(select(DocumentCounter.last_number).where(
        DocumentCounter.kind == kind, DocumentCounter.year == year)) or 0
