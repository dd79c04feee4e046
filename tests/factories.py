"""Builders of test data. Each takes keyword overrides and flushes (the caller commits)."""
from __future__ import annotations

import itertools

from festival.accounts.models import User
from festival.accounts.services import create_user
from festival.associations.models import Association, MembershipStatus
from festival.extensions import db

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def gen_user(role: str = "organiser", *, email: str | None = None, name: str = "",
             password: str = PASSWORD, association: Association | None = None) -> User:
    n = next(_seq)
    return create_user(email or f"{role}{n}@test.example", password, role,
                       name=name or f"{role.title()} {n}",
                       association_id=association.id if association else None)


def gen_association(*, name: str | None = None, status: MembershipStatus = MembershipStatus.MEMBER,
                    **fields) -> Association:
    n = next(_seq)
    name = name or f"Association test {n}"
    slug = fields.pop("slug", None) or f"association-test-{n}"
    association = Association(name=name, slug=slug, status=status, **fields)
    db.session.add(association)
    db.session.flush()
    return association


def user_in_db(app, role: str, **kwargs) -> dict:
    """Create and commit a user; returns plain values usable outside the app context."""
    with app.app_context():
        user = gen_user(role, **kwargs)
        db.session.commit()
        return {"id": user.id, "email": user.email, "role": role}


# Editions and programme -----------------------------------------------------------------------
_edition_seq = itertools.count(1)
EDITION_PATH = {"draft": [], "published": ["published"], "on_sale": ["published", "on_sale"],
                "closed": ["published", "closed"],
                "archived": ["published", "closed", "archived"]}


def gen_edition(year: int | None = None, *, status: str = "draft", days=None,
                venue: bool = True, actor: User | None = None, **fields):
    """An edition (two days in May by default, one venue), walked to `status`."""
    from datetime import date

    from festival.editions import services
    year = year or 2000 + next(_edition_seq) % 100
    days = [date(year, 5, 15), date(year, 5, 16)] if days is None else days
    edition = services.create_edition(year=year, title=fields.pop("title", f"Almoggar {year}"),
                                      days=days, actor=actor, **fields)
    if venue:
        services.add_venue(edition, {"name": "Salle des fêtes", "address": "1 place de la Mairie",
                                     "postcode": "93200", "city": "Saint-Denis",
                                     "capacity": 800}, actor=actor)
    for target in EDITION_PATH[status]:
        services.change_edition_status(edition, target, actor=actor, confirm=True)
    return edition


def gen_room(edition, *, name: str | None = None, opens: str | None = "09:00",
             closes: str | None = "23:30", capacity: int = 100):
    from datetime import time

    from festival.editions import services
    return services.create_room(edition, {
        "name": name or f"Salle {next(_seq)}", "capacity": capacity,
        "opens_at": time.fromisoformat(opens) if opens else None,
        "closes_at": time.fromisoformat(closes) if closes else None}, actor=None)


def gen_speaker(name: str | None = None, **fields):
    from festival.editions import services
    return services.create_speaker({"name": name or f"Intervenant·e {next(_seq)}", **fields},
                                   actor=None)


def paris(day, hhmm: str):
    """The UTC instant of a Paris wall-clock time (`day` a date, `hhmm` like '15:00')."""
    from datetime import time

    from festival.core.timeutil import paris_to_utc
    return paris_to_utc(day, time.fromisoformat(hhmm))


def gen_session(edition, room, *, day: int = 0, start: str = "14:00", end: str = "15:00",
                speakers=(), confirm_clashes: bool = False, **fields):
    """A published session on the edition's `day`-th day, in Paris time."""
    from festival.editions import services
    on = edition.dates[day]
    data = {"kind": "conference", "title": f"Session {next(_seq)}", "languages": ["fr"],
            "room_id": room.id, "starts_at": paris(on, start), "ends_at": paris(on, end),
            "speaker_ids": [s.id for s in speakers], "status": "published"}
    data.update(fields)
    session, _ = services.create_session(edition, data, actor=None,
                                         confirm_clashes=confirm_clashes)
    return session


