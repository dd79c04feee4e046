"""Recording back-office actions, automatically, for every endpoint that needs a staff role.

One AuditEntry for every write (POST, PUT, PATCH, DELETE) to an endpoint whose access policy
is limited to organisers or admins, from a page or with an organiser's API token. New
back-office routes are audited without anyone having to remember it.

An action done is recorded in its own transaction: the entry is added just before the
request's commit (core.unit_of_work.on_commit), so there is never an action without its
entry nor an entry without its action. An action refused (an answer of 400 or more, an error,
or a service that said no) by a staff member or a staff token is rolled back, then recorded
as `refused` in a short transaction of its own.
"""
from __future__ import annotations

import json
import logging

from flask import Flask, current_app, g, request
from flask_login import current_user

from festival.audit.models import AuditEntry
from festival.core.access import Role, current_principal, policy_of
from festival.core.unit_of_work import on_commit, refuse_request, request_refused, transaction
from festival.extensions import db

log = logging.getLogger(__name__)
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
STAFF = {Role.ORGANISER, Role.ADMIN}
SECRET_WORDS = ("password", "secret", "token", "csrf")


def _is_back_office(endpoint: str) -> bool:
    policy = policy_of(current_app, endpoint)
    return policy is not None and not policy.public and bool(policy.roles) \
        and policy.roles <= STAFF


def _details() -> str:
    if request.is_json:
        body = request.get_json(silent=True)
        fields = body if isinstance(body, dict) else {"body": body}
    else:
        fields = {k: (v if len(v) < 300 else v[:300] + "…")
                  for k, v in request.form.items(multi=False)}
        if request.files:
            fields["files"] = [f.filename for f in request.files.values()]
    clean = {k: ("***" if any(w in k.lower() for w in SECRET_WORDS) else v)
             for k, v in fields.items()}
    return json.dumps(clean, ensure_ascii=False, default=str)[:4000]


def _actor() -> tuple[int | None, str]:
    principal = current_principal()
    if principal is not None:
        return None, f"token: {principal.name}"
    if current_user.is_authenticated:
        return current_user.id, current_user.email
    return None, "anonymous"


def _audited() -> bool:
    endpoint = request.endpoint
    return request.method in WRITES and endpoint is not None and _is_back_office(endpoint)


def _entry(response, outcome: str):
    actor_id, label = _actor()
    target = ", ".join(f"{k}={v}" for k, v in (request.view_args or {}).items())
    return AuditEntry(
        actor_id=actor_id, actor_label=label[:300], action=request.endpoint[:120],
        method=request.method, path=request.path[:500], target=target[:300],
        details=_details(), status=response.status_code, outcome=outcome,
        ip=(request.remote_addr or "")[:64], request_id=g.get("request_id", ""))


def record_done(response) -> None:
    """Before the request's commit: the entry of a back-office action done, in the action's
    own transaction."""
    if _audited():
        db.session.add(_entry(response, "done"))


def _by_staff() -> bool:
    principal = current_principal()
    if principal is not None:
        return principal.role in STAFF
    return current_user.is_authenticated and current_user.role in STAFF


def record_refused(response):
    """After the request: the entry of a back-office action a staff member was refused,
    written once the action's work is rolled back."""
    if not (response.status_code >= 400 or request_refused()) or not _audited() \
            or not _by_staff():
        return response
    refuse_request()  # nothing of the refused action is written with its entry
    try:
        with transaction():
            db.session.add(_entry(response, "refused"))
    except Exception:  # a failed audit write must be seen, not hidden
        log.exception("could not write the audit entry for %s %s", request.method,
                      request.path)
    return response


def record_command(action: str, target: str, details: str = "") -> None:
    """One entry for a back-office action taken on the command line (no request, no user:
    the actor is whoever runs the command on the server). Added to the current transaction,
    committed with the action."""
    import getpass

    try:
        who = getpass.getuser()
    except Exception:  # no login name (a container): still record the action
        who = "unknown"
    db.session.add(AuditEntry(
        actor_id=None, actor_label=f"command line: {who}"[:300], action=action[:120],
        method="CLI", path="", target=target[:300], details=details[:4000], status=200,
        outcome="done"))


def init_audit(app: Flask) -> None:
    on_commit(app, record_done)
    app.after_request(record_refused)
