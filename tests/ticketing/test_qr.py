"""QR images of ticket tokens, decoded back with zxing-cpp as a scanner would."""
from __future__ import annotations

import io

import pytest
import zxingcpp
from PIL import Image

from festival.ticketing.qr import QUIET_ZONE, qr_image, qr_png
from festival.ticketing.tokens import generate_keypair, sign_ticket


@pytest.fixture(scope="module")
def token():
    return sign_ticket(generate_keypair()[0], 2026, 987654)


def decode(image: Image.Image) -> list:
    return zxingcpp.read_barcodes(image)


def test_png_decodes_to_the_exact_token(token):
    png = qr_png(token)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    [barcode] = decode(Image.open(io.BytesIO(png)))
    assert barcode.text == token
    assert barcode.format == zxingcpp.BarcodeFormat.QRCode
    assert barcode.ec_level == "M"


def test_size_follows_box_size_with_a_4_module_quiet_zone(token):
    for box in (4, 10):
        image = Image.open(io.BytesIO(qr_png(token, box_size=box)))
        assert image.size[0] == image.size[1] == 49 * box  # version 6: 41 modules + 2 × 4
        # The quiet zone is white all round: the first 4 modules of each side.
        band = QUIET_ZONE * box
        for box_area in ((0, 0, image.width, band), (0, 0, band, image.height),
                         (image.width - band, 0, image.width, image.height),
                         (0, image.height - band, image.width, image.height)):
            assert image.crop(box_area).getextrema() == (255, 255)
        # …and the code starts right after it (the top-left finder pattern is black).
        assert image.getpixel((band, band)) == 0


def test_small_prints_still_decode(token):
    """Two pixels a module, as a thumbnail in an e-mail might be."""
    [barcode] = decode(Image.open(io.BytesIO(qr_png(token, box_size=2))))
    assert barcode.text == token


def test_a_damaged_code_still_decodes_thanks_to_level_m(token):
    image = qr_image(token, box_size=8).convert("RGB")
    # A smudge over a few modules in the data area (not a finder pattern).
    smudge = Image.new("RGB", (3 * 8, 3 * 8), "white")
    image.paste(smudge, (image.width // 2, image.height // 2 + 40))
    [barcode] = decode(image)
    assert barcode.text == token


@pytest.mark.parametrize("text, box", [("", 10), (None, 10), ("x" * 5000, 10), ("ok", 0),
                                       ("ok", 101)])
def test_bad_input_is_a_value_error(text, box):
    with pytest.raises(ValueError):
        qr_png(text, box_size=box)
