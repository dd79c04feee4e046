#!/usr/bin/env python3
"""Dashboard benchmark: a large edition on a fresh PostgreSQL database, generated with bulk
SQL (generate_series), then GET /api/v1/editions/<year>/dashboard measured over 50 requests
(p50, p99), with GET /healthz as the baseline and the attendance page's live JSON (what the
door phones and the back office poll) beside it; at 10,000 and at 100,000 tickets (1.5 scans
a ticket, over three festival days, the last one today: its third of the scans came in the
six hours up to now), and the growth between the two.

    .venv/bin/python scripts/bench/dashboard.py [--sizes 10000,100000] [--requests 50]
                                                [--base-url postgresql://postgres@127.0.0.1:5432/postgres]

The server is gunicorn (one worker: requests one after the other, so the figures are the
time one request takes); the client is a keep-alive http.client connection. The first request
of each endpoint counts every scan already settled (dashboard.rollups); five warm-up requests
are not in the figures, the first one's time is reported apart. Each size gets
its own database, created for the run and dropped afterwards. Results are printed and
written as JSON to bench-results/.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (SECRET_KEY, create_database, drop_database, free_port,  # noqa: E402
                    start_gunicorn, stop_gunicorn)
TARGET_P50_MS = 150
PASSWORD = "bench-organiser-password"



# The database --------------------------------------------------------------------------------



GENERATE = """
-- Ticket types (a pass, three day tickets, a free one) and their quotas.
INSERT INTO ticket_types (edition_id, name, description, price_cents, is_pay_what_you_want,
    valid_days, max_per_order, requires_attendee_name, is_hidden, is_active, position,
    created_at, updated_at)
SELECT :e, name, '', price, false, CAST(days AS JSON), 10, false, false, true, pos, now(), now()
FROM (VALUES ('Pass', 2500, '[]', 1), ('Vendredi', 1200, :d0, 2), ('Samedi', 1500, :d1, 3),
             ('Dimanche', 1200, :d2, 4), ('Enfant', 0, '[]', 5)) AS t(name, price, days, pos);
INSERT INTO quotas (edition_id, ticket_type_id, size, used)
SELECT :e, id, :tickets, 0 FROM ticket_types WHERE edition_id = :e;
INSERT INTO quotas (edition_id, ticket_type_id, size, used) VALUES (:e, NULL, :tickets * 2, 0);

-- Orders of two tickets: 90 % paid (a tenth at the box office), 3 % pending, 4 % expired,
-- 2 % cancelled, 1 % refunded; paid over the six weeks before the festival.
INSERT INTO orders (edition_id, code, secret, buyer_name, email, language, status,
    payment_method, tickets_cents, donation_cents, total_cents, refunded_cents, expires_at,
    paid_at, is_box_office, marketing_consent, created_at, updated_at)
SELECT :e, 'B' || lpad(to_hex(g), 9, '0'), md5(g::text), 'Buyer ' || g,
       'buyer' || g || '@bench.example', 'fr', s.status,
       CASE WHEN s.status IN ('paid', 'refunded') THEN
            CASE WHEN g % 10 = 0 THEN 'cash' ELSE 'stripe' END END,
       3000, 0, 3000, CASE WHEN s.status = 'refunded' THEN 3000 ELSE 0 END,
       s.at + interval '30 minutes',
       CASE WHEN s.status IN ('paid', 'refunded') THEN s.at + interval '2 minutes' END,
       s.status = 'paid' AND g % 10 = 0, false, s.at, s.at
FROM generate_series(1, :orders) AS g,
LATERAL (SELECT CASE WHEN g % 100 < 90 THEN 'paid' WHEN g % 100 < 93 THEN 'pending'
                     WHEN g % 100 < 97 THEN 'expired' WHEN g % 100 < 99 THEN 'cancelled'
                     ELSE 'refunded' END AS status,
                CAST(:first_day AS timestamp) - interval '42 days'
                    + interval '42 days' * sqrt(random()) AS at) AS s;

INSERT INTO tickets (order_id, ticket_type_id, attendee_name, price_cents, status,
    refunded_cents, created_at)
SELECT o.id, tt.id, '', 1500,
       CASE WHEN o.status IN ('cancelled', 'refunded') THEN 'revoked' ELSE 'valid' END,
       CASE WHEN o.status = 'refunded' THEN 1500 ELSE 0 END, o.created_at
FROM orders o CROSS JOIN generate_series(0, 1) AS k
JOIN ticket_types tt ON tt.edition_id = :e AND tt.position = 1 + (o.id * 2 + k) % 5
WHERE o.edition_id = :e;

UPDATE quotas q SET used = (
    SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id
    WHERE o.edition_id = :e AND o.status IN ('paid', 'pending') AND t.status = 'valid'
      AND (q.ticket_type_id IS NULL OR t.ticket_type_id = q.ticket_type_id))
WHERE q.edition_id = :e;

-- Doors: one list a day and a room's list; eight phones.
INSERT INTO checkin_lists (edition_id, name, days, allow_reentry, admit_unpaid, is_active,
    created_at)
