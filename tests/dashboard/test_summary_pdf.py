"""The one-page summary for the general assembly: a real PDF of one A4 page that poppler
renders, with the edition's figures drawn on it."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from festival.dashboard.summary_pdf import HEIGHT, WIDTH, render_summary
from festival.editions.models import Edition
from festival.extensions import db

pytestmark = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                reason="pdftoppm (Debian's poppler-utils) is missing")


def test_summary_is_one_a4_page_that_renders(client, auth, known, tmp_path):
    auth.login_as("organiser")
    response = client.get("/dashboard/2031/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "almoggar-2031-summary.pdf" in response.headers["Content-Disposition"]
    pdf = tmp_path / "summary.pdf"
    pdf.write_bytes(response.data)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    fields = dict(line.split(":", 1) for line in info.stdout.splitlines() if ":" in line)
    assert fields["Pages"].strip() == "1"
    assert "(A4)" in fields["Page size"]
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    pages = sorted(tmp_path.glob("page*.png"))
    assert len(pages) == 1
    with Image.open(pages[0]) as image:
        assert image.size[0] < image.size[1]               # portrait
        colours = image.convert("RGB").getcolors(1_000_000)
    assert len(colours) > 50                               # drawn, not a blank page


def test_summary_page_draws_the_figures(ctx, known):
    page = render_summary(db.session.get(Edition, known.edition_id))
    assert page.size == (WIDTH, HEIGHT)
    # The header band is indigo and the page below it is not empty.
    assert page.getpixel((WIDTH // 2, 10)) == (0x1F, 0x3A, 0x5F)
    body = page.crop((0, HEIGHT // 5, WIDTH, HEIGHT * 4 // 5)).convert("L")
    assert body.getextrema()[0] < 80


def test_summary_in_arabic_is_laid_out_right_to_left(app, known):
    from flask_babel import force_locale
    with app.test_request_context(), force_locale("ar"):
        page = render_summary(db.session.get(Edition, known.edition_id))
    # The year sits at the start side: on the left in French, on the right in Arabic…
    # so in Arabic the festival's name is drawn on the right half.
    strip = page.crop((WIDTH // 2, 20, WIDTH, 140)).convert("RGB")
    assert (0xF2, 0xB3, 0x3D) in {c for _, c in strip.getcolors(1_000_000)}
