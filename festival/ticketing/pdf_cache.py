"""Rendered ticket PDFs kept on disk, per order version: a render costs about 1.5 CPU-s, and
a buyer downloads the same file again and again (phone and A4, all tickets or one).

The version is a digest of everything printed on the order's valid tickets (names, types,
days, edition, language, each ticket's signed token): it changes by itself whenever the
order, its tickets or their holders change, so a cached file can never be stale and no
code that changes an order has to remember the cache. Files live under
`CACHE_FOLDER/ticket-pdfs/<order id>/<version>/` (instance/cache by default,
never served); writing a new version removes the
order's older ones, and `forget_order_pdfs` removes them all (anonymisation).
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from pathlib import Path

from flask import current_app

from festival.ticketing.models import Order, Ticket
from festival.ticketing.printing import render_prints, ticket_prints


def cache_folder() -> Path:
    return Path(current_app.config["CACHE_FOLDER"]) / "ticket-pdfs"


def _order_folder(order: Order) -> Path:
    return cache_folder() / str(order.id)


def _version(prints) -> str:
    printed = json.dumps([asdict(p) for p in prints], sort_keys=True, default=str)
    return hashlib.sha256(printed.encode()).hexdigest()[:32]


def cached_order_pdf(order: Order, size: str, tickets: list[Ticket],
                     every_ticket: list[Ticket]) -> bytes:
    """The PDF of `tickets` (all of `every_ticket`, the order's valid tickets, or one of
    them) in `size`, rendered once per version of the order."""
    prints = ticket_prints(order, every_ticket)
    variant = "all" if len(tickets) == len(every_ticket) else "-".join(
        str(t.id) for t in tickets)
    folder = _order_folder(order) / _version(prints)
    path = folder / f"{variant}-{size}.pdf"
    try:
        return path.read_bytes()
    except OSError:
        pass
    chosen = {t.id for t in tickets}
    body = render_prints([p for p, t in zip(prints, every_ticket) if t.id in chosen], size)
    _forget_other_versions(order, keep=folder.name)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as out:
        out.write(body)
    os.replace(out.name, path)  # a reader never sees half a file
    return body


def _forget_other_versions(order: Order, keep: str) -> None:
    folder = _order_folder(order)
    if folder.is_dir():
        for version in folder.iterdir():
            if version.name != keep:
                shutil.rmtree(version, ignore_errors=True)


def forget_order_pdfs(order: Order) -> None:
    """Remove every cached PDF of the order (its names must not outlive an erasure)."""
    shutil.rmtree(_order_folder(order), ignore_errors=True)
