"""The .ics files as real calendar clients read them: ical.js (Thunderbird, Nextcloud), under
Node, and Python's icalendar building the zone from the file's own VTIMEZONE. Each session must
start at the instant the programme API gives, in winter time, in summer time and on the night
the clocks go forward."""
from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from icalendar import Calendar

from festival.extensions import db
from tests.conftest import IN_CI
from tests.factories import gen_edition, gen_room, gen_session

ROOT = Path(__file__).resolve().parents[2]
CLIENT = Path(__file__).with_name("ical_client.mjs")

needs_icaljs = pytest.mark.skipif(  # never skipped in CI, which installs both
    not IN_CI and (shutil.which("node") is None
                   or not (ROOT / "node_modules" / "ical.js").is_dir()),
    reason="Node.js and ical.js are needed (npm ci installs ical.js from package.json)")


@pytest.fixture
def seasons(app):
    """A published edition with a winter day, the night the clocks go forward (2037-03-29 at
    02:00 in Paris) and a summer day."""
    with app.app_context():
        edition = gen_edition(2037, status="on_sale",
                              days=[date(2037, 3, 28), date(2037, 3, 29), date(2037, 5, 15)])
        room = gen_room(edition, name="Grande salle", opens=None, closes=None)
        winter = gen_session(edition, room, day=0, start="20:00", end="21:00", title="Hiver")
        # 01:30 is still winter time, 03:30 already summer time: the same festival night.
        before = gen_session(edition, room, title="Avant le changement",
                             starts_at=datetime(2037, 3, 29, 0, 30, tzinfo=UTC),   # 01:30 CET
                             ends_at=datetime(2037, 3, 29, 0, 50, tzinfo=UTC))
        after = gen_session(edition, room, title="Après le changement",
                            starts_at=datetime(2037, 3, 29, 1, 30, tzinfo=UTC),    # 03:30 CEST
                            ends_at=datetime(2037, 3, 29, 1, 50, tzinfo=UTC))
        summer = gen_session(edition, room, day=2, start="11:00", end="12:30", title="Été")
        db.session.commit()
        return {"year": edition.year,
                "ids": [winter.id, before.id, after.id, summer.id]}


def _api_starts(client, year: int) -> dict[str, datetime]:
    sessions = client.get(f"/api/v1/editions/{year}/programme").get_json()["sessions"]
    return {f"{s['guid']}@almoggar": datetime.fromisoformat(s["starts_at"]) for s in sessions}


def _ics_files(client, tmp_path: Path, seasons) -> list[Path]:
    year = seasons["year"]
    paths = [f"/{year}/programme.ics"] + [f"/{year}/sessions/{i}.ics" for i in seasons["ids"]]
    files = []
    for n, path in enumerate(paths):
        response = client.get(path)
        assert response.status_code == 200, path
        files.append(tmp_path / f"{n}.ics")
        files[-1].write_bytes(response.data)
    return files


@needs_icaljs
def test_icaljs_puts_every_session_at_the_api_instant(client, seasons, tmp_path):
    expected = _api_starts(client, seasons["year"])
    assert len(expected) == 4
    files = _ics_files(client, tmp_path, seasons)
    run = subprocess.run(["node", str(CLIENT), *map(str, files)], cwd=ROOT,
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    events = json.loads(run.stdout)
    assert len(events) == 8  # the programme's four, then one file per session
    for event in events:
        start = datetime.fromisoformat(event["start"])
        assert start == expected[event["uid"]], (event, expected[event["uid"]])


def test_the_vtimezone_gives_the_api_instant(client, seasons, tmp_path):
    """Python's icalendar, building the zone from the VTIMEZONE in the file rather than from
    its own database, agrees too; and the zone is written with yearly rules, not a list."""
    expected = _api_starts(client, seasons["year"])
    for path in _ics_files(client, tmp_path, seasons):
        calendar = Calendar.from_ical(path.read_bytes())
        (vtimezone,) = calendar.walk("VTIMEZONE")
        assert "RDATE" not in vtimezone.to_ical().decode()
        rules = sorted((c.name, dict(c["RRULE"])) for c in vtimezone.subcomponents)
        assert rules == [("DAYLIGHT", {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["-1SU"]}),
                         ("STANDARD", {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYDAY": ["-1SU"]})]
        zone = vtimezone.to_tz(lookup_tzid=False)
        for event in calendar.walk("VEVENT"):
            wall = event["DTSTART"].dt.replace(tzinfo=None)
            assert event["DTSTART"].params["TZID"] == "Europe/Paris"
            assert wall.replace(tzinfo=zone) == expected[str(event["UID"])], event["SUMMARY"]


def test_the_yearly_rules_agree_with_the_tz_database():
    """Around every Sunday of March and October from 1996 (the EU rule) to 2100, and in
    mid-winter and mid-summer, the VTIMEZONE's rules give the tz database's offset."""
    from datetime import timedelta

    from festival.core.ical import paris_vtimezone
    from festival.core.timeutil import PARIS
    zone = paris_vtimezone().to_tz(lookup_tzid=False)
    moments = []
    for year in range(1996, 2101):
        moments += [datetime(year, 1, 15, tzinfo=UTC), datetime(year, 7, 15, tzinfo=UTC)]
        for month in (3, 10):
            day = datetime(year, month, 1, tzinfo=UTC)
            while day.month == month:
                if day.weekday() == 6:  # the clocks change at 01:00 UTC
                    moments += [day + timedelta(minutes=30), day + timedelta(minutes=90)]
                day += timedelta(days=1)
    for moment in moments:
        assert moment.astimezone(zone).utcoffset() == moment.astimezone(PARIS).utcoffset(), moment


@needs_icaljs
def test_icaljs_sees_a_moved_session_as_newer_and_a_cancelled_one(client, app, seasons,
                                                                   tmp_path):
    from datetime import timedelta

    from festival.editions import services
    from festival.editions.models import ProgrammeSession
    winter, _, _, summer = seasons["ids"]
    with app.app_context():
        moved = db.session.get(ProgrammeSession, summer)
        services.update_session(moved, {"starts_at": moved.starts_at + timedelta(hours=2),
                                        "ends_at": moved.ends_at + timedelta(hours=2)},
                                actor=None)
        services.update_session(db.session.get(ProgrammeSession, winter),
                                {"status": "cancelled"}, actor=None)
        db.session.commit()
        guids = {db.session.get(ProgrammeSession, i).guid: i for i in (winter, summer)}
    path = tmp_path / "programme.ics"
    path.write_bytes(client.get(f"/{seasons['year']}/programme.ics").data)
    run = subprocess.run(["node", str(CLIENT), str(path)], cwd=ROOT, capture_output=True,
                         text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    events = {guids.get(e["uid"].split("@")[0]): e for e in json.loads(run.stdout)}
    assert (events[summer]["sequence"], events[summer]["status"]) == (1, "CONFIRMED")
    assert events[summer]["start"] == "2037-05-15T11:00:00.000Z"  # 13:00 in Paris
    assert (events[winter]["sequence"], events[winter]["status"]) == (1, "CANCELLED")
