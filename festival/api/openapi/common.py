"""Building blocks of the OpenAPI document: schema helpers, the error shapes, parameters and
the standard error responses every operation shares.

Schemas are JSON Schema 2020-12 (OpenAPI 3.1): `null` is a type, so a nullable value is
`{"type": ["string", "null"]}`. Objects allow keys they do not name: the API may add a key
without breaking its clients.
"""
from __future__ import annotations

from typing import Any

from festival.api.guards import MAX_NUMBER as MAX_ID  # ids and years are 32-bit integers
from festival.config import LANGUAGES

Schema = dict[str, Any]

BEARER = [{"bearerAuth": []}]
PUBLIC: list = []


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: Schema) -> Schema:
    """The schema, or null."""
    if "type" in schema and "$ref" not in schema and "enum" not in schema:
        kind = schema["type"]
        kinds = kind if isinstance(kind, list) else [kind]
        return {**schema, "type": [*kinds, "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


def obj(properties: dict[str, Schema], required: list[str] | tuple[str, ...] | None = None, *,
        closed: bool = False, **extra) -> Schema:
    """An object with these properties; `required` defaults to all of them."""
    schema: Schema = {"type": "object", "properties": properties,
                      "required": list(properties if required is None else required)}
    if closed:
        schema["additionalProperties"] = False
    schema.update(extra)
    return schema


def extends(base: str, properties: dict[str, Schema],
            required: list[str] | tuple[str, ...] | None = None, **extra) -> Schema:
    """The `base` component with more properties. Both are members of allOf (generated clients
    merge them into one model; properties beside allOf are ignored by some)."""
    return {"allOf": [ref(base), obj(properties, required)], **extra}


def array(items: Schema, **extra) -> Schema:
    return {"type": "array", "items": items, **extra}


def enum(values) -> Schema:
    return {"type": "string", "enum": [getattr(v, "value", v) for v in values]}


STRING: Schema = {"type": "string"}
INTEGER: Schema = {"type": "integer"}
BOOLEAN: Schema = {"type": "boolean"}
ID: Schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
CENTS: Schema = {"type": "integer", "minimum": 0}
DATE: Schema = {"type": "string", "format": "date"}
DATETIME: Schema = {"type": "string", "format": "date-time"}
URL: Schema = {"type": "string", "format": "uri"}
CLOCK: Schema = {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$",
                 "description": "A time of day in Paris, HH:MM."}


def text(max_length: int, *, required: bool = False, **extra) -> Schema:
    schema: Schema = {"type": "string", "maxLength": max_length, **extra}
    if required:
        schema["minLength"] = 1
        schema["pattern"] = r"\S"
    return schema


def texts(**extra) -> Schema:
    """A public text in every language written ({"fr": …, "ar": …}; core/translated.py)."""
    return {"type": "object", "properties": {lang: STRING for lang in LANGUAGES},
            "required": [], **extra}


def texts_of(*fields: str, **extra) -> Schema:
    """`texts` of a resource: {field: {language: text}} for each of its public texts."""
    return obj({field: ref("Texts") for field in fields}, **{
        "description": "Each public text in every language written (French always); the "
                       "field itself is in the request's language (`Accept-Language`), else "
                       "French.", **extra})


def text_in_languages(max_length: int, *, required: bool = False) -> Schema:
    """A public text written by a client: a string (its French; the other languages are
    kept) or an object {language: text} (every language replaced; French required when the
    text is, or when another language is written)."""
    per_language = {"type": "object",
                    "properties": {lang: text(max_length) for lang in LANGUAGES},
                    "additionalProperties": False}
    if required:
        per_language["required"] = ["fr"]
        per_language["properties"]["fr"] = text(max_length, required=True)
    return {"anyOf": [text(max_length, required=required), per_language],
            "description": "A string (the French text; the other languages are kept) or "
                           "{language: text} (every language replaced; a text in another "
                           "language needs its French too, the fallback)."}


def whole(minimum: int, maximum: int, **extra) -> Schema:
    return {"type": "integer", "minimum": minimum, "maximum": maximum, **extra}


# Errors -------------------------------------------------------------------------------------

# Objects nested in a schema that another one extends (allOf) are components of their own:
# generated clients name an inline object after its parent, and the extending schema would
# make the same name again (openapi-python-client then drops both schemas).
# ValidationError is an Error whose code is fixed, written out whole: generated clients cannot
# merge a `const` into the string it narrows.
_MESSAGE: Schema = {"type": "string", "description": "For people, in the request's language "
                                                     "(`Accept-Language`: fr, en or ar)."}
ERROR_SCHEMAS: dict[str, Schema] = {
    "FieldErrors": {"type": "object", "additionalProperties": array(STRING),
                    "minProperties": 1,
                    "description": "Problems per field (the field's name → its problems)."},
    "Error": obj({
        "error": {"type": "string", "description": "A stable code, e.g. `sold_out`."},
        "message": _MESSAGE,
        "fields": {**ref("FieldErrors"),
                   "description": "Problems per field, when the error is about fields."},
    }, ["error", "message"]),
    "ValidationError": obj({
        "error": {"type": "string", "const": "validation_failed"}, "message": _MESSAGE,
        "fields": ref("FieldErrors"),
    }, description="Fields that do not fit, each with its problems."),
}

_ERRORS = {
    400: ("BadRequest", ("The request is not understood: a body that is not a JSON object "
                         "or is nested more than 32 levels deep, or text holding a NUL "
                         "character or an unpaired surrogate."), "Error"),
    401: ("Unauthorized", ("No token where one is needed, or a token that is malformed, "
                           "unknown or revoked."), "Error"),
    403: ("Forbidden", "The token's role may not do this.", "Error"),
    404: ("NotFound", "No such resource (or it is not visible to this token).", "Error"),
    409: ("Conflict", "The request conflicts with the current state (see the `error` code).",
          "Error"),
    422: ("Unprocessable", "Fields that do not fit, with their problems.", "ValidationError"),
    429: ("TooManyRequests", "Too many requests from this address: wait and try again.",
          "Error"),
}


def error_responses() -> dict[str, Any]:
    return {name: {"description": description,
                   "content": {"application/json": {"schema": ref(schema)}}}
            for name, description, schema in _ERRORS.values()}


def errors(*statuses: int) -> dict[str, Any]:
    """The shared responses for these error statuses."""
    return {str(s): {"$ref": f"#/components/responses/{_ERRORS[s][0]}"} for s in statuses}


def error(description: str, schema: str = "Error") -> dict[str, Any]:
    """An error response described for one operation."""
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def ok(schema: Schema, description: str = "OK", *, headers: dict | None = None) -> dict:
    response: dict[str, Any] = {"description": description,
                                "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


# Parameters ---------------------------------------------------------------------------------

def path_id(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "integer", "minimum": 0, "maximum": MAX_ID}}


def path_text(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "minLength": 1}}


def query(name: str, schema: Schema, description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema}


YEAR = path_id("year", "The edition's year, e.g. 2027.")


def json_body(schema: Schema, *, required: bool = True) -> dict[str, Any]:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def operation(operation_id: str, summary: str, *, tag: str, security: list,
              responses: dict[str, Any], parameters: list | None = None,
              body: dict | None = None, description: str = "") -> dict[str, Any]:
    """One operation. Every operation may answer 400 (see guards.py) and 401 (a token that is
    given must be valid); one that takes a body or query parameters, 422 (see contract.py)."""
    op: dict[str, Any] = {"operationId": operation_id, "summary": summary, "tags": [tag],
                          "security": security}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = parameters
    if body is not None:
        op["requestBody"] = body
    checked = body is not None or any(p["in"] == "query" for p in parameters or ())
    op["responses"] = {**responses, **(errors(422) if checked and "422" not in responses
                                       else {}), **errors(400, 401)}
    return op
