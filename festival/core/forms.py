"""Helpers shared by the domains' forms."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, redirect
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from festival.core.errors import DomainError, committed
from festival.core.guards import flaw, without_flaws
from festival.core.unit_of_work import refuse_request

NUL_IN_FIELD = _l("This text may not contain NUL characters.")
SURROGATE_IN_FIELD = _l("This text may not contain unpaired surrogates (broken characters).")
FLAW_IN_FIELD = {"nul": NUL_IN_FIELD, "surrogate": SURROGATE_IN_FIELD}

T = TypeVar("T")


class Form(FlaskForm):
    """The base of every page's form. A field whose text holds what no database can hold
    (a NUL character, an unpaired surrogate: core.guards) gets a field error at once, and
    its data is kept without it, so that code reading a field before validating never
    sends it to the database."""

    def process(self, *args, **kwargs) -> None:
        super().process(*args, **kwargs)
        for field in self:
            found = _first_flaw(field.raw_data or ())
            data = field.data
            if isinstance(data, str):
                found = found or flaw(data)
                field.data = without_flaws(data) if found else data
            elif isinstance(data, list):
                found = found or _first_flaw(data)
                if found:
                    field.data = [without_flaws(v) if isinstance(v, str) else v for v in data]
            if not found:
                continue
            field.process_errors.append(FLAW_IN_FIELD[found])
            field.errors = list(field.process_errors)  # shown even if never validated


def _first_flaw(values) -> str | None:
    return next((found for v in values if isinstance(v, str) and (found := flaw(v))), None)


def apply_field_errors(form: FlaskForm, error: DomainError) -> None:
    """Show a service's field errors on the form's fields (the rest as form errors)."""
    placed = False
    for name, messages in (error.fields or {}).items():
        field = getattr(form, name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + list(messages)
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def refuse(form: FlaskForm, error: DomainError, *,
           renames: dict[str, str] | None = None) -> int:
    """A service refused a form's submission: roll back all it did (and commit nothing of
    the request), show its errors on the form (`renames`: the service's field name → the
    form's) and give the status of the page shown again: the error's own (404, 409…), 422
    for a plain bad request."""
    refuse_request()
    if renames:
        error.fields = {renames.get(k, k): v for k, v in (error.fields or {}).items()}
    apply_field_errors(form, error)
    return error.status if error.status != 400 else 422


def submit_form(form: FlaskForm, action: Callable[[], T], *,
                message: str | Callable[[T], str],
                then: str | Callable[[T], str]) -> tuple[Response | None, int]:
    """Run `action` (one service call) for a valid submission of `form`; the request's unit
    of work commits it (core.unit_of_work).

    - not submitted: (None, 200), nothing is run;
    - submitted but not valid: (None, 422), nothing is run;
    - the service refuses (DomainError): all it did is rolled back, its errors are shown on
      the form's fields, (None, 422);
    - done: flash `message` as "success", (a redirect to `then`, 302).

    `message` and `then` may be functions of the action's result (for the name or the
    address of a row the action created: `committed` flushes it, so it has its id). With
    None, the caller renders its page with the status.
    """
    if not form.validate_on_submit():
        return None, 422 if form.is_submitted() else 200
    try:
        result = committed(action)
    except DomainError as error:
        apply_field_errors(form, error)
        return None, 422
    flash(message(result) if callable(message) else message, "success")
    response = redirect(then(result) if callable(then) else then)
    return response, response.status_code


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
