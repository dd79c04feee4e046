"""The demo edition: what `scripts/serve` shows on a fresh machine.

Every loader finds what exists before creating it, so running the demo twice changes nothing.
The demo imports the domains it fills; no domain imports the demo (tests/core/test_layering.py).
"""
from __future__ import annotations

from typing import Callable

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from festival.accounts.models import User
from festival.accounts.services import create_user
from festival.core.access import Role
from festival.core.unit_of_work import with_unit_of_work
from festival.demo.associations import load_associations
from festival.demo.checkin import load_checkin
from festival.demo.dashboard import load_history
from festival.demo.editions import load_editions
from festival.demo.proposals import load_proposals
from festival.demo.ticketing import load_ticketing
from festival.demo.volunteers import load_volunteers
from festival.editions.services.editions import edition_by_year
from festival.extensions import db

DEMO_ACCOUNTS = [
    # email, role, name, password
    ("admin@almoggar.example", Role.ADMIN, "Administratrice démo", "demo-admin-2027"),
    ("organisatrice@almoggar.example", Role.ORGANISER, "Fatima Organisatrice",
     "demo-organiser-2027"),
    ("benevole@almoggar.example", Role.VOLUNTEER, "Youssef Bénévole", "demo-volunteer-2027"),
    ("espoir-du-sud@almoggar.example", Role.ASSOCIATION, "Représentant Espoir du Sud",
     "demo-association-2027"),
]


def _ensure_account(email: str, role: Role, name: str, password: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    return user or create_user(email, password, role, name=name)


def load_demo(echo: Callable[[str], None] = print) -> str:
    if current_app.config["FESTIVAL_ENV"] == "production":
        raise SystemExit("The demo data is for development only (FESTIVAL_ENV=production).")
    users = {email: _ensure_account(email, role, name, pw)
             for email, role, name, pw in DEMO_ACCOUNTS}
    associations = load_associations(representative=users["espoir-du-sud@almoggar.example"])
    db.session.flush()
    editions = load_editions()
    shop_lines = load_ticketing(edition_by_year(2027))
    shop_lines += load_checkin(edition_by_year(2027))
    shop_lines += load_volunteers(edition_by_year(2027), users["benevole@almoggar.example"])
    shop_lines += load_history()
    shop_lines += load_proposals(edition_by_year(2027), users["organisatrice@almoggar.example"],
                                 users["benevole@almoggar.example"])
    lines = ["Demo data ready:", f"  {associations} associations in the registry",
             f"  {editions} festival editions with their programme", *shop_lines, "",
             "Demo accounts (e-mail / password):"]
    lines += [f"  {role.value:<12} {email} / {pw}" for email, role, _, pw in DEMO_ACCOUNTS]
    return "\n".join(lines)


@click.command("demo")
@with_appcontext
@with_unit_of_work
def demo_command() -> None:
    """Load the demo edition and accounts. Running it twice changes nothing."""
    click.echo(load_demo(echo=click.echo))
