"""The demo edition's doors: three check-in lists and one device ready to be paired.
Idempotent: lists and the device are found by name; a device still unpaired gets a fresh
pairing link at each run (the link is shown once, only its hash is kept)."""
from __future__ import annotations

from sqlalchemy import select

from festival.checkin import devices
from festival.checkin.models import CheckinList, Device
from festival.checkin.views import pairing_url
from festival.editions.models import Edition
from festival.extensions import db
from festival.ticketing.models import TicketType

SATURDAY = "Entrée principale — samedi"
SUNDAY = "Entrée principale — dimanche"
CONCERT = "Salle de concert"
DEMO_DEVICE = "Téléphone de démonstration"
# The lists' names as the scanner shows them in English and Arabic.
LIST_NAMES = {
    SATURDAY: {"en": "Main entrance — Saturday", "ar": "المدخل الرئيسي — السبت"},
    SUNDAY: {"en": "Main entrance — Sunday", "ar": "المدخل الرئيسي — الأحد"},
    CONCERT: {"en": "Concert hall", "ar": "قاعة الحفلات"},
}
DEMO_GATE = "Entrée principale"


def _lists(edition: Edition) -> dict[str, dict]:
    saturday, sunday = (day.isoformat() for day in edition.dates[:2])
    concert_types = [t.id for t in db.session.scalars(select(TicketType).where(
        TicketType.edition_id == edition.id, TicketType.name != "Pass dimanche"))]
    return {
        SATURDAY: {"days": [saturday]},
        SUNDAY: {"days": [sunday]},
        # The Saturday evening concert: people go out and come back in.
        CONCERT: {"days": [saturday], "ticket_type_ids": concert_types, "allow_reentry": True},
    }


def load_checkin(edition: Edition) -> list[str]:
    """The demo doors; returns the lines of the demo report."""
    existing = {item.name: item for item in db.session.scalars(
        select(CheckinList).where(CheckinList.edition_id == edition.id))}
    for name, data in _lists(edition).items():
        if name not in existing:
            existing[name] = devices.create_list(
                edition, {"name": {"fr": name, **LIST_NAMES[name]}, **data})
        elif not (existing[name].translations or {}).get("name"):
            existing[name].set_texts("name", {"fr": name, **LIST_NAMES[name]}, {},
                                     max_length=120)
    device = db.session.scalar(select(Device).where(Device.edition_id == edition.id,
                                                    Device.name == DEMO_DEVICE))
    lines = [f"  {len(existing)} check-in lists for the doors of {edition.year}"]
    if device is None:
        device, code = devices.create_device(existing[SATURDAY], name=DEMO_DEVICE,
                                             gate=DEMO_GATE)
    elif device.paired_at is None and device.revoked_at is None:
        code = devices.issue_pairing_code(device)
    else:
        code = None
    if code:
        lines += ["  To pair a phone as the door scanner, open this link on it once (24 hours;",
                  "  the camera needs HTTPS or localhost, see the README):",
                  f"    {pairing_url(code)}",
                  "  or make a new link: flask --app festival devices pair --gate \"Entrée\""]
    else:
        lines.append("  The demo door phone is paired; make another link with: "
                     "flask --app festival devices pair --gate \"Entrée\"")
    days = " and ".join(d.isoformat() for d in edition.dates)
    lines.append(f"  (tickets are admitted on the festival days only: {days})")
    db.session.flush()
    return lines
