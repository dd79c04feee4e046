"""Every figure of the known edition (tests/dashboard/conftest.py), worked out by hand.

Sold = tickets of paid orders not revoked: O1 2 Pass, O2 1 Samedi, O3 3 Enfant, O4 1 Pass
(voucher), O8 1 Pass (its other ticket refunded) → Pass 4, Samedi 1, Enfant 3, total 8.
Reserved = O5's 2 Samedi. Checked in (admission not undone, any list): P1 P2 P3 S1 C1 C3 = 6
(C2's admission was undone). Now is Sunday 11:00: today's admissions at the doors are P2 and
C3, no exit, so 2 inside.
"""
from __future__ import annotations

from datetime import date

from festival.dashboard import queries
from festival.editions.models import Edition
from festival.extensions import db
from tests.dashboard.conftest import SAT, SUN, at


def _edition(known) -> Edition:
    return db.session.get(Edition, known.edition_id)


def test_sales_figures(app, known):
    with app.app_context():
        s = queries.edition_sales(_edition(known))
        by_name = {t.name: t for t in s.types}
        assert [t.name for t in s.types] == ["Pass", "Samedi", "Enfant"]
        assert {n: (t.sold, t.reserved, t.quota, t.used, t.free, t.revenue_cents)
                for n, t in by_name.items()} == {
            "Pass": (4, 0, 50, 4, 46, 2000 + 2000 + 1000 + 2000),
            "Samedi": (1, 2, 30, 3, 27, 1200),
            "Enfant": (3, 0, 20, 3, 17, 0)}
        assert (s.tickets_sold, s.tickets_reserved) == (8, 2)
        # Per festival day: Saturday counts the passes for every day and Samedi, Sunday only
        # the passes for every day.
        assert [(c.day, c.size, c.sold, c.reserved, c.free) for c in s.capacity] == [
            (SAT, 100, 8, 2, 90), (SUN, 100, 7, 0, 93)]
        # Paid or refunded orders: O1 4500 (500 donated), O2 1200, O3 0, O4 1000, O8 4000,
        # O9 1200; refunded O8 2000 (one ticket) and O9 1200.
        r = s.revenue
        assert (r.gross, r.refunded, r.net, r.donations, r.orders) == (
            11900, 3200, 8700, 500, 6)
        assert s.by_status == {"pending": (1, 2400), "paid": (5, 10700), "expired": (1, 2000),
                               "cancelled": (1, 1200), "refunded": (1, 1200)}
        assert s.vouchers == [dict(id=s.vouchers[0]["id"], code="REDUC-2031", ticket_type="Pass",
                                   used=1, max_uses=5, price_override_cents=1000,
                                   paid_orders=1, tickets_sold=1)]
        channels = {(c.is_box_office, c.method): (c.orders, c.tickets, c.amount_cents)
                    for c in s.channels}
        assert channels == {(False, "bank_transfer"): (1, 1, 1000),
                            (False, "demo"): (1, 1, 4000), (False, "free"): (1, 3, 0),
                            (False, "stripe"): (1, 2, 4500), (True, "cash"): (1, 1, 1200)}


def test_sales_per_day_with_running_total(app, known):
    with app.app_context():
        days = queries.edition_sales(_edition(known)).per_day
        assert [d.day for d in days] == [date(2031, 5, d) for d in range(7, 18)]
        expected = {7: (2, 4000), 10: (1, 2000), 12: (3, 0), 14: (1, 1000), 17: (1, 1200)}
        assert [(d.tickets, d.revenue_cents) for d in days] == [
            expected.get(n, (0, 0)) for n in range(7, 18)]
        assert [d.cumulative for d in days] == [2, 2, 2, 3, 3, 6, 6, 7, 7, 7, 8]


def test_attendance_figures(app, known):
    with app.app_context():
        a = queries.edition_attendance(_edition(known), now=known.now)
        assert a.today is not None and a.today.day == SUN
        assert (a.sold, a.checked_in, a.checked_in_sold, a.no_show_total) == (8, 6, 6, 2)
        assert a.checked_in_by_type == {known.types["pass"]: 3, known.types["sat"]: 1,
                                        known.types["child"]: 2}
        assert (a.inside, a.entries_today, a.exits_today, a.capacity) == (2, 2, 0, 100)
        assert a.refusals == {"already_checked_in": 1, "invalid": 1, "revoked": 1, "unpaid": 1,
                              "not_valid_today": 1, "not_on_this_list": 1}
        assert a.refusal_total == 6


def test_arrivals_per_quarter_hour_and_the_busiest(app, known):
    with app.app_context():
        a = queries.edition_attendance(_edition(known), now=known.now)
        # At the doors only (the room's list is not a door), the undone admission left out.
        assert [(b.start, b.count) for b in a.arrivals] == [
            (at(SAT, "10:00"), 3), (at(SAT, "10:15"), 1), (at(SAT, "12:30"), 1),
            (at(SAT, "13:00"), 1), (at(SUN, "10:00"), 2)]
        assert (a.busiest.start, a.busiest.count) == (at(SAT, "10:00"), 3)
        saturday, sunday = a.per_day
        assert len(saturday.buckets) == 13 and saturday.total == 6   # 10:00 … 13:00
        assert saturday.buckets[0].start == at(SAT, "10:00")
        assert saturday.buckets[-1].start == at(SAT, "13:00")
        assert [b.count for b in sunday.buckets] == [2, 0, 0, 0, 0]  # 10:00 … now (11:00)
        assert sum(d.total for d in a.per_day) == sum(b.count for b in a.arrivals)


