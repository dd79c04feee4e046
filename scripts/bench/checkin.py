#!/usr/bin/env python3
"""Check-in benchmark: gunicorn (4 workers) on a fresh PostgreSQL database, 10,000 paid
tickets, 8 and then 32 scanners at once, each scan a different ticket, then a pass of
re-scans; GET /healthz measured in the same run at the same concurrency, for the ratios.
Before the measures, a warm-up of /healthz, of garbage scans and of 400 first scans of
tickets kept apart from the measured ones.

    .venv/bin/python scripts/bench/checkin.py [--tickets 10000] [--base-url postgresql://…]

The load comes from this process: one keep-alive http.client connection per scanner thread
(the stdlib, so the client stays light on the machine it shares with the server); its CPU
use is reported beside the figures, with gunicorn's and PostgreSQL's (all its processes on
the machine). Check-in and /healthz run in alternating slices of the same size, so that both
meet the same load from whatever else runs on the machine. Results are printed and written
as JSON to bench-results/. The database is created for the run and dropped afterwards.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import resource
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import (  # noqa: E402
    SECRET_KEY,
    create_database,
    drop_database,
    free_port,
    start_gunicorn,
    stop_gunicorn,
)
TARGET_THROUGHPUT, TARGET_P99 = 0.5, 2.0  # check-in vs /healthz, at 8 scanners
# Tickets scanned before the measures, besides the measured ones: each worker's first scans
# compile the scan's statement, open its door connection and have PostgreSQL prepare the
# statement, once per process; those belong to starting the server, not to the queue.
WARM_UP_TICKETS = 400



# The database --------------------------------------------------------------------------------



def seed(url: str, tickets: int, devices: int) -> dict:
    """Migrate, then an edition open today with `tickets` paid tickets (bulk SQL) and a
    list with `devices` paired devices. Returns the tokens and device bearer tokens."""
    from datetime import date

    from flask_migrate import upgrade
    from sqlalchemy import text

    from festival import MIGRATIONS, create_app
    from festival.checkin.devices import create_device, create_list, pair_device
    from festival.core.timeutil import PARIS
    from festival.editions.models import Edition, EditionDay, EditionStatus
    from festival.extensions import db
    from festival.ticketing.catalog import ensure_signing_key
    from festival.ticketing.models import TicketType
    from festival.ticketing.tokens import sign_ticket

    app = create_app({"ENVIRON": {"DATABASE_URL": url, "SECRET_KEY": SECRET_KEY,
                                  "RATELIMIT_ENABLED": "false"}})
    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision="head")
        today = datetime.now(PARIS).date()
        edition = Edition(year=2099, title="Almoggar bench", status=EditionStatus.ON_SALE)
        edition.days = [EditionDay(day=today), EditionDay(day=date.fromordinal(
            today.toordinal() + 1))]
        db.session.add(edition)
        db.session.flush()
        private = ensure_signing_key(edition)
        pass_type = TicketType(edition_id=edition.id, name="Pass festival", price_cents=1500,
                               valid_days=[])
        db.session.add(pass_type)
        db.session.flush()
        # One order per ticket, as buyers do, inserted in two statements.
        db.session.execute(text("""
            INSERT INTO orders (edition_id, code, secret, buyer_name, email, language, status,
                                payment_method, tickets_cents, donation_cents, total_cents,
                                refunded_cents, is_box_office, marketing_consent,
                                created_at, updated_at, paid_at)
            SELECT :edition, 'B' || lpad(n::text, 9, '0'), md5(n::text), 'Visiteur ' || n,
                   'visiteur' || n || '@example.fr', 'fr', 'paid', 'stripe', 1500, 0, 1500, 0,
                   false, false, now(), now(), now()
            FROM generate_series(1, :n) AS n"""), {"edition": edition.id, "n": tickets})
        db.session.execute(text("""
            INSERT INTO tickets (order_id, ticket_type_id, attendee_name, price_cents, status,
                                 refunded_cents, created_at)
            SELECT o.id, :type, o.buyer_name, 1500, 'valid', 0, now()
            FROM orders o WHERE o.edition_id = :edition ORDER BY o.id"""),
            {"edition": edition.id, "type": pass_type.id})
        ids = [row[0] for row in db.session.execute(text(
            "SELECT t.id FROM tickets t JOIN orders o ON o.id = t.order_id "
            "WHERE o.edition_id = :edition ORDER BY t.id"), {"edition": edition.id})]
        checkin_list = create_list(edition, {"name": "Entrée principale"})
        bearers = []
        for n in range(devices):
            _, code = create_device(checkin_list, name=f"Téléphone {n + 1}", gate=f"Porte {n % 4 + 1}")
            bearers.append(pair_device(code)[1])
        db.session.commit()
        tokens = [sign_ticket(private, edition.year, ticket_id) for ticket_id in ids]
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        # Write the seed's pages out now, so that the checkpointer does not flush them (and
        # the scans' first changes to each page do not log whole pages) during the measures.
        db.session.connection().exec_driver_sql("CHECKPOINT")
        db.session.commit()
        db.engine.dispose()
    return {"tokens": tokens, "bearers": bearers}


def check_database(url: str) -> dict:
    import psycopg
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        rows = dict(conn.execute("SELECT result, count(*) FROM scans GROUP BY result").fetchall())
        presences = conn.execute("SELECT count(*) FROM ticket_presences").fetchone()[0]
    return {"scans": rows, "presences": presences}


# The server ----------------------------------------------------------------------------------

def cpu_ticks() -> dict[int, tuple[int, str, int]]:
    """Every process on the machine: its parent, its name and its user + system CPU ticks so
    far (Linux /proc). gunicorn and PostgreSQL share the two cores with the client."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            fields = text.rsplit(")", 1)[1].split()
            found[int(stat.parent.name)] = (int(fields[1]), text[text.index("(") + 1:
                                                                  text.rindex(")")],
                                            int(fields[11]) + int(fields[12]))
        except (OSError, IndexError, ValueError):
            pass
    return found


