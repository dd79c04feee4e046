"""Demo associations for `flask --app festival demo`: 25 of them, each status reached through
the membership process (history rows), dated in the past. Running it twice changes nothing."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.associations import services
from festival.associations.models import Association, MembershipStatus, Pole
from festival.associations.queries import association_by_slug, history
from festival.associations.validation import ALL_FIELDS
from festival.core.access import Role
from festival.core.timeutil import paris_to_utc, utcnow
from festival.demo.associations_data import FICTIONAL_ASSOCIATIONS, REAL, REASONS
from festival.extensions import db


def _fields(data: dict) -> dict:
    return {k: data[k] for k in ALL_FIELDS if k in data}


def _backdate(association: Association, days_ago: int) -> None:
    """Spread the history over the past: the application `days_ago` days ago, each step a few
    weeks later, a suspension six weeks ago."""
    now = utcnow()
    start = paris_to_utc((now - timedelta(days=days_ago)).date(), time(10, 0))
    events = history(association)
    step = timedelta(days=max(1, min(21, days_ago // (len(events) + 1))))
    for i, event in enumerate(events):
        moment = start + i * step + timedelta(hours=i)
        if event.to_status is MembershipStatus.SUSPENDED:
            moment = paris_to_utc((now - timedelta(days=45)).date(), time(18, 30))
        event.created_at = min(moment, now)
        if event.to_status is MembershipStatus.MEMBER and event.from_status is not None:
            association.member_since = event.created_at
    association.created_at = association.updated_at = events[0].created_at


def _organiser() -> User | None:
    return db.session.scalar(select(User).where(User.role == Role.ORGANISER).order_by(User.id)
                             .limit(1))


def load_associations(representative: User) -> int:
    """Create the demo registry if it is missing, attach `representative` to Espoir du Sud,
    and return how many associations the registry holds."""
    organiser = _organiser()
    for data in REAL:
        if association_by_slug(data["slug"]) is None:
            association = services.create_association(
                _fields(data), actor=None, initial_status=MembershipStatus.MEMBER,
                note="Membre du réseau, d’après la fiche de présentation de la CNSM.")
            association.member_since = None  # the fact sheet gives no date
    for data in FICTIONAL_ASSOCIATIONS:
        if association_by_slug(data["slug"]) is not None:
            continue
        association = services.create_association(
            _fields(data), actor=None, note="Demande reçue (donnée de démonstration).")
        for action in data["path"]:
            services.perform(association, action, actor=organiser, note=REASONS[action])
        for note in data["notes"]:
            services.add_review_note(association, note, actor=organiser)
        _backdate(association, data["age"])
    if organiser is not None:
        for pole in (Pole.GENERAL_ACTIVITIES, Pole.COMMUNICATION_PROJECTS):
            services.attach_user_pole(organiser, pole, actor=None)
    espoir = association_by_slug("espoir-du-sud")
    if representative.association_id != espoir.id:
        representative.association_id = espoir.id
    db.session.flush()
    return db.session.scalar(select(func.count()).select_from(Association))