def test_today_every_five_minutes(app, known):
    with app.app_context():
        a = queries.edition_attendance(_edition(known), now=known.now)
        five = {b.start: b.count for b in a.today_five}
        assert len(a.today_five) == 13                                 # 10:00 … 11:00
        assert five[at(SUN, "10:00")] == 1 and five[at(SUN, "10:10")] == 1
        assert sum(five.values()) == a.entries_today == 2


def test_gates_and_devices(app, known):
    with app.app_context():
        a = queries.edition_attendance(_edition(known), now=known.now)
        rows = {(g.gate, g.device): (g.entries, g.exits, g.refusals) for g in a.gates}
        assert rows == {
            ("Nord", "Téléphone 1"): (4, 2, 4),   # 1 2 12 18 in; 11 13 out; 6 7 8 20
            ("Sud", "Téléphone 2"): (3, 0, 1),    # 3 4 15 in; 14 changed nothing; 5
            ("Nord", ""): (1, 0, 0),              # 19, typed in by hand
            ("Grande salle", ""): (1, 0, 1)}      # the room's list: 16 in, 17 refused
        assert sum(g.refusals for g in a.gates) == a.refusal_total


def test_no_shows_per_ticket_type_and_day(app, known):
    with app.app_context():
        a = queries.edition_attendance(_edition(known), now=known.now)
        table = {row.ticket_type.name: [None if c is None else (c.checked_in, c.no_shows,
                                                                c.is_final)
                                        for c in row.days] for row in a.no_shows}
        assert table == {
            "Pass": [(3, 1, True), (1, 3, False)],      # Sat P1 P2 P3; Sun P2
            "Samedi": [(1, 0, True), None],             # not valid on Sunday
            "Enfant": [(1, 2, True), (1, 2, False)]}    # Sat C1 (C2 undone); Sun C3


def test_before_the_festival_nothing_is_inside_and_no_day_has_begun(app, known):
    with app.app_context():
        a = queries.edition_attendance(_edition(known), now=at(date(2031, 5, 16), "12:00"))
        assert a.today is None and a.inside is None and a.today_five == []
        assert all(cell is None for row in a.no_shows for cell in row.days)
        assert a.checked_in == 6  # the scans are there all the same


def test_programme_figures(app, known):
    with app.app_context():
        edition = _edition(known)
        dates, rooms, drafts = queries.rooms_per_day(edition)
        assert dates == [SAT, SUN] and drafts == 1
        assert {r.name: (r.per_day[SAT], r.per_day[SUN], r.capacity, r.has_list)
                for r in rooms} == {"Grande salle": (2, 0, 50, True),
                                    "Petite salle": (0, 1, 20, False)}
        fill = {f.title: (f.attendees, f.capacity, f.percent)
                for f in queries.room_fill(edition)}
        assert fill == {"Session A": (1, 50, 2), "Session B": (0, 50, 0)}
        assert queries.speakers_per_association(edition) == [("Tifawin", 2), (None, 1)]


def test_association_figures(app, known):
    with app.app_context():
        f = queries.association_figures(_edition(known))
        assert f.organisers == [("Tifawin", "lead"), ("Azul", "partner")]
        assert f.stands_by_status == {"requested": 1, "approved": 1, "declined": 0,
                                      "withdrawn": 1}
        assert f.stands_assigned == 1
        assert [(e["association"], e["stand_number"]) for e in f.exhibitors] == [
            ("Tifawin", "A1")]
        assert f.applications == {"applied": 1, "under_review": 1}
        assert f.applications_waiting == 2 and f.members == 3


def test_comparison_across_editions(app, known):
    with app.app_context():
        rows = queries.comparison(now=known.now)
        assert [r.year for r in rows] == [2031, 2030]  # the draft is left out
        now, before = rows
        assert (now.sold, now.attended, now.no_shows, now.no_show_rate, now.capacity,
                now.net_cents) == (8, 6, 2, 0.25, 100, 8700)
        assert (now.peak_start, now.peak_count) == (at(SAT, "10:00"), 3)
        assert (before.sold, before.attended, before.no_show_rate, before.peak_start) == (
            0, 0, None, None)
        early = queries.comparison(now=at(date(2031, 5, 17), "04:59"))[0]
        assert (early.sold, early.no_shows, early.no_show_rate) == (8, None, None)


def test_figures_agree_with_each_other(app, known):
    with app.app_context():
        edition = _edition(known)
        a = queries.edition_attendance(edition, now=known.now)
        s = queries.edition_sales(edition)
        api = queries.api_summary(edition, now=known.now)
        assert a.sold == s.tickets_sold == api["tickets_sold"]
        assert a.checked_in == api["checked_in"] == sum(a.checked_in_by_type.values())
        assert api["inside"] == a.inside
        assert sum(b["count"] for b in api["arrivals"]) == sum(b.count for b in a.arrivals)
        assert api["capacity_per_day"] == [
            {"day": c.day.isoformat(), "capacity": c.size, "sold": c.sold,
             "reserved": c.reserved} for c in s.capacity]
        assert s.per_day[-1].cumulative == s.tickets_sold
        assert sum(c.tickets for c in s.channels) == s.tickets_sold
        assert s.revenue.gross == sum(c.amount_cents for c in s.channels) + 1200  # O9
