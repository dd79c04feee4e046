"""Speaker photos: only real images are accepted; each is decoded and re-encoded with Pillow
(which drops metadata and anything hidden in the file) and stored under a name we choose."""
from __future__ import annotations

import secrets
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from festival.core.errors import ValidationError
from festival.core.images import TOO_MANY_PIXELS, TOO_MANY_SCANS, ImageRefused, reencode_image

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
PHOTO_SIDE = 600
PHOTO_FOLDER = "speakers"

# Any other reason (not an image, damaged, another format) gets the general refusal.
_MESSAGES = {"empty": _l("The file is empty."), "too_many_pixels": TOO_MANY_PIXELS,
             "too_many_scans": TOO_MANY_SCANS}
_NOT_ACCEPTED = _l("This file is not an image we accept (JPEG, PNG, WebP or GIF).")


def reencode_photo(stream: BinaryIO, field: str = "photo") -> bytes:
    """A JPEG of at most PHOTO_SIDE pixels a side, or ValidationError on `field`."""
    try:
        return reencode_image(stream, formats=ACCEPTED_FORMATS, max_side=PHOTO_SIDE,
                              background=(255, 255, 255), output="JPEG", quality=85,
                              optimize=True)
    except ImageRefused as refused:
        message = _MESSAGES.get(refused.reason, _NOT_ACCEPTED)
        raise ValidationError({field: [message]}) from None


def photo_folder() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / PHOTO_FOLDER


def store_photo(jpeg: bytes, stem: str) -> str:
    """Write the re-encoded photo; returns its new file name (never the uploader's)."""
    folder = photo_folder()
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{stem}-{secrets.token_hex(4)}.jpg"
    (folder / name).write_bytes(jpeg)
    return name


def delete_photo(name: str | None) -> None:
    if name:
        (photo_folder() / Path(name).name).unlink(missing_ok=True)