def cpu_seconds(before: dict, after: dict, chosen) -> float:
    """CPU seconds between two cpu_ticks() of the processes `chosen(pid, parent, name)` picks
    (a process that ended meanwhile is not counted; one that started counts from zero)."""
    ticks = sum(total - before.get(pid, (0, "", 0))[2]
                for pid, (parent, name, total) in after.items() if chosen(pid, parent, name))
    return ticks / os.sysconf("SC_CLK_TCK")


# The load ------------------------------------------------------------------------------------

def run_phase(port: int, concurrency: int, jobs: list, server) -> dict:
    """`jobs`: (method, path, body bytes | None, headers, expected result | None), shared
    out to `concurrency` threads, each on its own keep-alive connection. Raw figures."""
    per_thread = [jobs[i::concurrency] for i in range(concurrency)]
    latencies: list[list[float]] = [[] for _ in range(concurrency)]
    wrong: list[int] = [0] * concurrency
    barrier = threading.Barrier(concurrency + 1)

    def scanner(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        for method, path, body, headers, expected in per_thread[index]:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            payload = response.read()
            latencies[index].append(time.perf_counter() - started)
            if response.status != 200 or (
                    expected and json.loads(payload).get("result") != expected):
                wrong[index] += 1
        connection.close()

    threads = [threading.Thread(target=scanner, args=(i,), daemon=True)
               for i in range(concurrency)]
    for thread in threads:
        thread.start()
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    ticks_before = cpu_ticks()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    ticks_after = cpu_ticks()
    return {"latencies": [x for part in latencies for x in part], "errors": sum(wrong),
            "seconds": elapsed,
            "client_cpu": (cpu_after.ru_utime - cpu_before.ru_utime)
            + (cpu_after.ru_stime - cpu_before.ru_stime),
            "server_cpu": cpu_seconds(ticks_before, ticks_after,
                                      lambda pid, parent, _: server.pid in (pid, parent)),
            "database_cpu": cpu_seconds(ticks_before, ticks_after, lambda _, __, name:
                                        name in ("postgres", "postmaster"))}


def summarise(name: str, concurrency: int, runs: list[dict]) -> dict:
    everything = sorted(x for run in runs for x in run["latencies"])
    seconds = sum(run["seconds"] for run in runs)

    def pct(p: float) -> float:
        return everything[min(len(everything) - 1, int(p / 100 * len(everything)))] * 1000

    return {"phase": name, "concurrency": concurrency, "requests": len(everything),
            "errors": sum(run["errors"] for run in runs), "seconds": round(seconds, 3),
            "per_second": round(len(everything) / seconds, 1),
            "p50_ms": round(pct(50), 2), "p95_ms": round(pct(95), 2), "p99_ms": round(pct(99), 2),
            "mean_ms": round(statistics.fmean(everything) * 1000, 2),
            "client_cpu_percent": round(100 * sum(r["client_cpu"] for r in runs) / seconds, 1),
            "server_cpu_percent": round(100 * sum(r["server_cpu"] for r in runs) / seconds, 1),
            "database_cpu_percent": round(100 * sum(r["database_cpu"] for r in runs) / seconds,
                                          1)}


def interleaved(port: int, concurrency: int, scans: list, expected_name: str, server,
                rounds: int = 10) -> list[dict]:
    """Check-in and /healthz in alternating slices of the same size, so that both meet the
    same load from the rest of the machine; each summarised over all its slices."""
    size = -(-len(scans) // rounds)
    health_runs, scan_runs = [], []
    for start in range(0, len(scans), size):
        chunk = scans[start:start + size]
        health_runs.append(run_phase(port, concurrency, health_jobs(len(chunk)), server))
        scan_runs.append(run_phase(port, concurrency, chunk, server))
    return [summarise("healthz", concurrency, health_runs),
            summarise(expected_name, concurrency, scan_runs)]


def scan_jobs(tokens: list[str], bearers: list[str], concurrency: int, expected: str) -> list:
    jobs = []
    for n, token in enumerate(tokens):
        body = json.dumps({"token": token, "direction": "in", "scan_id": uuid.uuid4().hex,
                           "scanned_at": datetime.now(UTC).isoformat()}).encode()
        headers = {"Authorization": f"Bearer {bearers[n % concurrency]}",
                   "Content-Type": "application/json"}
        jobs.append(("POST", "/api/v1/checkin", body, headers, expected))
    return jobs


def health_jobs(count: int) -> list:
    return [("GET", "/healthz", None, {}, None)] * count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--base-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    half = args.tickets // 2

    (ROOT / "bench-results").mkdir(exist_ok=True)
    name, url = create_database(args.base_url, "checkin")
    server = None
    try:
        print(f"Seeding {args.tickets} paid tickets in {name}…", flush=True)
        data = seed(url, args.tickets + WARM_UP_TICKETS, devices=32)
        port = free_port()
        # The project's gunicorn.conf.py applies; worker recycling is off for the run, so
        # that no phase pays for restarting a worker.
        server = start_gunicorn(url, port, ROOT / "bench-results" / "checkin-server.log",
                                workers=4, options=("--max-requests", "0"))
        tokens, bearers = data["tokens"][:args.tickets], data["bearers"]
        run_phase(port, 8, health_jobs(400), server)  # warm-up
        run_phase(port, 8, scan_jobs(["garbage"] * 400, bearers, 8, "invalid"), server)
        run_phase(port, 8, scan_jobs(data["tokens"][args.tickets:], bearers, 8, "ok"), server)
        phases = []
        for concurrency, tickets in ((8, tokens[:half]), (32, tokens[half:])):
            phases += interleaved(port, concurrency,
                                  scan_jobs(tickets, bearers, concurrency, "ok"), "check-in",
                                  server)
        for concurrency, tickets in ((8, tokens[:half]), (32, tokens[half:])):
            phases += interleaved(port, concurrency,
                                  scan_jobs(tickets, bearers, concurrency,
                                            "already_checked_in"), "re-scan", server)
    finally:
        if server is not None:
            stop_gunicorn(server)
    stored = check_database(url)
    drop_database(args.base_url, name)

    for index, phase in enumerate(phases):
        base = phases[index - index % 2]  # each measure follows its own /healthz slices
        phase["throughput_vs_healthz"] = round(phase["per_second"] / base["per_second"], 2)
        phase["p99_vs_healthz"] = round(phase["p99_ms"] / base["p99_ms"], 2)
    header = (f"{'phase':<10}{'scanners':>9}{'requests':>9}{'errors':>7}{'req/s':>9}"
              f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'x thr':>7}{'x p99':>7}"
              f"{'client cpu':>11}{'server cpu':>11}{'db cpu':>8}")
    print(header)
    for p in phases:
        print(f"{p['phase']:<10}{p['concurrency']:>9}{p['requests']:>9}{p['errors']:>7}"
              f"{p['per_second']:>9.0f}{p['p50_ms']:>9.2f}{p['p95_ms']:>9.2f}{p['p99_ms']:>9.2f}"
              f"{p['throughput_vs_healthz']:>7.2f}{p['p99_vs_healthz']:>7.2f}"
              f"{p['client_cpu_percent']:>10.0f}%{p['server_cpu_percent']:>10.0f}%"
              f"{p['database_cpu_percent']:>7.0f}%")
    at8 = next(p for p in phases if p["phase"] == "check-in" and p["concurrency"] == 8)
    met = (at8["throughput_vs_healthz"] >= TARGET_THROUGHPUT
           and at8["p99_vs_healthz"] <= TARGET_P99)
    admitted = args.tickets + WARM_UP_TICKETS
    correct = (stored["presences"] == admitted
               and stored["scans"].get("ok") == admitted
               and stored["scans"].get("already_checked_in") == args.tickets
               and not any(p["errors"] for p in phases))
    print(f"Stored: {stored['presences']} admissions ({args.tickets} measured, "
          f"{WARM_UP_TICKETS} in the warm-up), scans by result {stored['scans']}"
          f" ({'every ticket admitted exactly once' if correct else 'WRONG COUNTS'}).")
    print(f"Targets at 8 scanners (throughput >= {TARGET_THROUGHPUT} x healthz, p99 <= "
          f"{TARGET_P99} x healthz): {'met' if met else 'NOT met'}.")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = out / f"checkin-{stamp}.json"
    path.write_text(json.dumps({"benchmark": "checkin", "at": stamp, "tickets": args.tickets,
                                "workers": 4, "cpus": os.cpu_count(), "phases": phases,
                                "stored": stored, "correct": correct, "targets_met": met},
                               indent=2, default=str))
    print(f"Written to {path.relative_to(ROOT)}")
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