VALUES (:e, 'Entrée vendredi', CAST(:d0 AS JSON), true, false, true, now()),
       (:e, 'Entrée samedi', CAST(:d1 AS JSON), true, false, true, now()),
       (:e, 'Entrée dimanche', CAST(:d2 AS JSON), true, false, true, now()),
       (:e, 'Grande salle', CAST('[]' AS JSON), true, false, true, now());
INSERT INTO edition_rooms (guid, edition_id, name, description, capacity, position,
    created_at, updated_at)
VALUES (md5(random()::text), :e, 'Grande salle', '', 800, 0, now(), now());
INSERT INTO checkin_devices (edition_id, list_id, name, gate, created_at)
SELECT :e, (SELECT min(id) FROM checkin_lists WHERE edition_id = :e),
       'Phone ' || g, CASE WHEN g <= 4 THEN 'Porte A' ELSE 'Porte B' END, now()
FROM generate_series(1, 8) AS g;

-- Scans: 1.5 a ticket over the three days, the last one being the six hours up to now (the
-- doors busy all along: a third of the scans in six hours); most admissions, some exits, a
-- few refusals and undone admissions; a tenth at the room's door.
INSERT INTO scans (edition_id, list_id, ticket_id, device_id, user_id, gate, direction, kind,
    result, reason, client_scan_id, scanned_at, received_at, is_offline, undoes_scan_id,
    is_undone, first_scan_id)
SELECT :e, CASE WHEN g % 10 = 0 THEN l.room ELSE l.first + g % 3 END,
       CASE WHEN g % 100 = 95 THEN NULL ELSE t.first + (g::bigint * 7919) % t.n END,
       d.first + g % 8, NULL, CASE WHEN g % 8 < 4 THEN 'Porte A' ELSE 'Porte B' END,
       CASE WHEN g % 100 BETWEEN 88 AND 92 THEN 'out' ELSE 'in' END, 'scan',
       CASE WHEN g % 100 < 93 THEN 'ok' WHEN g % 100 = 93 THEN 'already_checked_in'
            WHEN g % 100 = 94 THEN 'revoked' WHEN g % 100 = 95 THEN 'invalid'
            WHEN g % 100 = 96 THEN 'unpaid' WHEN g % 100 = 97 THEN 'not_valid_today'
            WHEN g % 100 = 98 THEN 'not_on_this_list' ELSE 'already_checked_in' END,
       '', 'b' || g, s.at, s.at, false, NULL, g % 997 = 0, NULL
FROM generate_series(1, :scans) AS g
CROSS JOIN (SELECT min(t.id) AS first, count(*) AS n FROM tickets t
            JOIN orders o ON o.id = t.order_id WHERE o.edition_id = :e) AS t
CROSS JOIN (SELECT min(id) AS first, max(id) AS room FROM checkin_lists
            WHERE edition_id = :e) AS l
CROSS JOIN (SELECT min(id) AS first FROM checkin_devices WHERE edition_id = :e) AS d,
LATERAL (SELECT CASE WHEN g % 3 < 2
                THEN CAST(:first_day AS timestamp) + interval '1 day' * (g % 3)
                     + interval '8 hours' + interval '13 hours' * power(random(), 1.6)
                ELSE CAST(:now AS timestamp) - interval '6 hours' * random() END AS at) AS s;
"""


def seed(url: str, tickets: int) -> dict:
    """Migrate; an edition whose third and last day is today, with `tickets` tickets and
    1.5 scans a ticket; an organiser (password) and an organiser API token."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from festival import MIGRATIONS, create_app
    from festival.accounts.services import create_api_token, create_user
    from festival.core.timeutil import utcnow
    from festival.editions.days import day_of
    from festival.editions.models import Edition, EditionDay, EditionStatus
    from festival.extensions import db

    app = create_app({"ENVIRON": {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY}})
    now = utcnow()
    today = day_of(now)
    days = [today - timedelta(days=2), today - timedelta(days=1), today]
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
        edition = Edition(year=today.year, title="Banc d'essai", status=EditionStatus.ON_SALE,
                          days=[EditionDay(day=d) for d in days])
        db.session.add(edition)
        db.session.flush()
        started = time.perf_counter()
        params = {"e": edition.id, "tickets": tickets, "orders": tickets // 2,
                  "scans": tickets * 3 // 2, "first_day": days[0].isoformat(),
                  "now": now.replace(tzinfo=None).isoformat(),
                  **{f"d{i}": json.dumps([d.isoformat()]) for i, d in enumerate(days)}}
        for statement in GENERATE.split(";\n"):
            if statement.strip() and not all(line.startswith("--") or not line.strip()
                                             for line in statement.splitlines()):
                db.session.execute(text(statement), params)
        create_user("bench@bench.example", PASSWORD, "organiser", name="Bench")
        _, token = create_api_token("bench", "organiser")
        db.session.commit()
        generated = time.perf_counter() - started
        counts = {name: db.session.execute(text(sql), {"e": edition.id}).scalar() for name, sql in {
            "tickets": "SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id "
                       "WHERE o.edition_id = :e",
            "scans": "SELECT count(*) FROM scans WHERE edition_id = :e"}.items()}
        year = edition.year
        db.engine.dispose()
    import psycopg
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"year": year, "token": token, "generated_seconds": round(generated, 1), **counts}


