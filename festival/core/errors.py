"""Coded domain errors and the handlers that turn any error into a clear answer.

API requests (under /api/) always get JSON: {"error": "<code>", "message": "...", "fields"?}.
Pages get a friendly page in the site's layout. Nothing reaches the visitor as a bare 500.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from flask import Flask, jsonify, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from festival.core.unit_of_work import refuse_request
from festival.extensions import db, session_in_transaction

log = logging.getLogger(__name__)
T = TypeVar("T")


class DomainError(Exception):
    """A rule of the domain refused an action. `code` is stable; `message` is for people."""

    status = 400

    def __init__(self, code: str, message: str | None = None, *,
                 fields: dict[str, list[str]] | None = None, status: int | None = None):
        super().__init__(str(message or code))
        self.code = code
        self.message = message or code
        self.fields = fields or {}
        if status is not None:
            self.status = status


class ValidationError(DomainError):
    """Input that does not fit: one or more fields named with their problems."""

    status = 422

    def __init__(self, fields: dict[str, list[str]], message: str | None = None):
        super().__init__("validation_failed", message or _l("Some fields are not valid."),
                         fields=fields)


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str = "not_found", message: str | None = None):
        super().__init__(what, message or _l("Not found."))


class Conflict(DomainError):
    status = 409


def committed(action: Callable[[], T]) -> T:
    """Run a service for the request. If it refuses (a DomainError), what it did is rolled
    back, the request commits nothing (core.unit_of_work), and the error goes on. Otherwise
    the request's unit of work commits its work (flushed here) once the view has answered."""
    try:
        result = action()
    except DomainError:
        refuse_request()
        raise
    if session_in_transaction():
        db.session.flush()  # the rows it made have their ids
    return result


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/stripe/")) or request.path == "/healthz"


def json_error(code: str, message: str, status: int, fields: dict | None = None):
    body: dict = {"error": code, "message": str(message)}
    if fields:
        body["fields"] = {name: [str(m) for m in msgs] for name, msgs in fields.items()}
    return jsonify(body), status


HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
    422: "validation_failed", 429: "too_many_requests", 503: "unavailable",
}


def http_titles() -> dict[int, str]:
    return {
        400: _("This request could not be understood."),
        401: _("Please log in to continue."),
        403: _("You do not have access to this page."),
        404: _("This page does not exist."),
        405: _("This action is not allowed here."),
        413: _("The file you sent is too large."),
        429: _("Too many attempts. Please wait a moment and try again."),
        500: _("Something went wrong on our side. Nothing you sent was lost; please try again."),
        503: _("The service is briefly unavailable. Please try again in a moment."),
    }


def _page(status: int, message: str | None = None):
    title = http_titles().get(status, _("Something went wrong."))
    return render_template("errors/error.html", status=status, title=title,
                           message=message), status


def http_error_response(status: int, message: str):
    """The answer for `status` saying `message`: JSON where JSON is wanted, else a page."""
    if wants_json():
        return make_response(json_error(HTTP_CODES.get(status, "error"), message, status))
    return make_response(_page(status, message))


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        if wants_json():
            return json_error(error.code, error.message, error.status, error.fields)
        return _page(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        if wants_json():
            return json_error("csrf_failed", error.description, 400)
        return _page(400, _("The form expired or was sent twice. Please reload the page "
                            "and try again."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            # Werkzeug's own descriptions are English only: the request's language instead.
            described = error.description != type(error).description and error.description
            response, status = json_error(HTTP_CODES.get(status, "error"),
                                          described or http_titles().get(status, ""), status)
            for name, value in error.get_headers():  # Allow on a 405, WWW-Authenticate…
                if name.lower() != "content-type":
                    response.headers[name] = value
            return response, status
        return _page(status)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        refuse_request()  # an error before the view's unit of work (a hook)
        if wants_json():
            return json_error("internal_error", "Unexpected error; nothing was changed.", 500)
        return _page(500)
