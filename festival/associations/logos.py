"""Association logos: only real images are kept, re-encoded as PNG at most 512×512 pixels, under
UPLOAD_FOLDER/logos/ with a name that the service chooses (never the uploader's).

Decoding and re-encoding everything means that nothing the uploader sent is ever served as it
was: no scripts hidden in an SVG, no polyglot file, no oversized original.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import IO

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import event
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.associations.models import Association
from festival.associations.services import can_edit_profile
from festival.core.errors import DomainError, ValidationError
from festival.core.images import TOO_MANY_PIXELS, TOO_MANY_SCANS, ImageRefused, reencode_image
from festival.core.urls import absolute_url
from festival.extensions import db

MAX_BYTES = 5 * 1024 * 1024
MAX_SIDE = 512
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}

# What the association's people are told, for each reason an image is refused.
_MESSAGES = {
    "empty": _l("Choose an image file."),
    "too_heavy": _l("The image is larger than %(n)s MB.", n=MAX_BYTES // (1024 * 1024)),
    "format": _l("Send a PNG, JPEG, GIF or WebP image."),
    "too_many_pixels": TOO_MANY_PIXELS,
    "too_many_scans": TOO_MANY_SCANS,
    "unreadable": _l("This file is not an image we can read. Send a PNG, JPEG, GIF or WebP "
                     "image."),
    "damaged": _l("This image is damaged or incomplete. Export it again and retry."),
}


def logo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "logos"


def prepare_logo(stream: IO[bytes]) -> bytes:
    """Check that `stream` holds a real PNG, JPEG, GIF or WebP image and return it as PNG bytes,
    resized to fit 512×512. Errors: validation_failed (logo) with a message saying why."""
    try:
        return reencode_image(stream, formats=ACCEPTED_FORMATS, max_side=MAX_SIDE,
                              max_bytes=MAX_BYTES, verify=True, output="PNG",
                              resample=Image.Resampling.LANCZOS, optimize=True)
    except ImageRefused as refused:
        message = str(_MESSAGES[refused.reason])
        raise ValidationError({"logo": [message]}, message=message) from None


def _remove_files(folder: Path, filenames: list[str]) -> None:
    for filename in filenames:
        try:
            (folder / filename).unlink()
        except FileNotFoundError:
            pass


# Files follow the transaction: a replaced logo's file goes once the change is committed, and
# a new file goes again if the change is rolled back.
@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    folder, names = session.info.pop("obsolete_logos", (None, []))
    session.info.pop("new_logos", None)
    if folder is not None:
        _remove_files(folder, names)


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    folder, names = session.info.pop("new_logos", (None, []))
    session.info.pop("obsolete_logos", None)
    if folder is not None:
        _remove_files(folder, names)


def _remember(key: str, filename: str | None) -> None:
    if filename:
        folder, names = db.session.info.setdefault(key, (logo_folder(), []))
        names.append(filename)


def set_logo(association: Association, stream: IO[bytes], *, actor: User | None) -> str:
    """Replace the association's logo with the image in `stream`; returns the stored file name.
    Organisers and the association's representatives may. Errors: forbidden,
    validation_failed (logo)."""
    if actor is not None and not can_edit_profile(actor, association):
        raise DomainError("forbidden", _l("You may only change your own association's logo."),
                          status=403)
    png = prepare_logo(stream)
    folder = logo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    filename = f"{association.id}-{secrets.token_hex(8)}.png"
    temporary = folder / f".{filename}.tmp"
    temporary.write_bytes(png)
    os.replace(temporary, folder / filename)  # never a half-written file under its name
    _remember("new_logos", filename)
    _remember("obsolete_logos", association.logo_filename)
    association.logo_filename = filename
    db.session.flush()
    return filename


def remove_logo(association: Association, *, actor: User | None) -> None:
    """Remove the association's logo (its initials show instead). Errors: forbidden."""
    if actor is not None and not can_edit_profile(actor, association):
        raise DomainError("forbidden", _l("You may only change your own association's logo."),
                          status=403)
    _remember("obsolete_logos", association.logo_filename)
    association.logo_filename = None
    db.session.flush()


def logo_url(association: Association, external: bool = False) -> str | None:
    """The logo's address; its version changes with each upload, so it can be cached long."""
    if not association.logo_filename:
        return None
    version = association.logo_filename.rsplit("-", 1)[-1].split(".")[0]
    if external:
        return absolute_url("associations.logo", slug=association.slug, v=version)
    return url_for("associations.logo", slug=association.slug, v=version)
