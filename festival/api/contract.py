"""Requests held to the OpenAPI document before their view runs: the one place where the API
refuses a JSON body or a query parameter the document does not allow (a wrong type, `null`
where it is not nullable, a value outside its enum, a property an object does not take…),
with a 422 `validation_failed` naming each field (`items.0.price_cents`; `body` for the
object itself). Views and services then read values of the right type and keep the rules.

A body that is not a JSON object, where the operation takes one, is a 400 here
(festival.core.jsonbody, which views read their body with too).

Each operation's schemas are compiled once per process, at the first request: on the door's
scan (POST /checkin) the check is one compiled validator run over a handful of keys.
Formats (`date`, `date-time`, `email`) are not checked here: the services read dates and
addresses themselves, with their own messages.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from festival.core.errors import ValidationError
from festival.core.jsonbody import json_body

CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")  # /<int:year> → /{year}
WHOLE = re.compile(r"^-?[0-9]+$")
LIMITS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                    "maxLength", "pattern", "minItems", "maxItems"})
# The message of a choice of exactly one property among these (oneOf), named by the first.
CHOICES = {("token", "ticket_id"): _l("Give either the token of a QR code or a ticket_id.")}


@dataclass(frozen=True)
class Contract:
    """What one operation takes: its body's validator, and its query parameters'."""

    body: Draft202012Validator | None = None
    body_required: bool = False
    query: tuple[tuple[str, Draft202012Validator], ...] = ()


def _validator(schema: dict[str, Any], components: dict[str, Any]) -> Draft202012Validator:
    # `#/components/…` references resolve inside the schema itself: the components go with it.
    return Draft202012Validator({**schema, "components": components})


def _contract(operation: dict[str, Any], components: dict[str, Any]) -> Contract:
    body = operation.get("requestBody")
    schema = body and body["content"].get("application/json", {}).get("schema")
    query = tuple((p["name"], _validator(p["schema"], components))
                  for p in operation.get("parameters", ())
                  if p["in"] == "query" and "schema" in p)
    return Contract(body=_validator(schema, components) if schema else None,
                    body_required=bool(body and body.get("required")), query=query)


@cache
def contracts() -> dict[tuple[str, str], Contract]:
    """(METHOD, /api/v1/{param} path) → its Contract, for every operation of the document."""
    from festival.api.openapi import document  # (cycle: api.openapi ↔ the domains it documents)
    doc = document()
    components = doc["components"]
    return {(method.upper(), path): _contract(op, components)
            for path, item in doc["paths"].items() for method, op in item.items()}


def _shown(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text[:40]


def _type_message(schema: dict[str, Any], expected: Any):
    kinds = set(expected if isinstance(expected, list) else [expected]) - {"null"}
    if kinds == {"integer"}:
        return _l("This must be a whole number.")
    if kinds == {"boolean"}:
        return _l("Give true or false.")
    if kinds == {"string"}:
        return _l("This must be text.")
    if kinds == {"object"}:
        return _l("Send a JSON object.")
    if kinds == {"array"} and schema.get("items", {}).get("format") == "date":
        return _l("Give a list of dates (YYYY-MM-DD).")
    return None


def _limit_message(error: SchemaError):
    keyword, schema = error.validator, error.schema
    if keyword in ("minimum", "maximum") and "minimum" in schema and "maximum" in schema:
        return _l("Give a number between %(min)s and %(max)s.", min=schema["minimum"],
                  max=schema["maximum"])
    if keyword == "minimum":
        return _l("Give a whole number of at least %(n)s.", n=schema["minimum"])
    if keyword == "maxLength":
        return _l("At most %(n)s characters.", n=schema["maxLength"])
    if keyword == "minLength" or (keyword == "pattern" and schema["pattern"] == r"\S"):
        return _l("This field is required.")
    if keyword == "minItems":
        return _l("Choose at least one.")
    if keyword == "maxItems" and schema.get("items", {}).get("format") == "date":
        return _l("Choose at most the %(n)s days of this edition.", n=schema["maxItems"])
    return None


def _message(error: SchemaError):
    """The message for one problem, in the request's language."""
    keyword, schema, value = error.validator, error.schema, error.instance
    message = None
    if keyword in ("enum", "const"):
        allowed = schema["enum"] if keyword == "enum" else [schema["const"]]
        message = _l("Unknown value “%(value)s”. Allowed: %(allowed)s.", value=_shown(value),
                     allowed=", ".join(_shown(v) for v in allowed))
    elif keyword == "type":
        message = _type_message(schema, error.validator_value)
    elif keyword in LIMITS:
        message = _limit_message(error)
    return message or _l("Unknown value: %(value)s.", value=_shown(value))


