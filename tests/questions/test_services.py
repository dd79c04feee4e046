"""Questions at checkout: the organisers' rules, answers checked and kept with the order,
following a hand-over, erased with the person and after the festival."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.core.errors import DomainError, ValidationError
from festival.editions.days import festival_days
from festival.extensions import db
from festival.privacy import services as privacy
from festival.questions import services
from festival.questions.models import Answer, QuestionKind
from festival.ticketing import changes, orders
from festival.ticketing.orders import Item
from tests.ticketing.conftest import edition, make_type  # noqa: F401 (edition: the fixture)

ACCESS = {"texts": {"fr": "Besoins d'accès ?", "en": "Access needs?", "ar": "احتياجات الوصول؟"},
          "kind": "choice", "scope": "ticket", "is_required": True, "is_sensitive": True,
          "options": [{"label": {"fr": "Aucun", "en": "None"}},
                      {"label": {"fr": "Fauteuil roulant", "en": "Wheelchair"}},
                      {"label": {"fr": "Boucle magnétique", "en": "Hearing loop"}}]}
MEMBER = {"texts": {"fr": "Votre association ?"}, "kind": "text", "scope": "order"}
DINNER = {"texts": {"fr": "Dîner végétarien ?"}, "kind": "yes_no", "scope": "ticket",
          "is_required": True}


def _order(edition, items, answers=None, **kw):
    return orders.create_order(edition, buyer_name="Amina Tazi", email="amina@example.fr",
                               items=items, terms_accepted=True, answers=answers, **kw)


def _answers(order) -> dict:
    return {(a.ticket_id, a.question_id): a.value for a in db.session.scalars(
        select(Answer).where(Answer.order_id == order.id))}


def test_options_keep_their_keys_when_edited(edition):
    question = services.create_question(edition, ACCESS)
    keys = question.option_keys()
    assert keys == ["o1", "o2", "o3"]
    changed = dict(ACCESS, options=[
        {"label": {"fr": "Boucle magnétique", "en": "Hearing loop"}},   # moved up
        {"label": {"fr": "Fauteuil roulant (électrique)"}},               # corrected in place
        {"label": {"fr": "Aucun"}}, {"label": {"fr": "Chien guide"}}])    # moved, new
    services.update_question(question, changed)
    assert question.option_keys() == ["o3", "o2", "o1", "o4"]


@pytest.mark.parametrize("data, field", [
    ({**MEMBER, "texts": {"en": "Only English"}}, "text_fr"),
    ({**MEMBER, "kind": "essay"}, "kind"),
    ({**MEMBER, "scope": "family"}, "scope"),
    ({**ACCESS, "options": [{"label": {"fr": "Seule"}}]}, "options"),
    ({**ACCESS, "options": [{"label": {"fr": "A"}}, {"label": {"fr": "A"}}]}, "options"),
    ({**ACCESS, "options": [{"label": {"fr": "x"}}] * 30}, "options"),
    ({**MEMBER, "ticket_type_ids": [999999]}, "ticket_type_ids"),
    ({**MEMBER, "texts": {"fr": "x" * 301}}, "text_fr"),
    ({**MEMBER, "texts": {"fr": "Votre \u202eassociation"}}, "text_fr"),  # shown reversed
])
def test_a_bad_question_is_refused_on_its_field(edition, data, field):
    with pytest.raises(ValidationError) as refused:
        services.create_question(edition, data)
    assert field in refused.value.fields


def test_answers_are_checked_kept_and_read_back_in_the_readers_language(edition):
    pass_, child = make_type(edition, "Pass"), make_type(edition, "Enfant", price=0)
    access = services.create_question(edition, {**ACCESS, "ticket_type_ids": [pass_.id]})
    member = services.create_question(edition, MEMBER)
    items = [Item(pass_.id, 2, ["Amina", "Brahim"], answers=[{access.id: "o2"}, {}]),
             Item(child.id, 1)]
    with pytest.raises(ValidationError) as refused:
        _order(edition, items, {member.id: "Tafraout Solidarité"})
    assert list(refused.value.fields) == [f"items.0.answers.2.{access.id}"]  # not the child's
    items[0].answers[1] = {str(access.id): "o9"}
    with pytest.raises(ValidationError) as refused:
        _order(edition, items)
    assert refused.value.fields[f"items.0.answers.2.{access.id}"] == [
        "Choose one of the options."]
    items[0].answers[1] = {access.id: "o1"}
    order = _order(edition, items, {member.id: "  Tafraout Solidarité "})
    first, second = order.tickets[0].id, order.tickets[1].id
    assert _answers(order) == {(first, access.id): "o2", (second, access.id): "o1",
                               (None, member.id): "Tafraout Solidarité"}
    shown = services.answers_of(order, "en")
    assert [(s.text, s.answer) for s in shown.tickets[first]] == [
        ("Access needs?", "Wheelchair")]
    assert [(s.text, s.answer) for s in shown.order] == [
        ("Votre association ?", "Tafraout Solidarité")]  # French when not written in English


def test_yes_no_and_the_box_office_which_need_not_answer(edition):
    dinner = services.create_question(edition, DINNER)
    ticket_type = make_type(edition)
    with pytest.raises(ValidationError) as refused:
        _order(edition, [Item(ticket_type.id, 1, ["Amina"], answers=[{dinner.id: "maybe"}])])
    assert refused.value.fields[f"items.0.answers.1.{dinner.id}"] == ["Answer yes or no."]
    order = _order(edition, [Item(ticket_type.id, 1, ["Amina"], answers=[{dinner.id: True}])])
    assert list(_answers(order).values()) == ["yes"]
    at_door = _order(edition, [Item(ticket_type.id, 1, ["Brahim"])], box_office=True)
    assert _answers(at_door) == {}


def test_a_question_with_answers_keeps_its_kind_and_is_hidden_not_deleted(edition):
    ticket_type = make_type(edition)
    dinner = services.create_question(edition, DINNER)
    _order(edition, [Item(ticket_type.id, 1, ["Amina"], answers=[{dinner.id: "no"}])])
    with pytest.raises(DomainError) as refused:
        services.update_question(dinner, {**DINNER, "kind": "text"})
    assert refused.value.code == "question_answered"
    with pytest.raises(DomainError):
        services.delete_question(dinner)
    services.update_question(dinner, {**DINNER, "is_active": False})
    assert services.asked(edition, [ticket_type.id]).per_type == {}
    assert _order(edition, [Item(ticket_type.id, 1, ["Brahim"])]).tickets  # no longer asked
    [(question, total, parts)] = services.summary(edition)
    assert (question, total, parts) == (dinner, 1, [("yes", 0), ("no", 1)])


def test_a_handed_over_ticket_keeps_the_answers_not_about_its_holder(edition):
    ticket_type = make_type(edition)
    access = services.create_question(edition, ACCESS)
    dinner = services.create_question(edition, DINNER)
    order = _order(edition, [Item(ticket_type.id, 1, ["Amina"],
                                  answers=[{access.id: "o2", dinner.id: "yes"}])])
    orders.mark_paid(order, orders.PaymentMethod.BANK_TRANSFER)
    now = changes.festival_starts_at(order) - timedelta(days=3)
    new = changes.transfer_ticket(order, order.tickets[0].id, name="Yasmine",
                                  email="yasmine@example.fr", now=now)
    assert _answers(order) == {(new.id, dinner.id): "yes"}  # the wheelchair was Amina's


def test_erased_with_the_person_and_sensitive_ones_after_the_festival(edition):
    ticket_type = make_type(edition)
    access = services.create_question(edition, ACCESS)
    member = services.create_question(edition, MEMBER)
    kept = _order(edition, [Item(ticket_type.id, 1, ["Amina"], answers=[{access.id: "o2"}])],
                  {member.id: "Afoulki"})
    other = orders.create_order(edition, buyer_name="Brahim", email="brahim@example.fr",
                                items=[Item(ticket_type.id, 1, ["Brahim"],
                                            answers=[{access.id: "o3"}])],
                                terms_accepted=True)
    assert privacy.export_person("brahim@example.fr")["orders"][0]["answers"] == [
        {"question": "Besoins d'accès ?", "ticket_id": other.tickets[0].id,
         "answer": "Boucle magnétique"}]
    privacy.erase_person("brahim@example.fr", actor=None)
    assert _answers(other) == {}
    last_day = festival_days(edition)[-1].ends_at
    days = services.DEFAULT_SENSITIVE_DAYS
    assert services.purge_sensitive(now=last_day + timedelta(days=days - 1)) == 0
    assert services.purge_sensitive(now=last_day + timedelta(days=days), dry_run=True) == 1
    assert services.purge_sensitive(now=last_day + timedelta(days=days)) == 1
    assert _answers(kept) == {(None, member.id): "Afoulki"}  # not about health: kept
    assert db.session.scalar(select(func.count(Answer.id))) == 1


def test_answers_of_questions_not_asked_are_ignored_and_bounded(edition):
    ticket_type, other = make_type(edition), make_type(edition, "Autre")
    only_other = services.create_question(edition, {**DINNER, "ticket_type_ids": [other.id]})
    order = _order(edition, [Item(ticket_type.id, 1, ["Amina"],
                                  answers=[{only_other.id: "yes", 123456: "x"}])])
    assert _answers(order) == {}
    question = services.create_question(edition, MEMBER)
    with pytest.raises(ValidationError) as refused:
        _order(edition, [Item(ticket_type.id, 1, ["Amina"])], {question.id: "x" * 1001})
    assert f"answers.{question.id}" in refused.value.fields
    assert question.kind is QuestionKind.TEXT


def test_no_more_than_the_limit_of_questions(edition):
    for n in range(services.MAX_QUESTIONS):
        services.create_question(edition, {**MEMBER, "texts": {"fr": f"Question {n}"}})
    with pytest.raises(DomainError) as refused:
        services.create_question(edition, MEMBER)
    assert refused.value.code == "too_many_questions"


def test_moving_a_question(edition):
    first = services.create_question(edition, MEMBER)
    second = services.create_question(edition, DINNER)
    services.move_question(second, -1)
    assert services.questions_of(edition) == [second, first]
    services.move_question(second, -1)  # already first: nothing moves
    assert services.questions_of(edition) == [second, first]



def test_an_option_people_chose_stays(edition):
    """Removing a chosen option would leave its answers as a bare key ("o2") on the order
    pages and in the export: refused at the options; a correction of its text is not."""
    ticket_type = make_type(edition)
    access = services.create_question(edition, ACCESS)
    order = _order(edition, [Item(ticket_type.id, 1, ["Amina"], answers=[{access.id: "o2"}])])
    without = dict(ACCESS, options=[ACCESS["options"][0], ACCESS["options"][2]])
    with pytest.raises(ValidationError) as refused:
        services.update_question(access, without)
    assert "“Fauteuil roulant”" in str(refused.value.fields["options"][0])
    assert access.option_keys() == ["o1", "o2", "o3"]
    corrected = dict(ACCESS, options=[ACCESS["options"][0],
                                      {"label": {"fr": "Fauteuil", "en": "Wheelchair"}}])
    services.update_question(access, corrected)  # "Boucle magnétique": nobody chose it
    assert access.option_keys() == ["o1", "o2"]
    assert [s.answer for s in services.answers_of(order, "fr").tickets[order.tickets[0].id]] \
        == ["Fauteuil"]


def test_a_typed_answer_loses_its_control_characters_and_direction_overrides(edition):
    """"\\u202eenon" reads "none" on the organisers' pages and in the export; a bell or an
    escape is nothing a person typed. Line breaks stay; NUL is refused with its message."""
    ticket_type = make_type(edition)
    member = services.create_question(edition, {**MEMBER, "is_required": True})
    order = _order(edition, [Item(ticket_type.id, 1)],
                   {member.id: "\u202eenon\x07\x1b[31m\r\nAfoulki\u200f"})
    assert _answers(order) == {(None, member.id): "enon[31m\nAfoulki\u200f"}
    for empty in ("\u202e\u202c", "\x07 \x1b"):
        with pytest.raises(ValidationError) as refused:
            _order(edition, [Item(ticket_type.id, 1)], {member.id: empty})
        assert refused.value.fields[f"answers.{member.id}"] == ["Please answer this question."]
    with pytest.raises(ValidationError) as refused:
        _order(edition, [Item(ticket_type.id, 1)], {member.id: "a\x00b"})
    assert refused.value.fields[f"answers.{member.id}"] == [
        "This text holds characters that cannot be shown."]


def test_a_question_answered_as_personal_stays_personal(edition):
    """The shop told the people who answered that their answers are erased after the
    festival: unticking "health or access" would keep them for good."""
    ticket_type = make_type(edition)
    access = services.create_question(edition, ACCESS)
    services.update_question(access, {**ACCESS, "is_sensitive": False})  # nobody answered
    services.update_question(access, ACCESS)
    _order(edition, [Item(ticket_type.id, 1, ["Amina"], answers=[{access.id: "o2"}])])
    with pytest.raises(ValidationError) as refused:
        services.update_question(access, {**ACCESS, "is_sensitive": False})
    assert list(refused.value.fields) == ["is_sensitive"]
    assert access.is_sensitive
    member = services.create_question(edition, MEMBER)
    _order(edition, [Item(ticket_type.id, 1, ["Brahim"], answers=[{access.id: "o1"}])],
           {member.id: "Afoulki"})
    services.update_question(member, {**MEMBER, "is_sensitive": True})  # stricter: allowed
    assert member.is_sensitive


def test_a_free_order_keeps_its_answers(edition):
    """A free order is paid before its first flush; its answers are kept after that."""
    free = make_type(edition, "Enfant", price=0)
    dinner = services.create_question(edition, DINNER)
    member = services.create_question(edition, MEMBER)
    order = _order(edition, [Item(free.id, 2, ["Amina", "Brahim"],
                                  answers=[{dinner.id: "yes"}, {dinner.id: "no"}])],
                   {member.id: "Afoulki"})
    assert order.status is orders.OrderStatus.PAID
    first, second = (t.id for t in order.tickets)
    assert _answers(order) == {(first, dinner.id): "yes", (second, dinner.id): "no",
                               (None, member.id): "Afoulki"}
