"""The questions in the shop's HTML form (and the waiting-list offer's): field names, what
was typed, and the service's errors put back on their fields.

Fields: "answer-<question id>" for a question asked once per order,
"answer-<question id>-<ticket type id>-<n>" for the n-th ticket (from 1) of a type.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from festival.questions.services import ANSWER_LENGTH, Asked


def field_name(question_id: int, type_id: int | None = None, n: int | None = None) -> str:
    return f"answer-{question_id}" if type_id is None else f"answer-{question_id}-{type_id}-{n}"


@dataclass
class Typed:
    """What the buyer typed: by field name (to show and carry), and as the service takes it."""

    by_field: dict[str, str] = field(default_factory=dict)
    order: dict[int, str] = field(default_factory=dict)
    tickets: dict[int, list[dict[int, str]]] = field(default_factory=dict)  # per type

    def for_type(self, type_id: int) -> list[dict[int, str]]:
        return self.tickets.get(type_id, [])


def read(form: Mapping[str, str], asked: Asked, lines: Sequence[tuple[int, int]]) -> Typed:
    """The answers to the questions `asked` of the chosen `lines` ((type id, quantity)); only
    the fields of those questions are read, each cut to twice the longest answer plus one:
    a browser sends a line break as two characters, and a longer answer must still be
    refused with its message, not silently cut."""
    typed = Typed()

    def get(name: str) -> str:
        value = (form.get(name) or "")[:2 * ANSWER_LENGTH + 1]
        if value:
            typed.by_field[name] = value
        return value

    for question in asked.order:
        value = get(field_name(question.id))
        if value:
            typed.order[question.id] = value
    for type_id, quantity in lines:
        questions = asked.of_type(type_id)
        per_ticket = []
        for n in range(1, quantity + 1):
            answers = {}
            for question in questions:
                value = get(field_name(question.id, type_id, n))
                if value:
                    answers[question.id] = value
            per_ticket.append(answers)
        typed.tickets[type_id] = per_ticket
    return typed


def errors_by_field(fields: Mapping[str, list], type_ids: Sequence[int]) -> dict[str, list]:
    """The service's answer errors ("answers.<q>", "items.<i>.answers.<n>.<q>", where i is
    the position in `type_ids`) by form field name; other errors are left out."""
    found: dict[str, list] = {}
    for key, messages in fields.items():
        parts = key.split(".")
        if len(parts) == 2 and parts[0] == "answers" and parts[1].isdigit():
            found[field_name(int(parts[1]))] = list(messages)
        elif len(parts) == 5 and parts[0] == "items" and parts[2] == "answers" \
                and parts[1].isdigit() and int(parts[1]) < len(type_ids) \
                and parts[3].isdigit() and parts[4].isdigit():
            found[field_name(int(parts[4]), type_ids[int(parts[1])], int(parts[3]))] = \
                list(messages)
    return found
