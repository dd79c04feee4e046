"""Recording back-office actions, automatically, for every endpoint that needs a staff role.

A hook after each request writes one AuditEntry for every successful write (POST, PUT, PATCH,
DELETE) to an endpoint whose access policy is limited to organisers or admins, from a page or
with an organiser's API token. New back-office routes are audited without anyone having to
remember it. The entry is committed on its own, after the action's own commit.
"""
from __future__ import annotations

import json
import logging

from flask import Flask, current_app, g, request
from flask_login import current_user

from festival.audit.models import AuditEntry
from festival.core.access import Role, current_principal, policy_of
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


def record_request(response):
    endpoint = request.endpoint
    if request.method not in WRITES or endpoint is None or response.status_code >= 400 \
            or not _is_back_office(endpoint):
        return response
    try:
        actor_id, label = _actor()
        target = ", ".join(f"{k}={v}" for k, v in (request.view_args or {}).items())
        db.session.rollback()  # nothing of the action is left uncommitted by now
        db.session.add(AuditEntry(
            actor_id=actor_id, actor_label=label[:300], action=endpoint[:120],
            method=request.method, path=request.path[:500], target=target[:300],
            details=_details(), status=response.status_code,
            ip=(request.remote_addr or "")[:64], request_id=g.get("request_id", "")))
        db.session.commit()
    except Exception:  # the action happened; a failed audit write must be seen, not hidden
        db.session.rollback()
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
        method="CLI", path="", target=target[:300], details=details[:4000], status=200))


def init_audit(app: Flask) -> None:
    app.after_request(record_request)
