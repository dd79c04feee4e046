"""Questions at checkout: organisers write them, buyers answer them, the answers are checked
here (the shop, the API and create_order share these rules) and kept with the order.

Answers come in as {question id: value}: once for the order, and one such mapping per
ticket, in the order's ticket order. Values are text, an option's key for a choice, and
yes/no ("yes", "no", or a JSON boolean) for a yes/no question; an empty value is no answer.
Errors are named "answers.<question id>" for the order's questions and
"items.<item index>.answers.<ticket number from 1>.<question id>" for a ticket's.

Services flush and never commit; the caller's unit of work commits.
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from festival.core.errors import DomainError, NotFound, ValidationError
from festival.core.guards import flaw
from festival.core.i18n import in_language
from festival.core.timeutil import utcnow
from festival.core.translated import clean_texts
from festival.core.unit_of_work import lock_row
from festival.editions.days import festival_days
from festival.editions.models import Edition
from festival.extensions import db
from festival.questions.models import Answer, Question, QuestionKind, QuestionScope
from festival.ticketing.models import Order, OrderStatus, Ticket, TicketStatus, TicketType

MAX_QUESTIONS = 30          # per edition
MAX_OPTIONS = 20            # per choice question
QUESTION_LENGTH = 300
HELP_LENGTH = 500
OPTION_LENGTH = 120
ANSWER_LENGTH = 1000
YES, NO = "yes", "no"
DEFAULT_SENSITIVE_DAYS = 30  # health and access answers, kept after the festival's last day
# In a typed answer: control characters other than the tab and the line break, and the
# direction overrides that would show an answer other than it reads (NUL is refused apart).
_UNSHOWN = re.compile("[\x01-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]")


# Organisers: writing the questions ----------------------------------------------------------

def questions_of(edition: Edition, *, active_only: bool = False,
                 for_answers: bool = False) -> list[Question]:
    """The edition's questions in their order. `for_answers`: re-read under a share lock
    (PostgreSQL: FOR SHARE) kept until the answers checked against them are committed, so
    that an organiser's change (update_question, delete_question lock the question) waits
    for them and then sees them, rather than changing what they answered."""
    query = select(Question).where(Question.edition_id == edition.id)
    if active_only:
        query = query.where(Question.is_active.is_(True))
    query = query.order_by(Question.position, Question.id)
    if for_answers:
        db.session.flush()
        query = query.with_for_update(read=True).execution_options(populate_existing=True)
    return list(db.session.scalars(query))


def question_in(edition: Edition, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.edition_id != edition.id:
        raise NotFound("question_not_found", _l("No such question."))
    return question


def _texts(errors: dict[str, list], name: str, raw: Any, limit: int,
           required: bool) -> dict[str, str]:
    """A text per language ({"fr": …}) on one line; French required when `required`;
    problems under "<name>_<language>" (the form's fields)."""
    return clean_texts(raw if isinstance(raw, Mapping) else {}, errors,
                       key=lambda language: f"{name}_{language}", max_length=limit,
                       required=required, one_line=True)


def _options(errors: dict[str, list], raw: Any, old: list) -> list[dict]:
    """The options of a choice question, each {"key", "label": {language: text}}. An option
    keeps its key when its French text is unchanged, else when it stays at its place (a
    corrected spelling); a new option gets a key never used in this question."""
    raw = raw if isinstance(raw, list) else []
    if len(raw) > MAX_OPTIONS:
        errors["options"] = [_l("%(n)s options at most.", n=MAX_OPTIONS)]
        return []
    labels = []
    for index, item in enumerate(raw):
        item_errors: dict[str, list] = {}
        label = _texts(item_errors, "option", item.get("label") if isinstance(item, Mapping)
                       else None, OPTION_LENGTH, required=True)
        if item_errors:
            errors.setdefault("options", []).append(
                _l("Option %(n)s: give its text in French, %(limit)s characters at most.",
                   n=index + 1, limit=OPTION_LENGTH))
        labels.append(label)
    if len(labels) < 2 and "options" not in errors:
        errors["options"] = [_l("A choice needs at least two options.")]
    french = [label.get("fr") for label in labels]
    if len(set(french)) != len(french) and "options" not in errors:
        errors["options"] = [_l("Two options have the same French text.")]
    if "options" in errors:
        return []
    old = [o for o in old or [] if isinstance(o, Mapping) and "key" in o]
    by_text = {o["label"].get("fr"): o["key"] for o in old}
    used_numbers = [int(o["key"][1:]) for o in old if str(o["key"])[1:].isdigit()]
    next_number = max(used_numbers, default=0) + 1
    taken = set()
    result = []
    for index, label in enumerate(labels):
        key = by_text.get(label["fr"])
        if key is None and index < len(old) and old[index]["label"].get("fr") not in french:
            key = old[index]["key"]  # the same place, its text corrected
        if key is None or key in taken:
            key = f"o{next_number}"
            next_number += 1
        taken.add(key)
        result.append({"key": key, "label": label})
    return result


def _values(edition: Edition, data: Mapping[str, Any], old: Question | None) -> dict:
    errors: dict[str, list] = {}
    values: dict[str, Any] = {
        "texts": _texts(errors, "text", data.get("texts"), QUESTION_LENGTH, required=True),
        "help_texts": _texts(errors, "help", data.get("help_texts"), HELP_LENGTH,
                             required=False),
        "is_required": data.get("is_required") is True,
        "is_sensitive": data.get("is_sensitive") is True,
        "is_active": data.get("is_active", True) is True,
    }
    try:
        values["scope"] = QuestionScope(data.get("scope"))
    except ValueError:
        errors["scope"] = [_l("Ask it once per order or once per ticket.")]
    try:
        values["kind"] = QuestionKind(data.get("kind"))
    except ValueError:
        errors["kind"] = [_l("Choose the kind of answer.")]
    if values.get("kind") is QuestionKind.CHOICE:
        values["options"] = _options(errors, data.get("options"),
                                     old.options if old is not None else [])
    else:
        values["options"] = []
    type_ids = data.get("ticket_type_ids") or []
    own = set(db.session.scalars(select(TicketType.id).where(
        TicketType.edition_id == edition.id)))
    if not isinstance(type_ids, list) or len(type_ids) > len(own) or not all(
            isinstance(i, int) and i in own for i in type_ids):
        errors["ticket_type_ids"] = [_l("Choose among this edition's ticket types.")]
    else:
        values["ticket_type_ids"] = sorted(set(type_ids))
    if errors:
        raise ValidationError(errors)
    return values


def create_question(edition: Edition, data: Mapping[str, Any]) -> Question:
    """A new question, last in the edition's order. Errors: validation_failed (text_fr…,
    scope, kind, options, ticket_type_ids), too_many_questions (409)."""
    count = db.session.scalar(select(func.count(Question.id)).where(
        Question.edition_id == edition.id))
    if count >= MAX_QUESTIONS:
        raise DomainError("too_many_questions", _l("An edition has %(n)s questions at most.",
                                                   n=MAX_QUESTIONS), status=409)
    values = _values(edition, data, None)
    last = db.session.scalar(select(func.max(Question.position)).where(
        Question.edition_id == edition.id))
    question = Question(edition_id=edition.id, position=(last or 0) + 1, **values)
    db.session.add(question)
    db.session.flush()
    return question


def update_question(question: Question, data: Mapping[str, Any]) -> Question:
    """Change a question. Its kind and scope stay once it has answers, and so do the options
    people chose (their answers would lose their meaning; an option's text may be
    corrected) and its being about health or access (people answered it as told: kept only
    until shortly after the festival). Errors: validation_failed (options: a chosen option
    removed; is_sensitive), question_answered (409)."""
    question = lock_row(Question, question.id)  # answers being checked are waited for
    values = _values(db.session.get(Edition, question.edition_id), data, question)
    answered = has_answers(question)
    if answered and question.is_sensitive and not values["is_sensitive"]:
        raise ValidationError({"is_sensitive": [_l(
            "People answered this question as told that their answers are personal, kept "
            "only until shortly after the festival: it stays about health or access.")]})
    if answered and (values["kind"] is not question.kind
                     or values["scope"] is not question.scope):
        raise DomainError("question_answered", _l(
            "People have answered this question: its kind and whether it is asked per order "
            "or per ticket can no longer change. Hide it and write a new one."), status=409)
    if question.kind is QuestionKind.CHOICE:
        kept = {option["key"] for option in values["options"]}
        chosen = set(db.session.scalars(select(Answer.value).distinct().where(
            Answer.question_id == question.id)))
        gone = [in_language(o["label"], "fr") for o in question.options or []
                if o["key"] in chosen and o["key"] not in kept]
        if gone:
            raise ValidationError({"options": [_l(
                "People chose %(options)s: keep these options (their text may be corrected), "
                "or hide this question and write a new one.",
                options=", ".join(f"“{text}”" for text in gone))]})
    for name, value in values.items():
        setattr(question, name, value)
    db.session.flush()
    return question


def has_answers(question: Question) -> bool:
    return db.session.scalar(select(Answer.id).where(Answer.question_id == question.id)
                             .limit(1)) is not None


def delete_question(question: Question) -> None:
    """Delete a question that nobody answered. Errors: question_answered (409: hide it)."""
    question = lock_row(Question, question.id)  # answers being checked are waited for
    if has_answers(question):
        raise DomainError("question_answered", _l(
            "People have answered this question: hide it instead, so that their answers "
            "stay."), status=409)
    db.session.delete(question)
    db.session.flush()


def move_question(question: Question, step: int) -> None:
    """Swap a question with its neighbour (step -1: up, +1: down)."""
    found = questions_of(db.session.get(Edition, question.edition_id))
    index = found.index(question)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(found):
        found[index], found[other] = found[other], found[index]
    for position, item in enumerate(found, start=1):
        item.position = position
    db.session.flush()


# Buyers: what is asked, and the answers checked ---------------------------------------------

@dataclass
class Asked:
    """The questions of an order: once for the order, and per ticket type for each ticket."""

    order: list[Question] = field(default_factory=list)
    per_type: dict[int, list[Question]] = field(default_factory=dict)

    def of_type(self, type_id: int) -> list[Question]:
        return self.per_type.get(type_id, [])

    @property
    def any(self) -> bool:
        return bool(self.order) or any(self.per_type.values())


def asked(edition: Edition, type_ids: Sequence[int], *, for_answers: bool = False) -> Asked:
    """The active questions an order of these ticket types is asked (`for_answers`: see
    questions_of)."""
    type_ids = list(dict.fromkeys(type_ids))
    result = Asked()
    for question in questions_of(edition, active_only=True, for_answers=for_answers):
        if question.scope is QuestionScope.ORDER:
            if any(question.applies_to(t) for t in type_ids):
                result.order.append(question)
        else:
            for type_id in type_ids:
                if question.applies_to(type_id):
                    result.per_type.setdefault(type_id, []).append(question)
    return result


def _value(question: Question, raw: Any) -> tuple[str | None, Any]:
    """(the value to keep or None when empty, an error message or None)."""
    if question.kind is QuestionKind.YES_NO:
        if raw is True or raw == YES:
            return YES, None
        if raw is False or raw == NO:
            return NO, None
        if raw in (None, ""):
            return None, None
        return None, _l("Answer yes or no.")
    if raw is None:
        return None, None
    if not isinstance(raw, str):
        return None, _l("Give the answer as text.")
    if question.kind is QuestionKind.CHOICE:
        if raw == "":
            return None, None
        if raw not in question.option_keys():
            return None, _l("Choose one of the options.")
        return raw, None
    text = _UNSHOWN.sub("", raw.replace("\r\n", "\n")).strip()
    if not text:
        return None, None
    if len(text) > ANSWER_LENGTH:
        return None, _l("%(n)s characters at most.", n=ANSWER_LENGTH)
    if flaw(text):
        return None, _l("This text holds characters that cannot be shown.")
    return text, None


def _answer_set(questions: list[Question], raw: Any, key: str, errors: dict[str, list],
                required: bool = True) -> dict[int, str]:
    raw = raw if isinstance(raw, Mapping) else {}
    kept: dict[int, str] = {}
    for question in questions:
        value, problem = _value(question, raw.get(question.id, raw.get(str(question.id))))
        if problem is not None:
            errors[f"{key}.{question.id}"] = [problem]
        elif value is None and question.is_required and required:
            errors[f"{key}.{question.id}"] = [
                _l("Please choose yes or no.") if question.kind is QuestionKind.YES_NO
                else _l("Please choose an option.") if question.kind is QuestionKind.CHOICE
                else _l("Please answer this question.")]
        elif value is not None:
            kept[question.id] = value
    return kept


@dataclass
class Checked:
    order: dict[int, str]
    tickets: list[dict[int, str]]  # one per ticket, in the order's ticket order


def check_answers(edition: Edition, items: Sequence[Any],
                  order_answers: Mapping[Any, Any] | None, *,
                  required: bool = True) -> Checked:
    """Check the answers of an order of `items` (ticketing.orders.Item: ticket_type_id,
    quantity, answers: one mapping per ticket). Answers to questions not asked are ignored;
    with `required` False (staff at the box office) no question must be answered.
    Errors: validation_failed, with the names of the module's docstring."""
    result = asked(edition, [item.ticket_type_id for item in items], for_answers=True)
    errors: dict[str, list] = {}
    order = _answer_set(result.order, order_answers, "answers", errors, required)
    tickets: list[dict[int, str]] = []
    for index, item in enumerate(items):
        per_ticket = item.answers if isinstance(item.answers, list) else []
        questions = result.of_type(item.ticket_type_id)
        quantity = item.quantity if isinstance(item.quantity, int) else 0
        for n in range(max(0, quantity)):
            raw = per_ticket[n] if n < len(per_ticket) else {}
            tickets.append(_answer_set(questions, raw, f"items.{index}.answers.{n + 1}",
                                       errors, required))
    if errors:
        raise ValidationError(errors)
    return Checked(order, tickets)


def record_answers(order: Order, checked: Checked, *, now: datetime | None = None) -> None:
    """Keep the checked answers of a new order (its tickets made, in item order)."""
    now = now or utcnow()
    db.session.flush()
    for question_id, value in checked.order.items():
        db.session.add(Answer(question_id=question_id, order_id=order.id, value=value,
                              created_at=now, updated_at=now))
    for ticket, answers in zip(order.tickets, checked.tickets, strict=False):
        for question_id, value in answers.items():
            db.session.add(Answer(question_id=question_id, order_id=order.id,
                                  ticket_id=ticket.id, value=value, created_at=now,
                                  updated_at=now))
    db.session.flush()


def follow_transfer(old: Ticket, new: Ticket) -> None:
    """A ticket handed over: its answers were about the person who held it; the answers
    about a person (health, access) are theirs and go, the others move to the new ticket."""
    db.session.execute(delete(Answer).where(
        Answer.ticket_id == old.id,
        Answer.question_id.in_(select(Question.id).where(Question.is_sensitive.is_(True))))
        .execution_options(synchronize_session=False))
    for answer in db.session.scalars(select(Answer).where(Answer.ticket_id == old.id)):
        answer.ticket_id = new.id


# Reading the answers back -------------------------------------------------------------------

def answer_text(question: Question, value: str, language: str) -> str:
    """An answer as people read it, in `language`: the option's text, yes or no, the text."""
    if question.kind is QuestionKind.YES_NO:
        return gettext("Yes") if value == YES else gettext("No")
    if question.kind is QuestionKind.CHOICE:
        option = next((o for o in question.options if o["key"] == value), None)
        return in_language(option["label"], language) if option else value
    return value


@dataclass
class Shown:
    question: Question
    text: str           # the question, in the reader's language
    answer: str         # the answer, in the reader's language


@dataclass
class OrderAnswers:
    order: list[Shown] = field(default_factory=list)
    tickets: dict[int, list[Shown]] = field(default_factory=dict)

    @property
    def any(self) -> bool:
        return bool(self.order) or any(self.tickets.values())


def answers_of(order: Order, language: str) -> OrderAnswers:
    """The order's answers, in the questions' order, in `language`."""
    rows = db.session.execute(
        select(Answer, Question).join(Question, Question.id == Answer.question_id)
        .where(Answer.order_id == order.id)
        .order_by(Question.position, Question.id, Answer.ticket_id)).all()
    found = OrderAnswers()
    for answer, question in rows:
        shown = Shown(question, in_language(question.texts, language),
                      answer_text(question, answer.value, language))
        if answer.ticket_id is None:
            found.order.append(shown)
        else:
            found.tickets.setdefault(answer.ticket_id, []).append(shown)
    return found


def question_json(question: Question) -> dict:
    return {"id": question.id, "scope": question.scope.value, "kind": question.kind.value,
            "required": question.is_required, "personal": question.is_sensitive,
            "texts": dict(question.texts or {}), "help": dict(question.help_texts or {}),
            "options": [{"key": o["key"], "label": dict(o["label"])}
                        for o in question.options or []],
            "ticket_type_ids": list(question.ticket_type_ids or [])}


def answers_for_export(order: Order) -> list[dict]:
    """The order's answers as data (a person's export): the question in French, the value."""
    rows = db.session.execute(
        select(Answer, Question).join(Question, Question.id == Answer.question_id)
        .where(Answer.order_id == order.id).order_by(Question.position, Answer.id)).all()
    return [{"question": in_language(q.texts, "fr"), "ticket_id": a.ticket_id,
             "answer": answer_text(q, a.value, "fr")} for a, q in rows]


def summary(edition: Edition) -> list[tuple[Question, int, list[tuple[str, int]]]]:
    """Per question: how many answers, and for a choice or yes/no how many of each (valid
    tickets and orders that are paid or pending only)."""
    result = []
    counted = (select(Answer.question_id, Answer.value, func.count(Answer.id))
               .join(Order, Order.id == Answer.order_id)
               .outerjoin(Ticket, Ticket.id == Answer.ticket_id)
               .where(Order.edition_id == edition.id,
                      Order.status.in_((OrderStatus.PAID, OrderStatus.PENDING)),
                      (Answer.ticket_id.is_(None)) | (Ticket.status == TicketStatus.VALID))
               .group_by(Answer.question_id, Answer.value))
    counts: dict[int, dict[str, int]] = {}
    for question_id, value, n in db.session.execute(counted):
        counts.setdefault(question_id, {})[value] = n
    for question in questions_of(edition):
        mine = counts.get(question.id, {})
        if question.kind is QuestionKind.CHOICE:
            parts = [(o["key"], mine.get(o["key"], 0)) for o in question.options]
        elif question.kind is QuestionKind.YES_NO:
            parts = [(YES, mine.get(YES, 0)), (NO, mine.get(NO, 0))]
        else:
            parts = []
        result.append((question, sum(mine.values()), parts))
    return result


# Personal data --------------------------------------------------------------------------------

def erase_order_answers(order: Order) -> int:
    """The answers of an order whose buyer is erased: all of them go."""
    return db.session.execute(delete(Answer).where(Answer.order_id == order.id)
                              .execution_options(synchronize_session=False)).rowcount


def erase_ticket_answers(ticket: Ticket) -> int:
    """The answers about one ticket's holder (a holder erased who is not the buyer)."""
    return db.session.execute(delete(Answer).where(Answer.ticket_id == ticket.id)
                              .execution_options(synchronize_session=False)).rowcount


def sensitive_days() -> int:
    return int(current_app.config.get("SENSITIVE_ANSWERS_DAYS", DEFAULT_SENSITIVE_DAYS))


def purge_sensitive(*, now: datetime | None = None, dry_run: bool = False) -> int:
    """Erase the health and access answers of the editions whose last day ended more than
    SENSITIVE_ANSWERS_DAYS days ago. Returns how many answers (would) go."""
    now = now or utcnow()
    limit = timedelta(days=sensitive_days())
    editions = db.session.scalars(select(Edition).where(Edition.id.in_(
        select(Question.edition_id).where(Question.is_sensitive.is_(True))))).all()
    ended = [e.id for e in editions
             if (days := festival_days(e)) and days[-1].ends_at + limit <= now]
    if not ended:
        return 0
    which = Answer.question_id.in_(select(Question.id).where(
        Question.edition_id.in_(ended), Question.is_sensitive.is_(True)))
    if dry_run:
        return db.session.scalar(select(func.count(Answer.id)).where(which))
    return db.session.execute(delete(Answer).where(which)
                              .execution_options(synchronize_session=False)).rowcount
