"""Association logos: only real images are kept, re-encoded as PNG at most 512×512 pixels, under
UPLOAD_FOLDER/logos/ with a name that the service chooses (never the uploader's).

Decoding and re-encoding everything means that nothing the uploader sent is ever served as it
was: no scripts hidden in an SVG, no polyglot file, no oversized original.
"""
from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path
from typing import IO

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import event
from sqlalchemy.orm import Session

from festival.accounts.models import User
from festival.associations.models import Association
from festival.associations.services import can_edit_profile
from festival.core.errors import DomainError, ValidationError
from festival.extensions import db

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger pictures are refused before they are decoded
MAX_SIDE = 512
ACCEPTED_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def logo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / "logos"


def _refuse(message) -> ValidationError:
    return ValidationError({"logo": [str(message)]}, message=str(message))


def prepare_logo(stream: IO[bytes]) -> bytes:
    """Check that `stream` holds a real PNG, JPEG, GIF or WebP image and return it as PNG bytes,
    resized to fit 512×512. Errors: validation_failed (logo) with a message saying why."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise _refuse(_l("Choose an image file."))
    if len(data) > MAX_BYTES:
        raise _refuse(_l("The image is larger than %(n)s MB.", n=MAX_BYTES // (1024 * 1024)))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _refuse(_l("Send a PNG, JPEG, GIF or WebP image."))
                if probe.width * probe.height > MAX_PIXELS:
                    raise _refuse(_l("The image has too many pixels."))
                probe.verify()
            # verify() leaves the image unusable: decode it again, completely.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                image = image.convert("RGBA")
                image.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                image.save(out, format="PNG", optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise _refuse(_l("This file is not an image we can read. Send a PNG, JPEG, GIF or "
                         "WebP image.")) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Truncated or corrupt data: Pillow says so with one of these.
        raise _refuse(_l("This image is damaged or incomplete. Export it again and retry.")
                      ) from None
    return out.getvalue()


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
    return url_for("associations.logo", slug=association.slug, v=version, _external=external)
