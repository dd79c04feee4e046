import io
import struct
import zlib

import pytest
from PIL import Image

from festival.core.images import ImageRefused, reencode_image

JPEG = {"formats": {"JPEG", "PNG"}, "max_side": 50, "output": "JPEG",
        "background": (255, 255, 255)}


def encoded(image: Image.Image, fmt: str = "PNG") -> io.BytesIO:
    out = io.BytesIO()
    image.save(out, format=fmt)
    return io.BytesIO(out.getvalue())


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def header_only_png(width: int, height: int) -> io.BytesIO:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return io.BytesIO(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b""))


def test_transparency_is_flattened_onto_the_background_and_the_image_shrunk():
    clear = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    out = Image.open(io.BytesIO(reencode_image(encoded(clear), **JPEG)))
    assert out.format == "JPEG" and out.mode == "RGB" and out.size == (50, 25)
    assert min(out.getpixel((10, 10))) > 245  # white, not the black of the clear pixels


def test_without_a_background_the_alpha_is_kept():
    half = Image.new("RGBA", (20, 20), (200, 0, 0, 128))
    out = Image.open(io.BytesIO(reencode_image(encoded(half), formats={"PNG"}, max_side=50,
                                               output="PNG")))
    assert out.mode == "RGBA" and out.size == (20, 20) and out.getpixel((5, 5))[3] == 128


def test_metadata_is_not_carried_over():
    photo = Image.new("RGB", (30, 30), (10, 120, 200))
    exif = photo.getexif()
    exif[0x010E] = "secret description"
    sent = io.BytesIO()
    photo.save(sent, format="JPEG", exif=exif.tobytes())
    assert b"secret description" in sent.getvalue()
    sent.seek(0)
    assert b"secret description" not in reencode_image(sent, **JPEG)


@pytest.mark.parametrize("stream, options, reason", [
    (io.BytesIO(b""), {}, "empty"),
    (io.BytesIO(b"plain text, not a picture"), {}, "unreadable"),
    (encoded(Image.new("RGB", (8, 8)), "BMP"), {}, "format"),
    (header_only_png(8000, 6000), {}, "too_many_pixels"),
    (header_only_png(8, 8), {"max_pixels": 63}, "too_many_pixels"),
    (io.BytesIO(b"\x89PNG" + b"\0" * 100), {"max_bytes": 99}, "too_heavy"),
])
def test_each_refusal_names_its_reason(stream, options, reason):
    with pytest.raises(ImageRefused) as caught:
        reencode_image(stream, **{**JPEG, **options})
    assert caught.value.reason == reason