def _named(path, name: str | None = None) -> str:
    parts = [str(p) for p in path] + ([name] if name is not None else [])
    return ".".join(parts) or "body"


def _choice(error: SchemaError) -> tuple[str, ...]:
    """The properties of a oneOf that asks for exactly one of them (each branch `required`
    one), or ()."""
    if error.validator != "oneOf":
        return ()
    names = tuple(name for branch in error.validator_value
                  for name in branch.get("required", ()))
    return names if len(names) == len(error.validator_value) else ()


def _problems(error: SchemaError) -> Iterator[tuple[str, Any]]:
    """(field, message) for one error of the validator; a choice between schemas (anyOf,
    oneOf: a nullable value, a token or a ticket id) is told by the closest of them."""
    keyword = error.validator
    choice = _choice(error)
    if choice:
        yield _named(error.absolute_path, choice[0]), \
            CHOICES.get(choice, _l("This field is required."))
    elif keyword in ("anyOf", "oneOf") and error.context:
        # The branch that failed least deep is the one meant (`null` is never it).
        meant = [e for e in error.context if e.schema != {"type": "null"}] or error.context
        closest = min(meant, key=lambda e: (-len(e.absolute_path), e.relative_schema_path[0]))
        yield from _problems(closest)
    elif keyword == "required":
        for name in error.validator_value:
            if isinstance(error.instance, dict) and name not in error.instance:
                yield _named(error.absolute_path, name), _l("This field is required.")
    elif keyword == "additionalProperties" and isinstance(error.instance, dict):
        known = error.schema.get("properties", {})
        for name in error.instance:
            if name not in known:
                yield _named(error.absolute_path, name), _l("Unknown field.")
    else:
        yield _named(error.absolute_path), _message(error)


def _fields(errors: Iterator[SchemaError], parameter: str | None = None) -> dict[str, list]:
    """The problems by field (a query parameter's are all its own)."""
    fields: dict[str, list] = {}
    for error in errors:
        for name, message in _problems(error):
            name = parameter or name
            if message not in fields.setdefault(name, []):
                fields[name].append(message)
    return fields


def _query_value(raw: str, validator: Draft202012Validator) -> Any:
    """The text of a query parameter as its schema's type reads it (`12` an integer)."""
    kinds = validator.schema.get("type")
    if kinds == "integer" and WHOLE.match(raw):
        return int(raw)
    if kinds == "boolean" and raw in ("true", "false"):
        return raw == "true"
    return raw


def check_request() -> None:
    """Before every API view: the query and the body against the operation's document.
    Errors: bad_request (400, no JSON object), validation_failed (422, with fields)."""
    rule = request.url_rule
    if rule is None:
        return
    method = "GET" if request.method == "HEAD" else request.method
    contract = contracts().get((method, CONVERTER.sub(r"{\1}", rule.rule)))
    if contract is None:
        return
    fields: dict[str, list] = {}
    for name, validator in contract.query:
        if name in request.args:
            value = _query_value(request.args.get(name, ""), validator)
            fields |= _fields(validator.iter_errors(value), parameter=name)
    if fields:
        raise ValidationError(fields, _l("Some filters are not valid."))
    if contract.body is None:
        return
    fields = _fields(contract.body.iter_errors(json_body(optional=not contract.body_required)))
    if fields:
        raise ValidationError(fields)
