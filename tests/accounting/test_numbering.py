"""The unbroken numbering per kind and civil year: 1, 2, 3… never twice, never a hole, a
rollback gives its number back; on PostgreSQL many transactions at once get 1..N exactly."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from festival.accounting import numbering
from festival.accounting.models import CounterKind, DocumentCounter
from festival.extensions import db

KIND = CounterKind.DONATION_RECEIPT


def take(year: int) -> int:
    db.session.execute(select(1))  # inside a transaction, as a payment's unit of work is
    return numbering.next_number(KIND, year)


def test_numbers_follow_each_other_per_year(ctx):
    assert [take(2026) for _ in range(3)] == [1, 2, 3]
    assert take(2027) == 1  # a new civil year starts again at 1
    assert numbering.last_number(KIND, 2026) == 3
    assert numbering.last_number(KIND, 2025) == 0
    assert len(db.session.scalars(select(DocumentCounter)).all()) == 2


def test_a_rolled_back_number_is_given_again(ctx):
    assert take(2026) == 1
    db.session.commit()
    assert take(2026) == 2
    db.session.rollback()  # the document that took 2 was never stored: 2 is still free
    assert take(2026) == 2


def test_numbering_needs_a_transaction(ctx):
    db.session.commit()
    db.session.close()
    with pytest.raises(RuntimeError):
        numbering.next_number(KIND, 2026)


def test_concurrent_transactions_get_one_to_n_exactly(app, postgres):
    """Twelve transactions take a number of a year that has none yet (the counter's row is
    created by whichever comes first) at the same moment; three of them
    roll back. The committed ones have 1..9 with neither hole nor repeat."""
    workers, failing = 12, {2, 5, 9}
    barrier = threading.Barrier(workers)
    taken: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(n: int) -> None:
        try:
            with app.app_context():
                try:
                    db.session.execute(select(1))  # inside a transaction, as a payment is
                    barrier.wait(timeout=30)
                    number = numbering.next_number(KIND, 2031)
                    if n in failing:
                        db.session.rollback()
                        return
                    db.session.commit()
                    with lock:
                        taken.append(number)
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(taken) == list(range(1, workers - len(failing) + 1))
    with app.app_context():
        assert numbering.last_number(KIND, 2031) == workers - len(failing)
