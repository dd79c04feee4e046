"""Counting settled scans once (dashboard.rollups) changes no figure: whatever part of the
known edition's scans is counted, in one step or several, the figures are those read from
the scans alone — also when an offline scan takes an admission over after it was counted."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from festival.checkin.models import Scan
from festival.dashboard import queries, rollups
from festival.dashboard.models import CountedCheckin, LiveScan, ScanWatermark
from festival.editions.models import Edition, EditionDay
from festival.extensions import db
from tests.dashboard.conftest import SAT, SUN, at


def _edition(known) -> Edition:
    return db.session.get(Edition, known.edition_id)


def snapshot(known) -> dict:
    """Every scan figure of the dashboards, as plain values."""
    edition = _edition(known)
    a = queries.edition_attendance(edition, now=known.now)
    return {
        "api": queries.api_summary(edition, now=known.now),
        "checked_in": (a.checked_in, a.checked_in_sold, a.checked_in_by_type),
        "inside": (a.inside, a.entries_today, a.exits_today),
        "arrivals": [(b.start, b.count) for b in a.arrivals],
        "today_five": [(b.start, b.count) for b in a.today_five],
        "busiest": a.busiest,
        "gates": sorted((g.gate, g.device, g.entries, g.exits, g.refusals) for g in a.gates),
        "refusals": a.refusals,
        "no_shows": [[None if c is None else (c.checked_in, c.no_shows) for c in row.days]
                     for row in a.no_shows],
        "comparison": [(r.sold, r.attended, r.peak_start, r.peak_count)
                       for r in queries.comparison(now=known.now)],
    }


def _settle_up_to(edition, moment) -> bool:
    """Count the scans received before `moment`."""
    return rollups.settle(edition, now=moment + rollups.SETTLE_AFTER)


@pytest.mark.parametrize("moment", [at(SAT, "10:06"), at(SAT, "10:44"), at(SAT, "13:05"),
                                    at(SUN, "10:12"), at(SUN, "23:00")])
def test_figures_do_not_depend_on_what_is_counted(ctx, known, moment):
    before = snapshot(known)
    assert _settle_up_to(_edition(known), moment)
    assert db.session.scalar(select(ScanWatermark.settled_until)) == moment
    assert snapshot(known) == before


def test_counting_step_by_step_gives_the_same_figures(ctx, known):
    before = snapshot(known)
    edition = _edition(known)
    for moment in (at(SAT, "10:03"), at(SAT, "10:21"), at(SAT, "10:45"), at(SAT, "14:01"),
                   at(SUN, "10:11"), at(SUN, "12:00")):
        assert _settle_up_to(edition, moment)
        assert snapshot(known) == before, moment
    # Everything is counted: the tickets are in the counted set, once per day and in all.
    assert db.session.scalar(select(func.count()).select_from(CountedCheckin)) == 6 + 7


def test_no_scan_is_counted_twice(ctx, known):
    edition = _edition(known)
    before = snapshot(known)
    assert _settle_up_to(edition, at(SUN, "12:00"))
    assert not _settle_up_to(edition, at(SUN, "12:00"))           # nothing new
    assert not _settle_up_to(edition, at(SUN, "12:00") + timedelta(seconds=20))  # too soon
    assert snapshot(known) == before


def test_scans_that_may_still_be_undone_are_not_counted(ctx, known):
    edition = _edition(known)
    rollups.settle(edition, now=at(SAT, "10:50"))
    # Seven minutes before 10:50: the admission of 10:44 (undone at 10:45) is still read live.
    assert db.session.scalar(select(ScanWatermark.settled_until)) == at(SAT, "10:43")
    assert rollups.SETTLE_AFTER > timedelta(minutes=5)


def _take_over(known, admitted: int, offline_at: str) -> int:
    """What checkin.services does when an offline scan made earlier arrives: the offline
    scan is the admission, the old one becomes already_checked_in (offline_conflict)."""
    old = db.session.get(Scan, known.scans[admitted])
    received = at(SUN, "10:50")
    new = Scan(edition_id=old.edition_id, list_id=old.list_id, ticket_id=old.ticket_id,
               device_id=old.device_id, gate=old.gate, direction="in", kind="scan",
               result="ok", scanned_at=at(SUN, offline_at), received_at=received,
               is_offline=True, client_scan_id="offline-1")
    db.session.add(new)
    db.session.flush()
    old.result, old.reason, old.first_scan_id = "already_checked_in", "offline_conflict", new.id
    db.session.flush()
    return new.id


def test_an_offline_scan_that_takes_a_counted_admission_over(ctx, known):
    edition = _edition(known)
    assert _settle_up_to(edition, at(SUN, "10:30"))     # scan 18 (P2, 10:00) is counted
    _take_over(known, 18, "09:40")                      # P2 was let in offline at 9:40
    changed = snapshot(known)
    rollups.reset(edition)                              # the same, read from the scans alone
    assert snapshot(known) == changed
    assert changed["refusals"]["already_checked_in"] == 2
    assert (at(SUN, "09:30"), 1) in changed["arrivals"] and (at(SUN, "10:00"), 1) in \
        changed["arrivals"]                             # C3 is left at 10:00
    assert changed["checked_in"][0] == 6                # P2 is counted once
    # Counting again moves the old admission to the scans read live, and changes nothing.
    assert _settle_up_to(edition, at(SUN, "11:00"))
    assert db.session.scalar(select(func.count()).select_from(LiveScan)) == 1
    assert snapshot(known) == changed
    assert _settle_up_to(edition, at(SUN, "12:00"))
    assert snapshot(known) == changed


def test_a_change_of_days_counts_everything_again(ctx, known):
    edition = _edition(known)
    assert _settle_up_to(edition, at(SUN, "12:00"))
    edition.days.append(EditionDay(day=SUN + timedelta(days=1)))
    db.session.flush()
    db.session.refresh(edition)
    fresh = snapshot(known)
    assert _settle_up_to(edition, at(SUN, "12:00"))
    assert snapshot(known) == fresh
    assert len(fresh["no_shows"][0]) == 3
