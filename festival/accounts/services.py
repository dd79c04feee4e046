"""Accounts: creating users, checking passwords, API tokens.

Services take the acting user explicitly, flush, and never commit: the caller does.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from festival.accounts import throttle
from festival.accounts.models import ApiToken, PasswordReset, User
from festival.core.access import Role
from festival.core.errors import DomainError, NotFound, ValidationError
from festival.core.kept import Kept
from festival.core.timeutil import to_paris, utcnow
from festival.extensions import db
from festival.mail.services import queue_mail

MIN_PASSWORD_LENGTH = 10
RESET_LIFETIME = timedelta(hours=1)
# The link that confirms the address of an account made by the application form; once it has
# expired, "Forgot your password?" sends a link that confirms the address as well.
CONFIRM_LIFETIME = timedelta(days=2)
TOKEN_PREFIX = "alm_"
TOKEN_ROLES = (Role.ORGANISER, Role.VOLUNTEER)
# Writing last_used_at on every call would put a write on every scan; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def _hash(password: str) -> str:
    # Tests use a cheaper method (PASSWORD_HASH_METHOD); production keeps werkzeug's scrypt.
    return generate_password_hash(password,
                                  method=current_app.config.get("PASSWORD_HASH_METHOD", "scrypt"))


def normalise_email(raw: str) -> str:
    """Lower-cased, checked syntax (no DNS lookup). Raises ValidationError on `email`."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationError({"email": [_l("This is not a valid e-mail address.")]}) from None


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            {field: [_l("The password must be at least %(n)s characters long.", n=MIN_PASSWORD_LENGTH)]})


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def create_user(email: str, password: str, role: Role | str, *, name: str = "",
                association_id: int | None = None, actor: User | None = None,
                confirmed: bool = True) -> User:
    """Create an account. With `confirmed` False (the public application form: whoever
    filled it in has not proven they hold the address), it cannot log in until its address
    is confirmed (`email_link`, `confirm_address`).
    Errors: validation_failed (email, password, role), email_taken."""
    email = normalise_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise ValidationError({"role": [_l("Unknown role.")]}) from None
    check_password_strength(password)
    if user_by_email(email) is not None:
        raise DomainError("email_taken", _l("An account already exists with this e-mail address."),
                          fields={"email": [_l("An account already exists with this address.")]},
                          status=409)
    user = User(email=email, name=name.strip(), role=role, association_id=association_id,
                password_hash=_hash(password), email_confirmed_at=utcnow() if confirmed else None)
    db.session.add(user)
    db.session.flush()
    return user


def _dummy_hash() -> str:
    """A hash made with the configured method, checked for unknown addresses so that they
    cost what a known one does (no timing oracle)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = _hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[method]


_DUMMY_HASHES: dict[str, str] = {}


def hash_anyway(password: str) -> None:
    """Hash and forget: a request that would have hashed a password for an unknown address
    does the same work for a known one, so the two cannot be told apart by their time."""
    _hash(password or "")


def authenticate(email: str, password: str, *, client: str = "",
                 now: datetime | None = None) -> User:
    """The user with these credentials. Errors: invalid_credentials (the same for an unknown
    address, a disabled account, an account whose address is not confirmed yet and a wrong
    password: one password check in every case),
    account_locked (this client failed too often for this address: it waits, see
    accounts.throttle; other clients do not)."""
    now = now or utcnow()
    until = throttle.locked_until(email, client, now)
    if until is not None:
        raise DomainError("account_locked", locked_message(until), status=401)
    user = user_by_email(email or "")
    matches = check_password_hash(user.password_hash if user is not None else _dummy_hash(),
                                  password or "")
    if user is None or not matches or not user.is_active:
        until = throttle.record_failure(email, client, now)
        if until is not None:
            raise DomainError("account_locked", locked_message(until), status=401)
        raise DomainError("invalid_credentials", _l("Wrong e-mail address or password."),
                          status=401)
    throttle.clear(email, client)
    user.last_login_at = now
    return user


def locked_message(until: datetime):
    from flask_babel import format_time
    return _l("Too many failed attempts: you can try again at %(time)s. To log in now, use "
              "“Forgot your password?” to set a new password.",
              time=format_time(to_paris(until), "HH:mm"))


def locked_emails(*, now: datetime | None = None) -> set[str]:
    """The addresses of the accounts that some client waits for."""
    return throttle.locked_emails(now or utcnow())


def unlock(user: User, *, actor: User | None) -> int:
    """Lift every wait on this account's logins (from every client). Administrators only
    (`actor` None: the command line). Errors: forbidden. Returns how many clients waited or
    counted failures."""
    if actor is not None and actor.role is not Role.ADMIN:
        raise DomainError("forbidden", _l("Only an administrator may unlock an account."),
                          status=403)
    return throttle.clear(user.email)


def end_other_sessions(user: User) -> None:
    """Every session opened before now is logged out at its next request (the session
    cookie holds User.get_id(), which includes the version). A session that should stay
    logged in is stamped again with the new id (accounts.views.restamp)."""
    user.session_version = (user.session_version or 0) + 1


def log_out(user: User) -> None:
    """Logging out ends every session of the account, not only the browser's: a copy of
    its cookie (a shared computer, a leaked file) stops working too. The session cookie
    only holds the account's session version, so one session cannot be told from another:
    ending them all is what the version can do, and the safe side."""
    end_other_sessions(user)


def user_for_session(session_id: str) -> User | None:
    """The user of a session or remember cookie (`<id>:<version>`), or None when the
    version is no longer the account's (a new password) or the cookie is malformed."""
    user_id, _, version = (session_id or "").partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def request_password_reset(email: str, *, ip: str = "", now: datetime | None = None
                           ) -> tuple[User, str] | None:
    """A new reset link for an enabled account with this address, or None (the caller says
    the same thing either way, so addresses cannot be probed). Both cases send the same
    statements, so that their time tells nothing either: the account's lookup, the expired
    links' purge, a link's row (with no user for an address without an account: it opens
    nothing and is never sent) and an e-mail (the link, or a note that this address has no
    account)."""
    now = now or utcnow()
    try:
        email = normalise_email(email)
    except ValidationError:
        return None
    user = user_by_email(email)
    known = user is not None and user.is_enabled  # confirmed or not: the link confirms it
    plain = secrets.token_urlsafe(32)
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id.is_(None),
                                                   PasswordReset.expires_at < now))
    _add_link(user if known else None, plain, RESET_LIFETIME, now=now, ip=ip)
    if not known:
        queue_mail(email, "password_reset_unknown", {"minutes": minutes},
                   current_app.config["BABEL_DEFAULT_LOCALE"],
                   _l("Set a new password for Almoggar"))
        return None
    queue_mail(user.email, "password_reset", {"user": user, "token": plain,
                                              "minutes": minutes},
               user.language or current_app.config["BABEL_DEFAULT_LOCALE"],
               _l("Set a new password for Almoggar"))
    return user, plain


