"""Small helpers the services share to collect field errors and refuse frozen editions."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

from festival.core.errors import DomainError, ValidationError
from festival.core.guards import flaw
from festival.core.translated import HIDDEN, clean_texts
from festival.editions.models import Edition

MAX_ID = 2**31 - 1  # ids are 32-bit integers in the database


class Fields:
    """Collects every field's problems, then raises them together (422)."""

    def __init__(self) -> None:
        self.errors: dict[str, list] = {}

    def add(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, value: Any, *, max_length: int, required: bool = False) -> str:
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(name, _l("This must be text."))
            return ""
        value = value.strip()
        if required and not value:
            self.add(name, _l("This field is required."))
        elif len(value) > max_length:
            self.add(name, _l("At most %(n)s characters.", n=max_length))
        elif flaw(value) or HIDDEN.search(value):
            # A form's fields are cleaned by core.forms.Form, but text read straight from a
            # request (or given to a service by a script) is not: PostgreSQL refuses a NUL, and
            # the direction overrides make a title read otherwise than it is written.
            self.add(name, _l("This text holds characters that cannot be shown."))
            return ""
        return value

    def texts(self, name: str, value: Any, *, max_length: int,
              required: bool = False) -> tuple[str, dict[str, str] | None]:
        """A public text (core/translated.py) given as a string (its French; the other
        languages are kept) or as {language: text} (every language replaced): its French
        text, and the other languages' texts, or None when only French was given. Errors
        go under `name` (French) and `<name>_<language>`."""
        if not isinstance(value, Mapping):
            value = self.text(name, value, max_length=max_length, required=required)
            if value and name not in self.errors:  # checked as the same text in an object
                value = clean_texts({"fr": value}, self.errors, key=lambda lang: name,
                                    max_length=max_length).get("fr", "")
            return value, None
        clean = clean_texts(value, self.errors, max_length=max_length, required=required,
                            key=lambda lang: name if lang == "fr" else f"{name}_{lang}")
        return clean.get("fr", ""), {lang: text for lang, text in clean.items() if lang != "fr"}

    def whole_number(self, name: str, value: Any, *, minimum: int, maximum: int,
                     required: bool = False) -> int | None:
        if value is None or value == "":
            if required:
                self.add(name, _l("This field is required."))
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(name, _l("This must be a whole number."))
            return None
        if not minimum <= value <= maximum:
            self.add(name, _l("This must be between %(low)s and %(high)s.", low=minimum,
                              high=maximum))
            return None
        return value

    def choice(self, name: str, value: Any, enum_cls, *, required: bool = True):
        if value is None or value == "":
            if required:
                self.add(name, _l("This field is required."))
            return None
        try:
            return enum_cls(value)
        except ValueError:
            self.add(name, _l("Unknown value: %(value)s.", value=str(value)[:40]))
            return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def is_id(value: Any) -> bool:
    """A value that can name a row: a whole number within the database's integer range."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def refuse_if_archived(edition: Edition) -> None:
    if edition.is_archived:
        raise DomainError("edition_archived",
                          _l("Edition %(year)s is archived: it can no longer be changed.",
                             year=edition.year), status=409)


class Unset:
    """Marks an argument that was not given (so that None can mean 'clear it')."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = Unset()
