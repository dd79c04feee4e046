"""`flask --app festival devices …`: pair, list and revoke the door devices."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from sqlalchemy import select

from festival.checkin.devices import create_device, revoke_device
from festival.checkin.models import CheckinList, Device
from festival.checkin.views import pairing_url
from festival.core.errors import DomainError
from festival.core.unit_of_work import with_unit_of_work
from festival.editions.models import Edition, EditionStatus
from festival.extensions import db

devices_cli = AppGroup("devices", help="Door devices: pairing links, list, revoke.")


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


def _default_list():
    """The first open list of the latest edition that is not a draft nor archived."""
    return db.session.scalar(
        select(CheckinList).join(Edition, Edition.id == CheckinList.edition_id)
        .where(CheckinList.is_active,
               Edition.status.in_([EditionStatus.ON_SALE, EditionStatus.PUBLISHED,
                                   EditionStatus.CLOSED]))
        .order_by(Edition.year.desc(), CheckinList.id))


@devices_cli.command("pair")
@click.option("--gate", required=True, help="Where the phone scans, e.g. 'Main entrance'.")
@click.option("--list", "list_id", type=int, help="The check-in list (default: the first "
              "open list of the current edition).")
@click.option("--name", default="", help="A name for the phone (default: the gate).")
@with_unit_of_work
def pair_command(gate: str, list_id: int | None, name: str) -> None:
    """Make a new device and print its one-time pairing URL (valid 24 hours)."""
    checkin_list = db.session.get(CheckinList, list_id) if list_id else _default_list()
    if checkin_list is None:
        _fail(f"no check-in list {list_id}" if list_id else
              "no open check-in list: create one in the back office, or give --list")
    try:
        device, code = create_device(checkin_list, name=name, gate=gate)
    except DomainError as error:
        _fail("; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in error.fields.items())
              or str(error.message))
    click.echo(f"Device #{device.id} “{device.name}” at {device.gate}, list "
               f"“{checkin_list.name}” ({checkin_list.edition.year}).")
    click.echo("Open this link once on the volunteer's phone (valid 24 hours):")
    click.echo(pairing_url(code))


@devices_cli.command("list")
def list_command() -> None:
    """Every device with its state."""
    for device in db.session.scalars(select(Device).order_by(Device.id)):
        state = ("revoked" if device.revoked_at else "paired" if device.paired_at
                 else "waiting to be paired")
        click.echo(f"#{device.id:<4} {device.gate:<24} {device.name:<24} "
                   f"list {device.list_id:<4} {state}")


@devices_cli.command("revoke")
@click.argument("device_id", type=int)
@with_unit_of_work
def revoke_command(device_id: int) -> None:
    """Revoke a device: it is refused from its next request."""
    device = db.session.get(Device, device_id)
    if device is None:
        _fail(f"no device {device_id}")
    revoke_device(device)
    click.echo(f"Device #{device.id} revoked.")
