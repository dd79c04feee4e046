"""Speaker photos: only real images are accepted; each is decoded and re-encoded with Pillow
(which drops metadata and anything hidden in the file) and stored under a name we choose."""
from __future__ import annotations

import io
import secrets
import warnings
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from festival.core.errors import ValidationError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding
PHOTO_SIDE = 600
PHOTO_FOLDER = "speakers"


def _refuse(field: str):
    return ValidationError({field: [_l("This file is not an image we accept "
                                       "(JPEG, PNG, WebP or GIF).")]})


def reencode_photo(stream: BinaryIO, field: str = "photo") -> bytes:
    """A JPEG of at most PHOTO_SIDE pixels a side, or ValidationError on `field`."""
    data = stream.read()
    if not data:
        raise ValidationError({field: [_l("The file is empty.")]})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in ACCEPTED_FORMATS:
                    raise _refuse(field)
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise ValidationError({field: [_l("This image is too large.")]})
                image.load()
                image = ImageOps.exif_transpose(image)
                if image.mode not in ("RGB", "L"):
                    rgba = image.convert("RGBA")
                    image = Image.new("RGB", rgba.size, (255, 255, 255))
                    image.paste(rgba, mask=rgba.getchannel("A"))
                image.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
                return out.getvalue()
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError,
            Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(field) from None


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