def _add_link(user: User | None, plain: str, lifetime: timedelta, *, now: datetime,
              ip: str = "") -> None:
    db.session.add(PasswordReset(user_id=user.id if user is not None else None,
                                 token_hash=hash_token(plain), created_at=now,
                                 expires_at=now + lifetime, requested_ip=ip[:64]))
    db.session.flush()


def email_link(user: User, *, lifetime: timedelta = CONFIRM_LIFETIME,
               now: datetime | None = None) -> str:
    """A new single-use link for `user`, to send to their address; returns its plain token
    (only its hash is kept). It confirms the address (`confirm_address`) and, like a reset
    link, may set a new password: either way its holder proves they read the address."""
    plain = secrets.token_urlsafe(32)
    _add_link(user, plain, lifetime, now=now or utcnow())
    return plain


def confirm_address(plain: str, *, now: datetime | None = None) -> User:
    """The holder of the address followed a link sent to it: the account may log in. The
    link, and every other link of the account, is used up. Errors: reset_link_invalid."""
    now = now or utcnow()
    reset = reset_for_token(plain, now=now)
    _use_up_links(reset.user, now)
    return reset.user


def _use_up_links(user: User, now: datetime) -> None:
    """Every live link of the account is used: its address is proven (or its password set)."""
    for link in db.session.scalars(select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None))):
        link.used_at = now
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now


def reset_for_token(plain: str, *, now: datetime | None = None) -> PasswordReset:
    """The live reset of a link. Error: reset_link_invalid (unknown, used or expired, or
    made for an address without an account)."""
    now = now or utcnow()
    reset = db.session.scalar(select(PasswordReset).where(
        PasswordReset.token_hash == hash_token(plain or "")))
    if (reset is None or reset.user_id is None or reset.used_at is not None
            or reset.expires_at <= now):
        raise DomainError("reset_link_invalid", _l("This link has expired or has already been "
                                                   "used. Ask for a new one."), status=400)
    return reset


def reset_password(plain: str, new: str, *, now: datetime | None = None) -> User:
    """Set the new password, use the link up (and every other link of the account), confirm
    the address (the link was read there), lift every login wait, and log out every session
    of the account.
    Errors: reset_link_invalid, validation_failed (password)."""
    now = now or utcnow()
    reset = reset_for_token(plain, now=now)
    set_password(reset.user, new)
    _use_up_links(reset.user, now)
    throttle.clear(reset.user.email)
    end_other_sessions(reset.user)
    return reset.user


