"""Uploaded images are never kept as sent: each one is checked, decoded completely and encoded
again with Pillow, which drops metadata and anything hidden in the file (scripts, polyglots)."""
from __future__ import annotations

import io
import warnings
from collections.abc import Collection
from typing import IO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

# Larger pictures are refused from their header, before they are decoded: a logo or a photo
# never needs more, and a small file can hold a huge picture (a 6300 px square PNG of one
# colour is 38 KB on disk and 160 MB once decoded).
MAX_INPUT_SIDE = 4000
MAX_PIXELS = MAX_INPUT_SIDE * MAX_INPUT_SIDE
TOO_MANY_PIXELS = _l("The image is too large: at most %(n)s pixels a side.", n=MAX_INPUT_SIDE)

# A progressive JPEG is drawn in scans, and the decoder goes over the whole picture for each
# one: ~30 bytes can buy another pass over 16 million pixels, so a 140 KB file can hold
# thousands of passes and keep a worker busy for minutes. Encoders write at most 18 scans
# (libjpeg's scripts: 10 for a colour photo, 14 for RGB, 18 for CMYK; mozjpeg's fewer), so
# more than MAX_JPEG_SCANS is refused from the file's markers, before decoding; and the
# passes over pixels are bounded in all (MAX_SCAN_WORK: a full-size CMYK picture's 18 scans).
MAX_JPEG_SCANS = 32
MAX_SCAN_WORK = MAX_PIXELS * 18
TOO_MANY_SCANS = _l("This JPEG is built from too many passes (scans) to be decoded safely. "
                    "Export it again (as an ordinary, non-progressive JPEG if you can).")


class ImageRefused(Exception):
    """Why an upload is not kept; each caller words its own message for `reason`:
    empty, too_heavy (over max_bytes), format (not an accepted format), too_many_pixels
    (over max_input_side a side or max_pixels in all), too_many_scans (a JPEG of more than
    MAX_JPEG_SCANS scans, or whose scans times pixels pass MAX_SCAN_WORK),
    unreadable (not an image Pillow knows), damaged (truncated or corrupt)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def reencode_image(stream: IO[bytes], *, formats: Collection[str], max_side: int, output: str,
                   max_bytes: int | None = None, max_pixels: int = MAX_PIXELS,
                   max_input_side: int = MAX_INPUT_SIDE,
                   verify: bool = False, background: tuple[int, int, int] | None = None,
                   resample: Image.Resampling = Image.Resampling.BICUBIC,
                   **save_options) -> bytes:
    """The image in `stream` encoded as `output` (a Pillow format name), turned upright and
    shrunk to fit `max_side` × `max_side`. A picture wider or taller than `max_input_side`,
    or of more than `max_pixels`, is refused from its header alone, never decoded; so is a
    JPEG of too many scans (MAX_JPEG_SCANS, MAX_SCAN_WORK), from its markers. With
    `background`, transparency is flattened onto that colour and the result is RGB; without
    it, the result keeps its alpha (RGBA).
    `verify` also runs Pillow's integrity check before decoding. Raises ImageRefused."""
    data = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    if not data:
        raise ImageRefused("empty")
    if max_bytes is not None and len(data) > max_bytes:
        raise ImageRefused("too_heavy")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in formats:
                    raise ImageRefused("format")
                if (max(probe.width, probe.height) > max_input_side
                        or probe.width * probe.height > max_pixels):
                    raise ImageRefused("too_many_pixels")
                if probe.format == "JPEG":
                    scans = jpeg_scan_count(data)
                    work = scans * probe.width * probe.height
                    if scans > MAX_JPEG_SCANS or work > MAX_SCAN_WORK:
                        raise ImageRefused("too_many_scans")
                if verify:
                    probe.verify()
            # verify() leaves an image unusable: decode it again, completely.
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
                if background is None:
                    image = image.convert("RGBA")
                elif image.mode not in ("RGB", "L"):
                    rgba = image.convert("RGBA")
                    image = Image.new("RGB", rgba.size, background)
                    image.paste(rgba, mask=rgba.getchannel("A"))
                image.thumbnail((max_side, max_side), resample)
                if background is not None:
                    image = image.convert("RGB")
                out = io.BytesIO()
                image.save(out, format=output, **save_options)
                return out.getvalue()
    except (UnidentifiedImageError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise ImageRefused("unreadable") from None
    except (OSError, SyntaxError, ValueError, EOFError):
        # Truncated or corrupt data: Pillow says so with one of these.
        raise ImageRefused("damaged") from None


def jpeg_scan_count(data: bytes) -> int:
    """How many scans (SOS markers, FF DA) the JPEG in `data` holds, read from its markers as
    a decoder reads them: each segment is skipped by its length, and after a scan's header
    its entropy-coded data is skipped up to the next marker (FF 00 is a stuffed byte, FF D0
    to FF D7 restart markers, FF FF fill). Stops at the end of the image (FF D9)."""
    scans, at, end = 0, 2, len(data)
    while True:
        at = data.find(b"\xff", at)
        if at < 0 or at + 1 >= end:
            return scans
        marker = data[at + 1]
        if marker == 0xFF:                                  # fill byte before a marker
            at += 1
        elif marker in (0x00, 0x01) or 0xD0 <= marker <= 0xD7:  # data, TEM, restart: no length
            at += 2
        elif marker == 0xD9:                                # end of image
            return scans
        else:
            if marker == 0xDA:
                scans += 1
            at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