def test_a_cut_off_file_is_damaged():
    whole = encoded(Image.effect_noise((300, 300), 50)).getvalue()
    with pytest.raises(ImageRefused) as caught:
        reencode_image(io.BytesIO(whole[: len(whole) // 2]), **JPEG)
    assert caught.value.reason == "damaged"


def test_verify_also_refuses_a_file_whose_checksums_are_wrong():
    data = bytearray(encoded(Image.new("RGB", (10, 10), (1, 2, 3))).getvalue())
    at = data.find(b"IDAT")
    length = struct.unpack(">I", data[at - 4:at])[0]
    data[at + 4 + length] ^= 0xFF  # the chunk's CRC
    assert reencode_image(io.BytesIO(bytes(data)), **JPEG)  # decodes without the check
    with pytest.raises(ImageRefused) as caught:
        reencode_image(io.BytesIO(bytes(data)), verify=True, **JPEG)
    assert caught.value.reason == "damaged"


@pytest.fixture(scope="module")
def huge_png() -> bytes:
    """A real 6300 px square PNG of one colour: a few KB on disk, 40 M pixels decoded."""
    out = io.BytesIO()
    Image.new("1", (6300, 6300), 1).save(out, format="PNG", optimize=True)
    assert len(out.getvalue()) < 100_000
    return out.getvalue()


@pytest.fixture
def no_decoding(monkeypatch):
    """Decoding pixels fails the test: a refusal must come from the header alone."""
    from PIL import ImageFile

    def load(self):
        pytest.fail("the image was decoded")
    monkeypatch.setattr(Image.Image, "load", load)
    monkeypatch.setattr(ImageFile.ImageFile, "load", load)


@pytest.mark.parametrize("verify", [False, True])
def test_a_huge_picture_in_a_small_file_is_refused_without_decoding(huge_png, no_decoding,
                                                                    verify):
    with pytest.raises(ImageRefused) as caught:
        reencode_image(io.BytesIO(huge_png), verify=verify, **JPEG)
    assert caught.value.reason == "too_many_pixels"


def test_a_side_beyond_the_limit_is_refused_however_few_the_pixels(no_decoding):
    from festival.core.images import MAX_INPUT_SIDE
    with pytest.raises(ImageRefused) as caught:
        reencode_image(header_only_png(MAX_INPUT_SIDE + 1, 1), **JPEG)
    assert caught.value.reason == "too_many_pixels"


def test_a_picture_of_a_usual_size_is_still_accepted():
    photo = encoded(Image.new("RGB", (1000, 1000), (20, 120, 200)))
    out = Image.open(io.BytesIO(reencode_image(photo, **JPEG)))
    assert out.size == (50, 50)


def repeated_last_scan(image: Image.Image, extra_scans: int, **options) -> bytes:
    """A progressive JPEG of `image` whose last scan is repeated `extra_scans` times (each
    one costs a few bytes in the file and a whole pass over the picture to decode)."""
    out = io.BytesIO()
    image.save(out, "JPEG", progressive=True, **options)
    data = out.getvalue()
    end = data.rfind(b"\xff\xd9")
    last_scan = data[data.rfind(b"\xff\xda", 0, end):end]
    return data[:end] + last_scan * extra_scans + b"\xff\xd9"


def test_scans_are_counted_from_the_markers_not_from_bytes_that_look_like_them():
    from festival.core.images import jpeg_scan_count
    noise = Image.effect_noise((64, 64), 80).convert("RGB")
    baseline = encoded(noise, "JPEG").getvalue()
    assert jpeg_scan_count(baseline) == 1
    progressive = repeated_last_scan(noise, 0)
    assert jpeg_scan_count(progressive) == 10  # libjpeg's script for a colour picture
    assert jpeg_scan_count(repeated_last_scan(noise, 5)) == 15
    # An FF DA inside a segment (a comment) is no scan.
    comment = b"\xff\xfe\x00\x06\xff\xda\xff\xda"
    assert jpeg_scan_count(baseline[:2] + comment + baseline[2:]) == 1


def test_a_jpeg_of_too_many_scans_is_refused_without_decoding(request):
    from festival.core.images import MAX_JPEG_SCANS
    many = repeated_last_scan(Image.new("RGB", (64, 64), (120, 30, 200)), MAX_JPEG_SCANS - 9)
    request.getfixturevalue("no_decoding")  # from here on
    with pytest.raises(ImageRefused) as caught:
        reencode_image(io.BytesIO(many), **JPEG)
    assert caught.value.reason == "too_many_scans"


def test_scans_times_pixels_are_bounded_too(monkeypatch):
    from festival.core import images
    picture = Image.new("RGB", (64, 64), (120, 30, 200))
    monkeypatch.setattr(images, "MAX_SCAN_WORK", 64 * 64 * 12)
    assert reencode_image(io.BytesIO(repeated_last_scan(picture, 2)), **JPEG)  # 12 scans
    with pytest.raises(ImageRefused) as caught:
        reencode_image(io.BytesIO(repeated_last_scan(picture, 3)), **JPEG)
    assert caught.value.reason == "too_many_scans"


def test_an_ordinary_progressive_jpeg_is_accepted():
    photo = io.BytesIO(repeated_last_scan(Image.effect_noise((400, 300), 60).convert("RGB"), 0))
    assert Image.open(io.BytesIO(reencode_image(photo, **JPEG))).size == (50, 38)
