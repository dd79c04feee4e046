"""The member association registry's rules: applications, the membership process, profiles,
working groups (pôles) and representatives.

Every service takes the acting user (`actor`; None for the system: demo loader, commands),
checks its rules, changes rows, flushes and raises coded DomainErrors. None commits.
Membership is a process with a history: every status change and every review note is a
MembershipEvent row (who, when, from, to, why).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from festival.accounts.models import User
from festival.accounts.services import (
    CONFIRM_LIFETIME,
    MIN_PASSWORD_LENGTH,
    create_user,
    email_link,
    hash_anyway,
    user_by_email,
)
from festival.associations.membership import (  # noqa: F401  (the process, re-exported)
    ACTIONS,
    TRANSITIONS,
    add_review_note,
    approve,
    available_actions,
    clean_note,
    is_organiser,
    mark_left,
    perform,
    record_event,
    reinstate,
    reject,
    require_organiser,
    start_review,
    suspend,
)
from festival.associations.models import (
    Association,
    AssociationPole,
    AssociationTheme,
    MembershipStatus,
    Pole,
    UserPole,
)
from festival.associations.validation import check_fields, clean_email, clean_fields, slugify
from festival.core.access import Role
from festival.core.errors import DomainError, ValidationError
from festival.core.timeutil import utcnow
from festival.extensions import db
from festival.mail.services import queue_mail

S = MembershipStatus
# What an applicant fills in; organisers may leave anything but the name for later.
APPLICATION_REQUIRED = ("name", "short_description", "city", "postcode", "province", "themes",
                        "email")
_FIELD_NAMES = frozenset(("name", "slug", "short_description", "description", "city", "postcode",
                          "province", "commune", "email", "phone", "website", "themes", "poles"))
# What a representative may change on their own association's public page.
PROFILE_FIELDS = ("short_description", "description", "city", "postcode", "province",
                  "commune", "themes", "email", "phone", "website")


def can_edit_profile(actor: User | None, association: Association) -> bool:
    """Organisers, and the association's own representatives once their address is
    confirmed (an account made by the application form proves nothing before that)."""
    if is_organiser(actor):
        return True
    return (actor is not None and actor.role is Role.ASSOCIATION and actor.is_confirmed
            and actor.association_id == association.id)


# --- uniqueness and field changes -------------------------------------------------------------

def _taken(column, value: str, exclude_id: int | None) -> Association | None:
    query = select(Association).where(column == value)
    if exclude_id is not None:
        query = query.where(Association.id != exclude_id)
    return db.session.scalars(query.limit(1)).first()


def _uniqueness_errors(cleaned: Mapping[str, Any], exclude_id: int | None) -> dict:
    errors: dict[str, list[str]] = {}
    if cleaned.get("name"):
        other = _taken(func.lower(Association.name), cleaned["name"].lower(), exclude_id)
        if other is not None:
            errors["name"] = [str(_l("An association with this name is already registered."))]
    if cleaned.get("slug"):
        other = _taken(Association.slug, cleaned["slug"], exclude_id)
        if other is not None:
            errors["slug"] = [str(_l("This address is already used by %(name)s.",
                                     name=other.name))]
    if cleaned.get("email"):
        other = _taken(Association.email, cleaned["email"], exclude_id)
        if other is not None:
            errors["email"] = [str(_l("Another association already uses this e-mail "
                                      "address."))]
    return errors


def free_slug(name: str) -> str:
    """The slug made from `name`, or `association-N` when the name has no Latin letters."""
    base = slugify(name)
    if base:
        return base
    n = 1
    while _taken(Association.slug, f"association-{n}", None) is not None:
        n += 1
    return f"association-{n}"


def _set_fields(association: Association, cleaned: Mapping[str, Any]) -> None:
    for name, value in cleaned.items():
        if name == "themes":
            wanted = set(value)
            for row in list(association.themes):
                if row.theme not in wanted:
                    association.themes.remove(row)
            have = {row.theme for row in association.themes}
            association.themes.extend(AssociationTheme(theme=t) for t in value if t not in have)
        elif name == "poles":
            wanted = set(value)
            for row in list(association.poles):
                if row.pole not in wanted:
                    association.poles.remove(row)
            have = {row.pole for row in association.poles}
            association.poles.extend(AssociationPole(pole=p) for p in value if p not in have)
        elif name.endswith("_texts"):  # the other languages of a public text: they replace
            association.translations = {**(association.translations or {}),
                                        name.removesuffix("_texts"): dict(value)}
        else:
            setattr(association, name, value)


def _new_association(cleaned: dict[str, Any], *, slug_error_field: str) -> Association:
    """Insert an association from cleaned fields; a missing slug is made from the name.
    A taken generated slug is reported on `slug_error_field` (the applicant has no slug field).
    """
    cleaned = dict(cleaned)
    generated = not cleaned.get("slug")
    if generated:
        cleaned["slug"] = free_slug(cleaned["name"])
    errors = _uniqueness_errors(cleaned, None)
    if generated and "slug" in errors:
        errors.pop("slug")
        message = (_l("An association with this name or a very close one is already "
                      "registered.") if slug_error_field == "name" else
                   _l("The address “%(slug)s”, made from the name, is already used: choose "
                      "another.", slug=cleaned["slug"]))
        if slug_error_field not in errors and "name" not in errors:  # one reason is enough
            errors[slug_error_field] = [str(message)]
    if errors:
        raise ValidationError(errors)
    association = Association(name=cleaned.pop("name"), slug=cleaned.pop("slug"))
    _set_fields(association, cleaned)
    db.session.add(association)
    db.session.flush()
    return association


# --- applications and records -----------------------------------------------------------------

def application_errors(fields: Mapping[str, Any], *, representative_name: str,
                       representative_email: str, password: str) -> dict[str, list[str]]:
    """Every problem of an application, by field (empty when it can be sent). Writes nothing."""
    return _check_application(fields, representative_name, representative_email, password)[3]


def _check_application(fields, representative_name, representative_email, password):
    raw = {k: fields.get(k) for k in ("name", "short_description", "description", "city",
                                       "postcode", "province", "commune", "themes", "email",
                                       "phone", "website")}
    cleaned, errors = check_fields(raw, required=APPLICATION_REQUIRED)
    rep_name = " ".join((representative_name or "").split())
    if not rep_name:
        errors["representative_name"] = [str(_l("This field is required."))]
    elif len(rep_name) > 200:
        errors["representative_name"] = [str(_l("At most %(n)s characters.", n=200))]
    rep_email = ""
    try:
        rep_email = clean_email(representative_email)
        if not rep_email:
            errors["representative_email"] = [str(_l("This field is required."))]
        # An address that already has an account is no error: saying so would tell anyone
        # which addresses have accounts (see apply).
    except ValueError as error:
        errors["representative_email"] = [str(error)]
    if cleaned.get("name"):
        taken = _uniqueness_errors(dict(cleaned, slug=slugify(cleaned["name"])), None)
        if "slug" in taken and "name" not in taken:
            taken["name"] = [str(_l("An association with this name or a very close one is "
                                    "already registered."))]
        taken.pop("slug", None)
        for name, messages in taken.items():
            errors.setdefault(name, messages)
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = [str(_l("The password must be at least %(n)s characters long.",
                                     n=MIN_PASSWORD_LENGTH))]
    return cleaned, rep_name, rep_email, errors


def apply(fields: Mapping[str, Any], *, representative_name: str, representative_email: str,
          password: str) -> Association:
    """A public application: the association (status `applied`), its first history row, and
    its representative's account (role `association`), told by e-mail. That account cannot
    log in until the link of the e-mail is followed (accounts.services.confirm_address):
    whoever filled in the form has not proven they hold the address, and until then a login
    with it answers as a wrong password does, so the form tells nothing of other addresses.

    When an account already uses the representative's address, the application is taken
    the same way but that account is neither attached nor changed (whoever filled in the
    form has not proven they hold it): its holder is told by e-mail, and the history says
    so for the organisers. The answer and the work (a password hash, one e-mail) are the
    same either way, so the form does not tell which addresses have accounts.

    Errors: validation_failed (every bad field at once: the association's fields,
    representative_name, representative_email, password; a name or e-mail address of an
    association that is already registered).
    """
    cleaned, rep_name, rep_email, errors = _check_application(
        fields, representative_name, representative_email, password)
    if errors:
        raise ValidationError(errors)
    existing = user_by_email(rep_email)
    association = _new_association(cleaned, slug_error_field="name")
    if existing is None:
        user = create_user(rep_email, password, Role.ASSOCIATION, name=rep_name,
                           association_id=association.id, confirmed=False)
        note = _l("Application sent through the public form.")
        _queue_application_mail(user, association, "association_applied",
                                token=email_link(user, lifetime=CONFIRM_LIFETIME))
    else:
        hash_anyway(password)
        user = None
        note = _l("Application sent through the public form. The representative's address "
                  "(%(email)s) already had an account: it was not attached to the association; "
                  "its holder was told by e-mail.", email=existing.email)
        _queue_application_mail(existing, association, "association_applied_existing")
    record_event(association, None, S.APPLIED, str(note), user)
    return association


def _queue_application_mail(user: User, association: Association, template: str,
                            token: str | None = None) -> None:
    from flask import current_app

    hours = int(CONFIRM_LIFETIME.total_seconds() // 3600)
    queue_mail(user.email, template, {"user": user, "association": association,
                                      "token": token, "hours": hours},
               user.language or current_app.config["BABEL_DEFAULT_LOCALE"],
               _l("Your application to CNSM: %(name)s", name=association.name))


def create_association(fields: Mapping[str, Any], *, actor: User | None,
                       initial_status: MembershipStatus | str = S.APPLIED, note: str = "",
                       member_since: datetime | None = None) -> Association:
    """An organiser enters an association. Only its name is required. `initial_status` is
    usually `applied` (it then goes through the review) or `member` (an association that
    already was one); the first history row records it.

    Errors: forbidden, validation_failed (fields; name, slug or e-mail already used;
    initial_status).
    """
    require_organiser(actor)
    try:
        status = MembershipStatus(initial_status)
    except ValueError:
        raise ValidationError({"initial_status": [str(_l("Unknown status."))]}) from None
    cleaned = clean_fields({k: v for k, v in fields.items() if k in _FIELD_NAMES},
                           required=("name",))
    association = _new_association(cleaned, slug_error_field="slug")
    association.status = status
    if status is S.MEMBER or member_since is not None:
        association.member_since = member_since or utcnow()
    record_event(association, None, status,
                 clean_note(note) or str(_l("Entered in the registry by an organiser.")), actor)
    return association


def update_association(association: Association, fields: Mapping[str, Any], *,
                       actor: User | None) -> Association:
    """An organiser changes an association's record (never its status: see the actions).
    Only the fields present in `fields` change.

    Errors: forbidden, validation_failed (fields; name, slug or e-mail already used).
    """
    require_organiser(actor)
    present = {k: v for k, v in fields.items() if k in _FIELD_NAMES}
    cleaned = clean_fields(present, required=("name",) if "name" in present else ())
    if "slug" in present and not cleaned.get("slug"):
        cleaned["slug"] = association.slug
    errors = _uniqueness_errors(cleaned, association.id)
    if errors:
        raise ValidationError(errors)
    _set_fields(association, cleaned)
    db.session.flush()
    return association


def update_profile(association: Association, fields: Mapping[str, Any], *,
                   actor: User | None) -> Association:
    """A representative (or an organiser) changes the association's public page: its
    descriptions, seat, place of action, themes and contacts; not its name, address or status.

    Errors: forbidden, validation_failed.
    """
    if actor is not None and not can_edit_profile(actor, association):
        raise DomainError("forbidden", _l("You may only edit your own association's page."),
                          status=403)
    present = {k: v for k, v in fields.items() if k in PROFILE_FIELDS}
    cleaned = clean_fields(present, required=("themes",) if "themes" in present else ())
    errors = _uniqueness_errors(cleaned, association.id)
    if errors:
        raise ValidationError(errors)
    _set_fields(association, cleaned)
    db.session.flush()
    return association


# --- working groups and representatives -------------------------------------------------------

def _pole(value: Pole | str) -> Pole:
    try:
        return Pole(value)
    except ValueError:
        raise ValidationError({"pole": [str(_l("Unknown working group."))]}) from None


def attach_user_pole(user: User, pole: Pole | str, *, actor: User | None) -> bool:
    """Attach a person to a working group; False when already attached. Errors: forbidden,
    validation_failed (pole)."""
    require_organiser(actor)
    pole = _pole(pole)
    if db.session.get(UserPole, (user.id, pole)) is not None:
        return False
    db.session.add(UserPole(user_id=user.id, pole=pole))
    db.session.flush()
    return True


def detach_user_pole(user: User, pole: Pole | str, *, actor: User | None) -> bool:
    """Detach a person from a working group; False when not attached."""
    require_organiser(actor)
    row = db.session.get(UserPole, (user.id, _pole(pole)))
    if row is None:
        return False
    db.session.delete(row)
    db.session.flush()
    return True


def attach_association_pole(association: Association, pole: Pole | str, *,
                            actor: User | None) -> bool:
    """Attach an association to a working group; False when already attached."""
    require_organiser(actor)
    pole = _pole(pole)
    if pole in association.pole_values:
        return False
    association.poles.append(AssociationPole(pole=pole))
    db.session.flush()
    return True


def detach_association_pole(association: Association, pole: Pole | str, *,
                            actor: User | None) -> bool:
    """Detach an association from a working group; False when not attached."""
    require_organiser(actor)
    pole = _pole(pole)
    for row in list(association.poles):
        if row.pole is pole:
            association.poles.remove(row)
            db.session.flush()
            return True
    return False


def add_representative(association: Association, *, email: str, name: str, password: str,
                       actor: User | None) -> User:
    """An organiser gives an association a representative's account (role `association`).
    Errors: forbidden, validation_failed (email, password), email_taken."""
    require_organiser(actor)
    if not " ".join((name or "").split()):
        raise ValidationError({"name": [str(_l("This field is required."))]})
    return create_user(email, password, Role.ASSOCIATION, name=name,
                       association_id=association.id, actor=actor)