def gen_stand(edition, association, *, number: str | None = None, **fields):
    """A stand request of `association` (approved with `number` when given)."""
    from festival.editions import services
    from festival.editions.models import StandRequest, StandSize, StandStatus
    stand = StandRequest(edition=edition, association=association, status=StandStatus.REQUESTED,
                         size=StandSize(fields.pop("size", "small")),
                         showcase=fields.pop("showcase", "Photos des projets"), **fields)
    db.session.add(stand)
    db.session.flush()
    if number:
        services.decide_stand(stand, approve=True, stand_number=number, actor=None)
    return stand


def gen_edition_samples() -> dict:
    """URL parameter values for the access walk: a published edition with one of each."""
    edition = gen_edition(status="on_sale")
    room = gen_room(edition)
    speaker = gen_speaker()
    session = gen_session(edition, room, speakers=[speaker])
    association = gen_association()
    from festival.editions import services
    organiser = services.add_organiser(edition, association.id, "partner", actor=None)
    stand = gen_stand(edition, association)
    theme = services.create_theme(edition, {"fr": "Thème d'essai"})
    return {"year": edition.year, "room_id": room.id, "speaker_id": speaker.id,
            "session_id": session.id, "venue_id": edition.venues[0].id,
            "organiser_id": organiser.id, "stand_id": stand.id, "name": "missing.jpg",
            "theme_id": theme.id}


def gen_ticketing_samples(year: int) -> dict:
    """URL parameter values for the access walk: a ticket type and a pending order."""
    from festival.editions.models import Edition
    from festival.ticketing import catalog, orders
    edition = db.session.scalar(db.select(Edition).where(Edition.year == year))
    catalog.set_venue_capacity(edition, 100)
    ticket_type = catalog.create_ticket_type(edition, {"name": "Pass", "price_cents": 1000,
                                                       "quota": 10,
                                                       "requires_attendee_name": False})
    order = orders.create_order(edition, terms_accepted=True,
                                buyer_name="Sample", email="sample@example.fr",
                                items=[orders.Item(ticket_type.id, 1)])
    return {"type_id": ticket_type.id, "code": order.code}


def gen_checkin_samples(year: int) -> dict:
    """URL parameter values for the access walk: a check-in list and a device of `year`."""
    from festival.checkin.devices import create_device, create_list
    from festival.editions.models import Edition
    edition = db.session.scalar(db.select(Edition).where(Edition.year == year))
    checkin_list = create_list(edition, {"name": "Entrée"})
    device, _ = create_device(checkin_list, name="Téléphone", gate="Porte A")
    return {"list_id": checkin_list.id, "device_id": device.id}


def gen_where_and_when(edition, *, sunday_venue: bool = False):
    """Where and when for `edition`'s first two days: its main venue (added if it has none)
    with a map link, transport and access in French and Arabic (no English: it falls back to
    French), doors 18:00–01:30 on the first day and 10:00–20:00 on the second, at a second
    venue when `sunday_venue`."""
    from datetime import time

    from festival.editions import services
    texts = {"map_url": "https://www.openstreetmap.org/way/42",
             "transport": {"fr": "Métro 13, station Gabriel Péri", "ar": "المترو 13، محطة غابرييل بيري"},
             "access": {"fr": "Entrée de plain-pied par le parvis",
                        "ar": "مدخل بدون درج من الساحة"}}
    if edition.main_venue is None:
        services.add_venue(edition, {"name": "Espace Léo-Lagrange",
                                     "address": "12 avenue Gabriel-Péri", "postcode": "92230",
                                     "city": "Gennevilliers", **texts}, actor=None)
    else:
        services.update_venue(edition.main_venue, texts, actor=None)
    second = None
    if sunday_venue:
        second = services.add_venue(edition, {"name": "Parc des sports", "city": "Bobigny"},
                                    actor=None).id
    first, then = edition.dates[:2]
    services.update_days_practical(edition, [
        {"day": first, "doors_open": time(18), "doors_close": time(1, 30)},
        {"day": then, "doors_open": time(10), "doors_close": time(20), "venue_id": second}],
        actor=None)
    return edition


# Messages to attendees -----------------------------------------------------------------------

def gen_broadcast(edition, *, subject: str = "Infos pratiques",
                  body: str = "Bonjour,\n\nÀ bientôt.", texts: dict | None = None, actor: User | None = None, **filters):
    """A draft message of `edition` (French unless `texts` {lang: (subject, body)}); the
    audience filters as keyword arguments of messaging.audience.Audience."""
    from festival.messaging.audience import Audience
    from festival.messaging.services import Texts, save_broadcast
    texts = texts or {"fr": (subject, body)}
    return save_broadcast(edition, Texts(subjects={k: v[0] for k, v in texts.items()},
                                         bodies={k: v[1] for k, v in texts.items()}),
                          Audience(**filters), actor=actor)