# The server and the client -------------------------------------------------------------------

def log_in(port: int) -> str:
    """A session cookie for the organiser, through the login form (CSRF token included)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/login")
    response = connection.getresponse()
    page = response.read().decode()
    cookies = _cookies(response)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page)
    body = urlencode({"email": "bench@bench.example", "password": PASSWORD,
                      "csrf_token": csrf.group(1) if csrf else ""})
    connection.request("POST", "/login", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookies,
        "Referer": f"http://127.0.0.1:{port}/login"})
    response = connection.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"could not log in: {response.status}")
    return _cookies(response) or cookies


def _cookies(response) -> str:
    return "; ".join(h.split(";", 1)[0] for h in response.headers.get_all("Set-Cookie") or [])


def measure(port: int, path: str, headers: dict, requests: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    times, first = [], None
    for n in range(requests + 5):   # five to warm up, not counted
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
        first = elapsed if first is None else first
        if n >= 5:
            times.append(elapsed)
    times.sort()
    return {"requests": requests, "p50_ms": round(statistics.median(times), 1),
            "p99_ms": round(times[min(len(times) - 1, round(0.99 * (len(times) - 1)))], 1),
            "mean_ms": round(statistics.fmean(times), 1), "bytes": len(body),
            "first_ms": round(first, 1)}


def run_size(base_url: str, tickets: int, requests: int, results: Path) -> dict:
    name, url = create_database(base_url, "dashboard")
    server = None
    try:
        print(f"\n{tickets:,} tickets: generating…", flush=True)
        data = seed(url.replace("postgresql://", "postgresql+psycopg://", 1), tickets)
        print(f"  {data['tickets']:,} tickets and {data['scans']:,} scans in "
              f"{data['generated_seconds']} s", flush=True)
        port = free_port()
        server = start_gunicorn(url.replace("postgresql://", "postgresql+psycopg://", 1),
                                port, results / "dashboard-server.log", workers=1)
        bearer = {"Authorization": f"Bearer {data['token']}"}
        cookie = {"Cookie": log_in(port)}
        figures = {
            "dashboard_api": measure(port, f"/api/v1/editions/{data['year']}/dashboard",
                                     bearer, requests),
            "attendance_live": measure(port, f"/dashboard/{data['year']}/live", cookie,
                                       requests),
            "healthz": measure(port, "/healthz", {}, requests),
        }
        return {"tickets": data["tickets"], "scans": data["scans"],
                "generated_seconds": data["generated_seconds"], **figures}
    finally:
        if server is not None:
            stop_gunicorn(server)
        drop_database(base_url, name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--base-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    results = ROOT / "bench-results"
    results.mkdir(exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",")]
    load_before = os.getloadavg()
    runs = [run_size(args.base_url, size, args.requests, results) for size in sizes]

    print(f"\n{'tickets':>9} {'scans':>9}  {'endpoint':<16} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'mean ms':>8}")
    for run in runs:
        for key in ("dashboard_api", "attendance_live", "healthz"):
            f = run[key]
            print(f"{run['tickets']:>9,} {run['scans']:>9,}  {key:<16} {f['p50_ms']:>8} "
                  f"{f['p99_ms']:>8} {f['mean_ms']:>8}")
    report = {"when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "cpus": os.cpu_count(), "load_average": [round(x, 1) for x in load_before],
              "requests": args.requests, "target_p50_ms": TARGET_P50_MS, "runs": runs}
    print("\nfirst request (counts every scan already settled): "
          + ", ".join(f"{r['dashboard_api']['first_ms']:.0f} ms at {r['tickets']:,}"
                      for r in runs)
          + f"; load average before the run {report['load_average'][0]} on "
            f"{report['cpus']} CPUs")
    if len(runs) >= 2:
        small, large = runs[0], runs[-1]
        growth = {key: round(large[key]["p50_ms"] / small[key]["p50_ms"], 2)
                  for key in ("dashboard_api", "attendance_live", "healthz")}
        report["data_growth"] = round(large["tickets"] / small["tickets"], 1)
        report["p50_growth"] = growth
        print(f"\ndata ×{report['data_growth']}: p50 ×{growth['dashboard_api']} (dashboard "
              f"API), ×{growth['attendance_live']} (attendance live), ×{growth['healthz']} "
              f"(healthz)")
    verdict = runs[-1]["dashboard_api"]["p50_ms"] < TARGET_P50_MS
    report["target_met"] = verdict
    print(f"dashboard API p50 at {runs[-1]['tickets']:,} tickets: "
          f"{runs[-1]['dashboard_api']['p50_ms']} ms (target < {TARGET_P50_MS} ms): "
          f"{'met' if verdict else 'NOT met'}")
    path = results / f"dashboard-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"written to {path.relative_to(ROOT)}")
    return 0 if verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
