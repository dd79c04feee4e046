"""Helpers shared by the domains' forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice

from festival.core.errors import DomainError


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


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]
