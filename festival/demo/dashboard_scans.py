"""The door history of a past demo edition: who came on which day and when (an opening rush,
an afternoon wave, the evening concert), exits and re-entries, people in the big room's
sessions, and the refusals any door sees (a shared screenshot, a refunded ticket, a Saturday
ticket on Sunday…). Written in bulk, with the presences the check-in service would keep."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import insert

from festival.checkin.models import Scan, TicketPresence
from festival.core.timeutil import paris_to_utc
from festival.demo.dashboard_rows import PlannedOrder
from festival.editions.days import day_of
from festival.extensions import db

# Arrival curves per festival day: (weight, kind, a, b) in minutes after midnight in Paris;
# "normal" is (mean, deviation), "uniform" is (from, to).
CURVES = [
    [(0.34, "normal", 635, 22), (0.24, "normal", 850, 35), (0.16, "uniform", 690, 1080),
     (0.26, "normal", 1180, 25)],
    [(0.42, "normal", 645, 28), (0.36, "normal", 840, 40), (0.22, "uniform", 660, 1050)],
]
OPENING = [(600, 1350), (600, 1110)]  # doors open, last admission (minutes), per day
REASONS_INVALID = ["bad_signature", "unknown_ticket", "other_edition", "unreadable"]


@dataclass
class Doors:
    edition_id: int
    door_list: int
    room_list: int
    devices: list[tuple[int, str, float]]   # id, gate, share of the queue
    box_office: tuple[int, str]             # the box office's tablet
    room_device: tuple[int, str]            # the phone at the big room's door
    volunteer_id: int | None


@dataclass
class TicketInfo:
    kind: str                 # pass, day, child
    days: set[int]            # festival day indexes it admits on


def _minute(rng: random.Random, day: int) -> float:
    weights = [c[0] for c in CURVES[day]]
    _, kind, a, b = rng.choices(CURVES[day], weights)[0]
    value = rng.gauss(a, b) if kind == "normal" else rng.uniform(a, b)
    low, high = OPENING[day]
    return min(max(value, low + rng.uniform(0, 4)), high)


def _at(day: date, minute: float) -> datetime:
    return paris_to_utc(day, time(0)) + timedelta(minutes=minute)


def plan_scans(rng: random.Random, orders: list[PlannedOrder], info: dict[int, TicketInfo],
               dates: list[date], doors: Doors, sessions: list[tuple[datetime, int]],
               refused: dict[str, list[int]]) -> dict[str, int]:
    """Insert the scans and presences; returns counts for the demo report. `info` is keyed
    by ticket type; `sessions` are the big room's (start, capacity); `refused` gives tickets
    for refusals (revoked, unpaid)."""
    rows: list[dict] = []
    admitted: list[dict] = []    # door admissions, for exits, repeats and undos

    def scan(ticket, moment, device, *, result="ok", direction="in", list_id=None, **extra):
        device_id, gate = device
        row = dict(edition_id=doors.edition_id, list_id=list_id or doors.door_list,
                   ticket_id=ticket, device_id=device_id, user_id=doors.volunteer_id,
                   gate=gate, direction=direction, kind="scan", result=result,
                   reason=extra.pop("reason", ""), scanned_at=moment, received_at=moment,
                   is_offline=False, is_undone=False, first_scan_id=None,
                   undoes_scan_id=None, **extra)
        if gate == "Porte B" and rng.random() < 0.08:   # weak network at door B
            row["is_offline"] = True
            row["received_at"] = moment + timedelta(minutes=rng.uniform(1, 15))
        rows.append(row)
        return row

    door_devices = [(d, g) for d, g, _ in doors.devices]
    shares = [s for _, _, s in doors.devices]
    for order in orders:
        valid = [(tid, t) for tid, t in zip(order.ticket_ids, order.tickets) if not t.revoked]
        if order.status.value != "paid" or not valid or (
                not order.box_office and rng.random() < 0.05):   # the whole party stays home
            continue
        for day, on in enumerate(dates):
            here = [(tid, t) for tid, t in valid if day in info[t.type_id].days]
            adults = [(tid, t) for tid, t in here if info[t.type_id].kind != "child"]
            coming = [tid for tid, t in adults
                      if rng.random() < {"pass": (0.86, 0.74)[day], "day": 0.94}.get(
                          info[t.type_id].kind, 0.8)]
            if not coming:
                continue
            coming += [tid for tid, t in here if info[t.type_id].kind == "child"
                       and rng.random() < 0.95]
            if order.box_office and order.paid_at and on == _festival_date(order.paid_at):
                start, device = order.paid_at + timedelta(minutes=rng.uniform(1, 4)), \
                    doors.box_office
            else:
                start = _at(on, _minute(rng, day))
                device = rng.choices(door_devices, shares)[0]
            for i, tid in enumerate(coming):
                row = scan(tid, start + timedelta(seconds=i * rng.uniform(12, 35)), device)
                admitted.append(dict(row, day=day))
    for entry in [a for a in admitted if rng.random() < 0.18]:
        close = _at(dates[entry["day"]], OPENING[entry["day"]][1])
        out = entry["scanned_at"] + timedelta(minutes=rng.uniform(45, 240))
        if out < close - timedelta(minutes=30):
            device = rng.choices(door_devices, shares)[0]
            scan(entry["ticket_id"], out, device, direction="out")
            back = out + timedelta(minutes=rng.uniform(10, 90))
            if back < close and rng.random() < 0.75:
                scan(entry["ticket_id"], back, rng.choices(door_devices, shares)[0])
    for start, capacity in sessions:
        day = next(i for i, d in enumerate(dates) if _festival_date(start) == d)
        inside = [a for a in admitted if a["day"] == day and a["scanned_at"] < start]
        for entry in rng.sample(inside, min(len(inside), rng.randint(capacity * 3 // 10,
                                                                    capacity * 3 // 4))):
            early = rng.random() < 0.8
            moment = start + timedelta(minutes=-rng.uniform(1, 14) if early
                                       else rng.uniform(0, 10))
            scan(entry["ticket_id"], moment, doors.room_device, list_id=doors.room_list)
    # Refusals: a ticket shown twice, garbage, refunded or unpaid, the wrong day, the room.
    repeats = rng.sample(admitted, min(25, len(admitted)))
    for entry in rng.sample(admitted, min(12, len(admitted))):
        scan(None, entry["scanned_at"] + timedelta(minutes=rng.uniform(1, 30)),
             rng.choices(door_devices, shares)[0], result="invalid",
             reason=rng.choice(REASONS_INVALID))
    for result, tickets in (("revoked", refused.get("revoked", [])[:6]),
                            ("unpaid", refused.get("unpaid", [])[:3])):
        for tid in tickets:
            day = rng.randrange(len(dates))
            scan(tid, _at(dates[day], _minute(rng, day)), rng.choices(door_devices, shares)[0],
                 result=result)
    saturday_only = [a for a in admitted if a["day"] == 0 and a["ticket_id"] in
                     refused.get("saturday", [])]
    for entry in rng.sample(saturday_only, min(9, len(saturday_only))):
        scan(entry["ticket_id"], _at(dates[1], _minute(rng, 1)),
             rng.choices(door_devices, shares)[0], result="not_valid_today")
    children = refused.get("children", [])
    for tid, (start, _) in zip(rng.sample(children, min(4, len(children))), sessions):
        scan(tid, start - timedelta(minutes=5), doors.room_device,
             list_id=doors.room_list, result="not_on_this_list")
    at_doors = [a for a in admitted if a["device_id"] != doors.box_office[0]]
    undone = rng.sample(at_doors, min(5, len(at_doors)))
    for entry in undone:
        for row in rows:
            if row["ticket_id"] == entry["ticket_id"] and row["scanned_at"] == \
                    entry["scanned_at"] and row["direction"] == "in":
                row["is_undone"] = True
        scan(entry["ticket_id"], entry["scanned_at"] + timedelta(minutes=2),
             (entry["device_id"], entry["gate"]))

    rows.sort(key=lambda r: r["scanned_at"])
    for n, row in enumerate(rows):
        row["client_scan_id"] = f"demo-{n}"
    ids = db.session.scalars(insert(Scan).returning(Scan.id, sort_by_parameter_order=True),
                             rows).all()
    for row, scan_id in zip(rows, ids):
        row["id"] = scan_id
    first = {}
    for row in rows:   # in time order: the first admission of each ticket on each list
        if row["direction"] == "in" and row["result"] == "ok" and not row["is_undone"]:
            first.setdefault((row["ticket_id"], row["list_id"]), row)
    later = []
    for entry in repeats:
        key = (entry["ticket_id"], doors.door_list)
        if key in first:
            moment = first[key]["scanned_at"] + timedelta(minutes=rng.uniform(2, 90))
            device_id, gate = rng.choices(door_devices, shares)[0]
            later.append(dict(first[key], id=None, scanned_at=moment, received_at=moment,
                              result="already_checked_in", is_undone=False, is_offline=False,
                              device_id=device_id, gate=gate,
                              first_scan_id=first[key]["id"]))
    for row in rows:
        if row["is_undone"]:
            moment = row["scanned_at"] + timedelta(seconds=40)
            later.append(dict(row, id=None, kind="undo", is_undone=False, scanned_at=moment,
                              received_at=moment, undoes_scan_id=row["id"]))
    for n, row in enumerate(later):
        row.pop("id")
        row["client_scan_id"] = f"demo-later-{n}"
    if later:
        db.session.execute(insert(Scan), later)
    db.session.execute(insert(TicketPresence), [
        dict(ticket_id=t, list_id=list_id, first_scan_id=row["id"], inside=False,
             updated_at=row["scanned_at"]) for (t, list_id), row in first.items()])
    db.session.flush()
    return {"scans": len(rows) + len(later),
            "people": len({t for (t, list_id) in first if list_id == doors.door_list})}


def _festival_date(moment: datetime) -> date:
    return day_of(moment)  # the demo's editions keep the default cut-off
