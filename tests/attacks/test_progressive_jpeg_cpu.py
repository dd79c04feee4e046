"""Item 11 (images refused before decoding when they would cost too much). The check is on
the picture's size only (≤ 4000 px a side). A progressive JPEG of 3999 × 3999 whose last scan
is repeated N times stays small on disk (~31 bytes per extra scan) but libjpeg decodes every
scan over the whole picture: ~27 ms of CPU per scan here. 400 scans (107 KB) cost 12 s; the
5 MB limit holds ~160,000.

End to end on the production gunicorn (PostgreSQL, 2 workers): apply at /associations/apply
(anyone, no e-mail check), log in at once with the chosen password, POST a 141 KB logo with
1,500 scans to /my-association/logo → the worker burns CPU until gunicorn's 30 s timeout
kills it (WORKER TIMEOUT … SIGKILL). A handful of such uploads in parallel takes every worker.
Expected: refuse a JPEG with more than a few dozen scans (count SOS markers before decoding),
or bound decoding time."""
from __future__ import annotations

import io
import time

from PIL import Image

from festival.core.images import ImageRefused, reencode_image

SCANS = 300


def _many_scans_jpeg(extra_scans: int) -> bytes:
    image = Image.new("RGB", (3999, 3999), (120, 30, 200))
    out = io.BytesIO()
    image.save(out, "JPEG", progressive=True, quality=50)
    data = out.getvalue()
    end = data.rfind(b"\xff\xd9")
    last_scan = data[data.rfind(b"\xff\xda", 0, end):end]
    return data[:end] + last_scan * extra_scans + b"\xff\xd9"


def _cpu(data: bytes) -> float | None:
    started = time.process_time()
    try:
        reencode_image(io.BytesIO(data), formats={"JPEG"}, max_side=512, output="PNG",
                       max_bytes=5 * 1024 * 1024)
    except ImageRefused:
        return None
    return time.process_time() - started


def test_a_small_jpeg_with_many_scans_is_refused_or_cheap():
    """~100 KB with 310 scans: should be refused, or cost about what the same picture with
    its 10 ordinary scans costs (measured: ~1 s vs several times that)."""
    data = _many_scans_jpeg(SCANS)
    assert len(data) < 110_000
    ordinary = _cpu(_many_scans_jpeg(0))
    spent = _cpu(data)
    if spent is None:
        return
    assert spent < 2 * ordinary + 0.5, (
        f"accepted after {spent:.1f} s of CPU (the ordinary file: {ordinary:.1f} s) "
        f"for a {len(data)} byte file")
