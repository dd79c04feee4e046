#!/usr/bin/env python3
"""Purchase-burst benchmark: gunicorn (4 workers) on a fresh PostgreSQL database, two ticket
types of quota Q each, one paid and one free, and N buyers at once asking for one ticket each
through the public API (POST /api/v1/editions/<year>/orders), first of the paid type, then
of the free one. Exactly Q of each must be sold: the others get 409 sold_out. A free order
is paid at once (and its confirmation queued), so it should go at least as fast as a paid
one. GET /healthz is measured in the same run, with as many requests at the same
concurrency, as the baseline.

    .venv/bin/python scripts/bench/purchase_burst.py [--buyers 400] [--quota 200]
        [--concurrency 400] [--base-url postgresql://postgres@127.0.0.1:5432/postgres]

The load comes from this process: threads of the stdlib, each with its own http.client
connection (kept alive where the server allows it), released together. The figures are
printed as a table and written to bench-results/purchase_burst.json. The database is created
for the run and dropped afterwards. Exits non-zero unless sold == quota and every answer is
201 or 409.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (SECRET_KEY, create_database, drop_database, free_port,  # noqa: E402
                    start_gunicorn, stop_gunicorn)
YEAR = 2098



# The database --------------------------------------------------------------------------------



def seed(url: str, quota: int) -> tuple[int, int]:
    """Migrate, then an edition on sale with two ticket types of `quota`, one at 25 euros
    and one free (the venue is larger, so the types' quotas are the ones that bind).
    Returns the ticket types' ids: (paid, free)."""
    from datetime import date

    from flask_migrate import upgrade

    from festival import MIGRATIONS, create_app
    from festival.editions.models import Edition, EditionDay, EditionStatus
    from festival.extensions import db
    from festival.ticketing import catalog

    app = create_app({"ENVIRON": {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
                                  "RATELIMIT_ENABLED": "false"}})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
        edition = Edition(year=YEAR, title="Almoggar bench", status=EditionStatus.ON_SALE)
        edition.days = [EditionDay(day=date(YEAR, 5, 15)), EditionDay(day=date(YEAR, 5, 16))]
        db.session.add(edition)
        db.session.flush()
        catalog.set_venue_capacity(edition, quota * 10)
        paid = catalog.create_ticket_type(edition, {
            "name": "Pass festival", "price_cents": 2500, "quota": quota,
            "requires_attendee_name": False})
        free = catalog.create_ticket_type(edition, {
            "name": "Invitation", "price_cents": 0, "quota": quota,
            "requires_attendee_name": False})
        db.session.commit()
        type_ids = paid.id, free.id
        db.engine.dispose()
    return type_ids


def count_sold(url: str, type_id: int) -> dict:
    import psycopg
    with psycopg.connect(url) as conn:
        used, size = conn.execute("SELECT used, size FROM quotas WHERE ticket_type_id = %s",
                                  (type_id,)).fetchone()
        tickets = conn.execute(
            "SELECT count(*) FROM tickets t JOIN orders o ON o.id = t.order_id "
            "WHERE t.ticket_type_id = %s AND o.status IN ('pending', 'paid')",
            (type_id,)).fetchone()[0]
        orders = conn.execute("SELECT count(DISTINCT t.order_id) FROM tickets t "
                              "WHERE t.ticket_type_id = %s", (type_id,)).fetchone()[0]
    return {"quota_used": used, "quota_size": size, "tickets": tickets, "orders": orders}


# The load ------------------------------------------------------------------------------------

def burst(port: int, name: str, jobs: list, concurrency: int) -> dict:
    """`jobs`: (method, path, body bytes | None, headers), shared out to `concurrency`
    threads released together; returns throughput, latencies and the answers' statuses."""
    concurrency = max(1, min(concurrency, len(jobs)))
    shares = [jobs[i::concurrency] for i in range(concurrency)]
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    statuses: list[dict[int, int]] = [{} for _ in range(concurrency)]
    barrier = threading.Barrier(concurrency + 1)

    def buyer(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        for method, path, body, headers in shares[index]:
            started = time.perf_counter()
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0  # no answer at all
            latencies[index].append(time.perf_counter() - started)
            statuses[index][status] = statuses[index].get(status, 0) + 1
        connection.close()

    threads = [threading.Thread(target=buyer, args=(i,), daemon=True)
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    every = sorted(x for part in latencies for x in part)
    counts: dict[int, int] = {}
    for part in statuses:
        for status, n in part.items():
            counts[status] = counts.get(status, 0) + n

    def pct(p: float) -> float:
        return round(every[min(len(every) - 1, int(p / 100 * len(every)))] * 1000, 1)

    ok = counts.get(200, 0) + counts.get(201, 0)
    return {"phase": name, "requests": len(every), "concurrency": concurrency,
            "seconds": round(elapsed, 3), "per_second": round(len(every) / elapsed, 1),
            "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": round(every[-1] * 1000, 1),
            "status_2xx": ok, "status_409": counts.get(409, 0),
            "status_other": len(every) - ok - counts.get(409, 0),
            "statuses": {str(k): v for k, v in sorted(counts.items())}}


def order_jobs(type_id: int, buyers: int, label: str = "acheteur") -> list:
    jobs = []
    for n in range(buyers):
        body = json.dumps({"email": f"{label}{n}@example.fr", "name": f"{label.title()} {n}",
                           "items": [{"ticket_type_id": type_id, "quantity": 1}]}).encode()
        jobs.append(("POST", f"/api/v1/editions/{YEAR}/orders", body,
                     {"Content-Type": "application/json"}))
    return jobs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=400, help="N (default 400)")
    parser.add_argument("--quota", type=int, default=200, help="Q (default 200)")
    parser.add_argument("--concurrency", type=int, default=0,
                        help="client threads (default: one per buyer, all at once)")
    parser.add_argument("--base-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    concurrency = args.concurrency or args.buyers

    (ROOT / "bench-results").mkdir(exist_ok=True)
    name, url = create_database(args.base_url, "purchase")
    server = None
    try:
        print(f"Database {name}: a paid and a free ticket type of quota {args.quota} each; "
              f"{args.buyers} buyers of each, {concurrency} at once.", flush=True)
        paid_id, free_id = seed(url, args.quota)
        port = free_port()
        server = start_gunicorn(url, port, ROOT / "bench-results" / "purchase_burst-server.log",
                                workers=4, options=("--backlog", "2048"))
        burst(port, "warm-up", [("GET", "/healthz", None, {})] * 200, 8)
        health = burst(port, "healthz", [("GET", "/healthz", None, {})] * args.buyers,
                       concurrency)
        orders = burst(port, "orders", order_jobs(paid_id, args.buyers), concurrency)
        free = burst(port, "free", order_jobs(free_id, args.buyers, "invite"), concurrency)
    finally:
        if server is not None:
            stop_gunicorn(server)
    sold = count_sold(url, paid_id)
    sold_free = count_sold(url, free_id)
    drop_database(args.base_url, name)

    ratios = {"throughput_vs_healthz": round(orders["per_second"] / health["per_second"], 3),
              "p50_vs_healthz": round(orders["p50_ms"] / max(health["p50_ms"], 0.1), 2),
              "p99_vs_healthz": round(orders["p99_ms"] / max(health["p99_ms"], 0.1), 2),
              "free_vs_paid": round(free["per_second"] / orders["per_second"], 3),
              # Orders made per second: the 2xx answers over the phase's length.
              "paid_orders_per_second": round(orders["status_2xx"] / orders["seconds"], 1),
              "free_orders_per_second": round(free["status_2xx"] / free["seconds"], 1)}
    print(f"{'phase':<9}{'requests':>9}{'at once':>8}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
          f"{'2xx':>6}{'409':>6}{'other':>7}")
    for p in (health, orders, free):
        print(f"{p['phase']:<9}{p['requests']:>9}{p['concurrency']:>8}{p['per_second']:>9.1f}"
              f"{p['p50_ms']:>9.1f}{p['p99_ms']:>9.1f}{p['status_2xx']:>6}{p['status_409']:>6}"
              f"{p['status_other']:>7}")
    print(f"orders vs healthz: throughput x{ratios['throughput_vs_healthz']}, "
          f"p50 x{ratios['p50_vs_healthz']}, p99 x{ratios['p99_vs_healthz']}")
    print(f"orders made: paid {ratios['paid_orders_per_second']}/s, "
          f"free {ratios['free_orders_per_second']}/s; "
          f"free vs paid requests: x{ratios['free_vs_paid']}")

    def exact(phase: dict, counted: dict) -> bool:
        return (counted["quota_used"] == args.quota == counted["tickets"]
                and phase["status_2xx"] == min(args.quota, args.buyers)
                and phase["status_other"] == 0)

    correct = exact(orders, sold) and exact(free, sold_free)
    for label, counted, ok in (("paid", sold, exact(orders, sold)),
                               ("free", sold_free, exact(free, sold_free))):
        print(f"Sold {counted['tickets']} {label} tickets of a quota of {args.quota} "
              f"(quota row: {counted['quota_used']}/{counted['quota_size']}; "
              f"{counted['orders']} orders): {'exactly the quota' if ok else 'WRONG'}.")
    result = {"benchmark": "purchase_burst",
              "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "buyers": args.buyers, "quota": args.quota, "concurrency": concurrency,
              "workers": 4, "cpus": os.cpu_count(), "healthz": health, "orders": orders,
              "free_orders": free, "ratios": ratios, "sold": sold, "sold_free": sold_free,
              "correct": correct}
    path = ROOT / "bench-results" / "purchase_burst.json"
    path.write_text(json.dumps(result, indent=2))
    print(f"Written to {path.relative_to(ROOT)}")
    return 0 if correct else 1

if __name__ == "__main__":
    sys.exit(main())