def change_password(user: User, current: str, new: str) -> None:
    """The new password; every other session of the account is logged out (the caller
    stamps its own again). Errors: validation_failed (current_password, new_password)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationError({"current_password": [_l("The current password is not right.")]})
    check_password_strength(new, "new_password")
    user.password_hash = _hash(new)
    end_other_sessions(user)


def set_password(user: User, new: str) -> None:
    check_password_strength(new)
    user.password_hash = _hash(new)


# --- staff accounts -----------------------------------------------------------------------------

# Every role above a plain account (an association's representative; buyers have none).
STAFF_ROLES = frozenset({Role.ADMIN, Role.ORGANISER, Role.VOLUNTEER})


def require_may_change_account(user: User, *, actor: User | None) -> None:
    """Only an administrator changes or erases a staff account (`actor` None: the command
    line or the retention purge). Error: staff_account (403)."""
    if user.role in STAFF_ROLES and actor is not None and actor.role is not Role.ADMIN:
        raise DomainError("staff_account", _l(
            "This is a staff account: only an administrator may change or erase it."),
            status=403)


def require_another_admin(user: User) -> None:
    """Before an account stops being an active administrator (erased, disabled, demoted):
    another active administrator must remain. The active administrators' rows are locked
    (PostgreSQL), so two administrators removing each other cannot both succeed.
    Error: last_admin (409)."""
    if user.role is not Role.ADMIN or not user.is_enabled:
        return
    admins = db.session.scalars(select(User.id).where(
        User.role == Role.ADMIN, User.is_enabled.is_(True)).with_for_update()).all()
    if not any(admin_id != user.id for admin_id in admins):
        raise DomainError("last_admin", _l(
            "This is the last active administrator account: give another account the "
            "administrator role first."), status=409)


def hash_token(plain: str) -> str:
    return hashlib.sha256(plain.encode()).hexdigest()


def create_api_token(name: str, role: Role | str, *, actor: User | None = None
                     ) -> tuple[ApiToken, str]:
    """A new token; returns the row and the plain token, which is never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_l("Give the token a name.")]})
    try:
        role = Role(role)
    except ValueError:
        role = None
    if role not in TOKEN_ROLES:
        raise ValidationError({"role": [_l("A token's role is organiser or volunteer.")]})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name[:120], role=role, token_hash=hash_token(plain),
                     prefix=plain[:12], created_at=utcnow(),
                     created_by_id=actor.id if actor else None)
    db.session.add(token)
    db.session.flush()
    return token, plain


def revoke_api_token(token_id: int, *, actor: User | None = None) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("token_not_found", _l("No such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


@dataclass(frozen=True)
class Principal:
    """The live API token of a request, as the access check reads it: a plain value read
    in one Core query (the check runs before every API call, so it stays cheap)."""

    id: int
    name: str
    role: Role
    token_hash: str
    created_by_id: int | None

    @property
    def created_by(self) -> User | None:
        return db.session.get(User, self.created_by_id) if self.created_by_id else None


_TOKENS = ApiToken.__table__
_LIVE_TOKEN = select(_TOKENS.c.id, _TOKENS.c.name, _TOKENS.c.role, _TOKENS.c.created_by_id,
                     _TOKENS.c.last_used_at).where(_TOKENS.c.token_hash == bindparam("hash"),
                                                   _TOKENS.c.revoked_at.is_(None))
_NOTE_USE = update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id")).values(
    last_used_at=bindparam("now", type_=_TOKENS.c.last_used_at.type))


UNAUTHORIZED = _l("The API token is missing, malformed, unknown or revoked.")
_IS_LIVE = select(_TOKENS.c.id).where(_TOKENS.c.id == bindparam("token_id"),
                                      _TOKENS.c.revoked_at.is_(None))
# Principals read in the last KEPT_FOR seconds, by token hash, for the endpoints that check
# the token again themselves (the scan at the door, in the statement that records it).
KEPT_FOR = 5.0
_principals: Kept[Principal | None] = Kept(KEPT_FOR)


def principal_for_bearer(header: str, *, kept: bool = False) -> Principal | None:
    """The live token named by an `Authorization: Bearer …` header, or None. A revoked
    token is refused at its next request.

    `kept`: the endpoint proves the token live itself, in the same statement that acts
    (require_live_token, or the scan's statement); a principal read in the last KEPT_FOR
    seconds will do."""
    scheme, _, plain = header.partition(" ")
    plain = plain.strip()
    if scheme.lower() != "bearer" or not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    token_hash = hash_token(plain)
    if kept:
        return _principals.get(token_hash, lambda: _read_principal(token_hash))
    return _read_principal(token_hash)


def _read_principal(token_hash: str) -> Principal | None:
    row = db.session.connection().execute(_LIVE_TOKEN, {"hash": token_hash}).first()
    if row is None:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at > LAST_USED_RESOLUTION:
        # Noted at once, on a connection of its own: the token's row is not held locked for
        # the whole request, and the use counts whatever becomes of the request.
        with db.engine.begin() as connection:
            connection.execute(_NOTE_USE, {"token_id": row.id, "now": now})
    return Principal(id=row.id, name=row.name, role=row.role, token_hash=token_hash,
                     created_by_id=row.created_by_id)


def token_revoked() -> DomainError:
    return DomainError("unauthorized", UNAUTHORIZED, status=401)


def require_live_token(token_id: int) -> None:
    """Refuse (401) an API token revoked since the access check read it."""
    if db.session.connection().execute(_IS_LIVE, {"token_id": token_id}).first() is None:
        raise token_revoked()
