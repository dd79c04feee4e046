"""QR code images of ticket tokens (PNG), drawn with `qrcode` and Pillow.

Error correction level M (about 15 % of the code may be damaged, which survives a creased
print-out or a cracked phone screen) and the standard quiet zone of 4 modules all around,
without which many scanners do not find the code. A 100-character token gives a version 6
code: 41 modules plus 8 of quiet zone, so 49 × `box_size` pixels square.
"""
from __future__ import annotations

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from qrcode.image.pil import PilImage

QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks


def qr_image(text: str, box_size: int = 10) -> Image.Image:
    """The QR code of `text` as a black-on-white Pillow image (mode "L")."""
    if not isinstance(text, str) or not text:
        raise ValueError("a QR code needs some text")
    if not isinstance(box_size, int) or not 1 <= box_size <= 100:
        raise ValueError("box_size must be a whole number of pixels from 1 to 100")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size,
                         border=QUIET_ZONE, image_factory=PilImage)
    try:
        code.add_data(text)
        code.make(fit=True)
    except DataOverflowError:
        raise ValueError("the text is too long for a QR code") from None
    return code.make_image().get_image().convert("L")


def qr_png(text: str, box_size: int = 10) -> bytes:
    """The QR code of `text` as PNG bytes, ready for an e-mail or an <img>."""
    buffer = io.BytesIO()
    qr_image(text, box_size).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