def gen_messaging_samples(year: int) -> dict:
    """URL parameter values for the access walk: a draft message and a mailing of `year`."""
    from festival.editions.models import Edition
    from festival.mail.services import queue_mail
    edition = db.session.scalar(db.select(Edition).where(Edition.year == year))
    broadcast = gen_broadcast(edition)
    queue_mail("sample@example.org", "test", {"site": "x"}, "fr", "Hi",
               batch=broadcast.batch)
    return {"broadcast_id": broadcast.id, "batch": broadcast.batch}


# Volunteer shifts ----------------------------------------------------------------------------

def gen_volunteer_samples(year: int) -> dict:
    """URL parameter values for the access walk: a shift of `year` with one person on it."""
    from datetime import UTC, datetime, timedelta

    from festival.editions.models import Edition
    from festival.volunteers import services
    edition = db.session.scalar(db.select(Edition).where(Edition.year == year))
    starts = datetime(year, 5, 15, 16, 0, tzinfo=UTC)
    shift = services.create_shift(edition, {
        "task": "welcome_desk", "starts_at": starts, "ends_at": starts + timedelta(hours=4),
        "people_needed": 2}, actor=None)
    assignment = services.assign(shift, gen_user("volunteer"), actor=None,
                                 now=starts - timedelta(days=30))
    return {"shift_id": shift.id, "assignment_id": assignment.id}


# Calls for sessions ---------------------------------------------------------------------------

def gen_call(edition, *, actor=None, **fields):
    """An open call of `edition` (since yesterday, for 30 days), two formats and a rubric."""
    from datetime import timedelta

    from festival.core.timeutil import utcnow
    from festival.proposals import calls
    if actor is None:
        actor = gen_user("organiser")
    data = {"opens_at": utcnow() - timedelta(days=1), "closes_at": utcnow() + timedelta(days=30),
            "guidelines": {"fr": "Proposez une conférence ou un atelier.",
                           "en": "Propose a talk or a workshop.",
                           "ar": "اقترحوا محاضرة أو ورشة."},
            "languages": ["fr", "ar", "en"], "poles": ["mre", "popular_education"],
            "formats": [{"kind": "conference", "name": {"fr": "Conférence", "en": "Talk"},
                         "duration_minutes": 60},
                        {"kind": "workshop", "name": {"fr": "Atelier"},
                         "duration_minutes": 90}],
            "criteria": [{"name": {"fr": "Pertinence", "en": "Relevance"}, "max_score": 5},
                         {"name": {"fr": "Clarté"}, "max_score": 3}]}
    data.update(fields)
    return calls.save_call(edition, data, actor=actor)


def gen_proposal(call, proposer, *, mail_language: str = "fr", **fields):
    """A proposal of `proposer` to `call`, with one new speaker."""
    from festival.core.timeutil import utcnow
    from festival.proposals import services
    data = {"title": f"Proposition {next(_seq)}", "abstract": "De quoi il s'agit.",
            "format_id": call.formats[0].id, "language": "fr",
            "speakers": [{"name": "Amina Oufkir", "email": f"amina{next(_seq)}@test.example"}],
            "slots": [f"{call.edition.dates[0].isoformat()}/afternoon"]}
    data.update(fields)
    return services.propose(call, data, actor=proposer, language=mail_language, now=utcnow())


def gen_proposal_samples(year: int) -> dict:
    """URL parameter values for the access walk: a call open to every account, a proposal
    and a speaker's change waiting for approval."""
    from festival.editions.services import edition_by_year
    from festival.proposals.models import SpeakerProfileChange
    edition = edition_by_year(year)
    call = gen_call(edition, is_open_to_accounts=True)
    association = gen_association()
    proposal = gen_proposal(call, gen_user("association", association=association))
    speaker = gen_speaker()
    change = SpeakerProfileChange(speaker_id=speaker.id, bio={"fr": "Bio"}, links=[])
    db.session.add(change)
    db.session.flush()
    return {"proposal_id": proposal.id, "change_id": change.id}
