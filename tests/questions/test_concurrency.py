"""An organiser changing a question while a buyer answers it, on PostgreSQL: the change
waits for the buyer's order and then sees its answers, so that no answer is left pointing at
an option removed meanwhile, nor deleted with its question."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from festival.core.errors import DomainError
from festival.editions.models import Edition
from festival.extensions import db
from festival.questions import services
from festival.questions.models import Answer, Question
from festival.ticketing import orders
from tests.questions.test_services import ACCESS
from tests.ticketing.conftest import make_edition, make_type


def _remove_an_option(question):
    services.update_question(question, dict(ACCESS, options=[
        {"label": {"fr": "Chien guide"}}, ACCESS["options"][0]]))  # "Fauteuil roulant" goes


@pytest.mark.parametrize("change", [_remove_an_option, services.delete_question])
def test_a_question_changed_while_a_buyer_answers_it_waits_for_the_answers(app, postgres,
                                                                            change):
    with app.app_context():
        edition = make_edition()
        type_id = make_type(edition).id
        question_id = services.create_question(edition, ACCESS).id
        db.session.commit()
        edition_id = edition.id

    outcome: dict = {}

    def organiser() -> None:
        try:
            with app.app_context():
                try:
                    change(db.session.get(Question, question_id))
                    db.session.commit()
                    outcome["result"] = "changed"
                except DomainError as error:
                    db.session.rollback()
                    outcome["result"] = error.code
                finally:
                    db.session.remove()
        except BaseException as error:  # noqa: BLE001 (reported below)
            outcome["error"] = error

    with app.app_context():
        # The buyer's order: its answers checked and kept, not yet committed.
        orders.create_order(db.session.get(Edition, edition_id), buyer_name="Amina",
                            email="amina@example.fr", terms_accepted=True,
                            items=[orders.Item(type_id, 1, ["Amina"],
                                               answers=[{question_id: "o2"}])])
        thread = threading.Thread(target=organiser, daemon=True)
        thread.start()
        thread.join(3)  # without a lock the change would be done by now
        db.session.commit()
        db.session.remove()
    thread.join(60)
    assert not thread.is_alive()
    assert outcome.get("result") in ("validation_failed", "question_answered"), outcome
    with app.app_context():
        question = db.session.get(Question, question_id)
        assert question is not None and "o2" in question.option_keys()
        assert db.session.scalar(select(func.count(Answer.id))) == 1
