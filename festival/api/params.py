"""Query parameters of the API, read one way: a parameter that is given must hold one of its
documented values (an empty value is a value, and not one of them): else 422 with the
parameter named, as for a bad field of a body."""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import request
from flask_babel import lazy_gettext as _l

from festival.core.errors import ValidationError


def bad_choices(parameters: Mapping[str, Iterable]) -> dict[str, list]:
    """The problems of the given query parameters whose value is not one of theirs
    (strings, or an Enum's members), by parameter."""
    errors: dict[str, list] = {}
    for name, allowed in parameters.items():
        if name not in request.args:
            continue
        values = [getattr(v, "value", v) for v in allowed]
        value = request.args.get(name, "")
        if value not in values:
            errors[name] = [_l("Unknown value “%(value)s”. Allowed: %(allowed)s.",
                               value=value[:40], allowed=", ".join(values))]
    return errors


def choice(name: str, allowed: Iterable) -> str | None:
    """The value of query parameter `name` (None when it is not given), one of `allowed`.
    Error: validation_failed."""
    errors = bad_choices({name: allowed})
    if errors:
        raise ValidationError(errors, _l("Some filters are not valid."))
    return request.args.get(name)
