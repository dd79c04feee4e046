"""Who may reach what: one declaration on each view, enforced in one place.

Every endpoint declares its policy with `@public`, `@logged_in` or `@roles(...)`. A hook that
runs before each request enforces it: pages use the logged-in user (Flask-Login session), the
JSON API under /api/v1 uses only `Authorization: Bearer <token>` and never the session cookie.
`admin` passes every role check. The factory refuses to start if any endpoint declares nothing,
so a new route can never be open by omission.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Callable, TypeVar

from flask import Flask, abort, current_app, g, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable)


class Role(str, enum.Enum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    VOLUNTEER = "volunteer"
    ASSOCIATION = "association"


@dataclass(frozen=True)
class Policy:
    public: bool = False
    roles: frozenset[Role] = frozenset()  # empty and not public: any logged-in user
    # The view proves the API token live itself, in the statement that acts: the check
    # here may use what it read of the token a few seconds ago (accounts.KEPT_FOR).
    rechecks_token: bool = False

    def admits(self, role: Role | None) -> bool:
        if self.public:
            return True
        if role is None:
            return False
        return not self.roles or role is Role.ADMIN or role in self.roles


def _declare(policy: Policy) -> Callable[[F], F]:
    def decorate(view: F) -> F:
        view.access_policy = policy  # type: ignore[attr-defined]
        return view
    return decorate


def public(view: F) -> F:
    """Anyone, logged in or not."""
    return _declare(Policy(public=True))(view)


def logged_in(view: F) -> F:
    """Any logged-in user, whatever the role."""
    return _declare(Policy())(view)


def roles(*allowed: Role | str, rechecks_token: bool = False) -> Callable[[F], F]:
    """Only these roles (and admin). `rechecks_token`: see Policy."""
    return _declare(Policy(roles=frozenset(Role(r) for r in allowed),
                           rechecks_token=rechecks_token))


def policy_of(app: Flask, endpoint: str) -> Policy | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, "access_policy", None)


def is_api_request() -> bool:
    return "api" in request.blueprints


def current_principal():
    """The API token of this request (None on pages or anonymous API calls)."""
    return g.get("api_principal")


# The core knows no domain: the accounts register at start-up how an `Authorization` header
# becomes a principal (an object with a `role`), and the message of the 401 that refuses one.
PrincipalLoader = Callable[..., object | None]
_PRINCIPAL_LOADER = "festival.access.principal_loader"


def register_principal_loader(app: Flask, loader: PrincipalLoader, refusal: str) -> None:
    """`loader(header, kept=bool)` gives the live principal the header names, or None."""
    app.extensions[_PRINCIPAL_LOADER] = (loader, refusal)


def _enforce() -> object | None:
    endpoint = request.endpoint
    if endpoint is None or endpoint == "static":
        return None  # 404/405 handled by Flask
    policy = policy_of(current_app, endpoint)
    if policy is None:  # cannot happen after check_declared; refuse rather than open
        abort(403)
    if is_api_request():
        load_principal, refusal = current_app.extensions[_PRINCIPAL_LOADER]
        header = request.headers.get("Authorization", "")
        principal = load_principal(header, kept=policy.rechecks_token) if header else None
        if header and principal is None:
            abort(401, refusal)
        g.api_principal = principal
        if policy.admits(principal.role if principal else None):
            return None
        abort(401 if principal is None else 403)
    if policy.public:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if not policy.admits(current_user.role):
        abort(403)
    return None


def init_access(app: Flask) -> None:
    app.before_request(_enforce)


def check_declared(app: Flask) -> None:
    """Refuse to start when an endpoint has no declared access policy."""
    missing = sorted(e for e in app.view_functions if e != "static" and policy_of(app, e) is None)
    if missing:
        raise RuntimeError(f"endpoints without an access policy: {', '.join(missing)}")
    if "api" in app.blueprints and _PRINCIPAL_LOADER not in app.extensions:
        raise RuntimeError("the API has no principal loader (access.register_principal_loader)")
