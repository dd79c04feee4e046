"""The demo edition's volunteer shifts: the doors, the box office, a room and the welcome
desk on both days, with the demo volunteer on two of them. Idempotent: an edition that has
shifts is left as it is."""
from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from festival.accounts.models import User
from festival.checkin.models import CheckinList
from festival.core.timeutil import paris_to_utc
from festival.editions.models import Edition
from festival.extensions import db
from festival.volunteers import services
from festival.volunteers.models import Shift

# day index, task, post, start, hours, people, notes (fr, en, ar)
SHIFTS = [
    (0, "set_up", "Montage des stands", time(8, 0), 3, 6,
     ("Rendez-vous devant la salle des fêtes, gants fournis.",
      "Meet in front of the hall; gloves provided.",
      "الموعد أمام القاعة، القفازات متوفرة.")),
    (0, "door", "Porte 1", time(13, 30), 4, 3,
     ("Gilet jaune à prendre à l'accueil ; scannez avec votre téléphone.",
      "Yellow vest at the welcome desk; scan with your phone.",
      "خذ السترة الصفراء من الاستقبال؛ امسح التذاكر بهاتفك.")),
    (0, "box_office", "", time(13, 0), 5, 2, ("Caisse et terminal de paiement.", "", "")),
    (0, "room_steward", "", time(14, 0), 4, 2, ("", "", "")),
    (0, "door", "Porte 1 — soirée", time(18, 0), 5, 3, ("", "", "")),
    (1, "welcome_desk", "", time(10, 0), 4, 2, ("Plans et programmes à distribuer.", "", "")),
    (1, "door", "Porte 1", time(10, 0), 4, 2, ("", "", "")),
]


def load_volunteers(edition: Edition, volunteer: User) -> list[str]:
    """The demo shifts; returns the lines of the demo report."""
    count = db.session.scalar(select(func.count()).select_from(Shift)
                              .where(Shift.edition_id == edition.id))
    if count:
        return [f"  {count} volunteer shifts (/volunteer, /manage/editions/{edition.year}/shifts)"]
    door = db.session.scalar(select(CheckinList).where(CheckinList.edition_id == edition.id)
                             .order_by(CheckinList.id))
    room = edition.rooms[0] if edition.rooms else None
    made = []
    for day, task, post, start, hours, people, notes in SHIFTS:
        if (task == "door" and door is None) or (task == "room_steward" and room is None):
            continue
        starts = paris_to_utc(edition.dates[day], start)
        made.append(services.create_shift(edition, {
            "task": task, "title": post, "starts_at": starts,
            "ends_at": starts + timedelta(hours=hours), "people_needed": people,
            "checkin_list_id": door.id if door else None,
            "room_id": room.id if room else None,
            "notes": dict(zip(("fr", "en", "ar"), notes)),
            "lead_id": volunteer.id if task == "door" else None,
            "lead_phone": "+33 6 00 00 00 00" if task == "door" else ""}, actor=None))
    for shift in made[:2]:
        services.assign(shift, volunteer, actor=None, now=shift.starts_at - timedelta(days=30))
    return [(f"  {len(made)} volunteer shifts, the demo volunteer on two "
             f"(/volunteer, /manage/editions/{edition.year}/shifts)")]
