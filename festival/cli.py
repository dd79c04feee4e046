"""`flask --app festival …` commands."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from festival.accounts.services import (
    create_api_token,
    create_user,
    revoke_api_token,
    unlock,
    user_by_email,
)
from festival.audit.services import record_command
from festival.checkin.cli import devices_cli
from festival.checkin.devices import create_list_token
from festival.core.backup import BackupError, backup, default_path, restore
from festival.core.errors import DomainError
from festival.core.unit_of_work import with_unit_of_work
from festival.demo import demo_command
from festival.extensions import db
from festival.mail.cli import mail_cli
from festival.outreach.cli import schedule_command
from festival.privacy.cli import privacy_cli
from festival.ticketing.cli import orders_cli, quotas_cli
from festival.waitlist.cli import waitlist_cli

users_cli = AppGroup("users", help="Manage user accounts.")
token_cli = AppGroup("token", help="Manage API tokens.")
accounts_cli = AppGroup("accounts", help="Lift login waits.")


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in error.fields.items())
    click.echo(f"Error: {error.message}" + (f" ({details})" if details else ""), err=True)
    sys.exit(1)


@users_cli.command("create")
@click.argument("email")
@click.option("--role", required=True,
              type=click.Choice(["admin", "organiser", "volunteer", "association"]))
@click.option("--name", default="", help="The person's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_unit_of_work
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account; asks for the password unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email, password, role, name=name)
    except DomainError as error:
        _fail(error)
    click.echo(f"Created {user.role.value} account {user.email}.")


@accounts_cli.command("unlock")
@click.argument("email")
@with_unit_of_work
def unlock_command(email: str) -> None:
    """Let every client try to log in to this account again (after failed attempts)."""
    user = user_by_email(email)
    if user is None:
        click.echo(f"Error: no account has the address {email.strip()}.", err=True)
        sys.exit(1)
    cleared = unlock(user, actor=None)
    record_command("accounts.unlock", f"user_id={user.id}", user.email)
    click.echo(f"{user.email} can log in again ({cleared} client address(es) cleared).")


@token_cli.command("create")
@click.option("--role", required=True, type=click.Choice(["organiser", "volunteer"]))
@click.option("--name", required=True, help="Who or what uses it, e.g. 'Door phone 3'.")
@click.option("--list", "list_id", type=int, default=None,
              help="Volunteer tokens: bind it to this check-in list, as a paired device "
                   "(its scans need no list_id).")
@click.option("--gate", default="", help="With --list: the gate it scans at (default: "
                                         "its name).")
@with_unit_of_work
def create_token_command(role: str, name: str, list_id: int | None, gate: str) -> None:
    """Create an API token and print it alone on the last line (it is not stored)."""
    if list_id is not None and role != "volunteer":
        raise click.UsageError("--list binds a volunteer token to a check-in list: "
                               "use --role volunteer.")
    try:
        if list_id is None:
            token, plain = create_api_token(name, role)
        else:
            device, plain = create_list_token(list_id, name=name, gate=gate)
            token = device.api_token
    except DomainError as error:
        _fail(error)
    click.echo(f"Token #{token.id} “{token.name}” ({token.role.value}). Keep it secret:")
    if list_id is not None:
        click.echo(f"Bound to check-in list #{list_id} (device #{device.id}).")
    click.echo(plain)


@token_cli.command("revoke")
@click.argument("token_id", type=int)
@with_unit_of_work
def revoke_token_command(token_id: int) -> None:
    """Revoke a token by its number."""
    try:
        token = revoke_api_token(token_id)
    except DomainError as error:
        _fail(error)
    click.echo(f"Token #{token.id} revoked.")


@click.command("backup")
@with_appcontext
@click.argument("target", required=False, type=click.Path(dir_okay=False, path_type=Path))
def backup_command(target: Path | None) -> None:
    """Back the database up (SQLite online backup, or pg_dump) to TARGET or instance/backups/."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    target = target or default_path(Path(current_app.instance_path) / "backups", url)
    try:
        written = backup(url, target)
    except BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Backup written to {written} ({written.stat().st_size:,} bytes).")


@click.command("restore")
@with_appcontext
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(source: Path, yes: bool) -> None:
    """Replace the whole database with the backup in SOURCE."""
    if not yes:
        click.confirm("This replaces every row of the database. Continue?", abort=True)
    db.session.remove()
    for engine in db.engines.values():
        engine.dispose()  # no pooled connection may hold the old database open
    try:
        restore(current_app.config["SQLALCHEMY_DATABASE_URI"], source)
    except BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Database restored from {source}.")


def register_commands(app: Flask) -> None:
    app.cli.add_command(privacy_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(users_cli)
    app.cli.add_command(token_cli)
    app.cli.add_command(accounts_cli)
    app.cli.add_command(demo_command)
    mail_cli.add_command(schedule_command)
    app.cli.add_command(mail_cli)
    app.cli.add_command(orders_cli)
    app.cli.add_command(quotas_cli)
    app.cli.add_command(waitlist_cli)
    app.cli.add_command(devices_cli)
