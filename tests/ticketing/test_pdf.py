"""Printed tickets: the PDF opens, has a page per ticket, and its QR codes scan back to the
exact tokens; Arabic is shaped and right to left; fonts come from the system."""
from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
import zxingcpp
from flask import Flask
from flask_babel import Babel
from PIL import Image, ImageDraw, features

from festival.ticketing import pdf_drawing
from festival.ticketing.pdf import TicketPrint, render_page, render_pdf
from festival.ticketing.pdf_drawing import Style, draw_text, font_path, runs, text_width
from festival.ticketing.tokens import generate_keypair, sign_ticket, verify_ticket

REPO = Path(__file__).resolve().parents[2]
ARABIC_NAME = "أمينة الإدريسي"

needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftoppm) is not installed")


@pytest.fixture(scope="module")
def keys():
    return generate_keypair()


@pytest.fixture(scope="module")
def tickets(keys):
    private = keys[0]
    return [
        TicketPrint(festival="Almoggar", edition_title="Festival des cultures du Souss-Massa",
                    year=2026, attendee="Amina El Idrissi", ticket_type="Pass festival (2 jours)",
                    valid_days=["samedi 20 juin 2026", "dimanche 21 juin 2026"],
                    order_code="K7QX-M3PA", token=sign_ticket(private, 2026, 41), language="fr"),
        TicketPrint(festival="Almoggar", edition_title="Festival of the cultures of Souss-Massa",
                    year=2026, attendee=ARABIC_NAME, ticket_type="Day pass — Saturday",
                    valid_days=["Saturday 20 June 2026"], order_code="K7QX-M3PA",
                    token=sign_ticket(private, 2026, 42), language="ar"),
    ]


def pdf_pages(data: bytes, tmp_path: Path) -> list[Image.Image]:
    """The PDF as poppler renders it (100 dpi PNGs), page by page."""
    source = tmp_path / "tickets.pdf"
    source.write_bytes(data)
    result = subprocess.run(["pdftoppm", "-png", "-r", "100", str(source), str(tmp_path / "p")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return [Image.open(path) for path in sorted(tmp_path.glob("p-*.png"))]


def pdf_text(data: bytes, tmp_path: Path) -> list[str]:
    """The text of each page as pdftotext reads it, without the marks it puts around
    right-to-left runs (U+202B … U+202C)."""
    source = tmp_path / "text.pdf"
    source.write_bytes(data)
    result = subprocess.run(["pdftotext", str(source), "-"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.replace("\u202b", "").replace("\u202c", "").split("\f")[:-1]


def pdf_info(data: bytes, tmp_path: Path) -> dict[str, str]:
    source = tmp_path / "info.pdf"
    source.write_bytes(data)
    result = subprocess.run(["pdfinfo", str(source)], capture_output=True, text=True, timeout=60,
                            check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return {key.strip(): value.strip() for key, _, value in
            (line.partition(":") for line in result.stdout.splitlines())}


@needs_poppler
@pytest.mark.parametrize("fmt", ["a4", "phone"])
def test_each_page_scans_back_to_its_exact_token(tickets, keys, fmt, tmp_path):
    data = render_pdf(tickets, fmt)
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")

    pages = pdf_pages(data, tmp_path)

    assert len(pages) == 2
    for page, ticket in zip(pages, tickets):
        [barcode] = zxingcpp.read_barcodes(page)
        assert barcode.text == ticket.token
        assert verify_ticket(keys[1], barcode.text).ticket_id in (41, 42)


@needs_poppler
@pytest.mark.parametrize("fmt", ["a4", "phone"])
def test_the_text_is_text_and_arabic_reads_in_logical_order(keys, fmt, tmp_path):
    """Selectable and read aloud: names, ticket types and order codes are text in the PDF,
    an Arabic one in reading order (not in the visual order of its glyphs)."""
    french = TicketPrint(festival="Almoggar", edition_title="Festival du Souss", year=2026,
                         attendee="Amina El Idrissi", ticket_type="Pass festival (2 jours)",
                         valid_days=["samedi 20 juin 2026"], order_code="K7QX-M3PA",
                         token=sign_ticket(keys[0], 2026, 51), language="fr")
    arabic = TicketPrint(festival="Almoggar", edition_title="مهرجان سوس ماسة", year=2026,
                         attendee="أمينة العمراني", ticket_type="تذكرة يوم السبت",
                         valid_days=["السبت 20 يونيو 2026"], order_code="B8RT-W2KD",
                         token=sign_ticket(keys[0], 2026, 52), language="ar")
    first, second = pdf_text(render_pdf([french, arabic], fmt), tmp_path)
    for expected in ("Amina El Idrissi", "Pass festival (2 jours)", "K7QX-M3PA",
                     "samedi 20 juin 2026"):
        assert expected in first, expected
    for expected in ("أمينة العمراني", "تذكرة يوم السبت", "B8RT-W2KD", "مهرجان سوس ماسة"):
        assert expected in second, expected


@needs_poppler
def test_the_only_images_are_the_qr_codes(tickets, tmp_path):
    source = tmp_path / "images.pdf"
    source.write_bytes(render_pdf(tickets, "a4"))
    result = subprocess.run(["pdfimages", "-list", str(source)], capture_output=True,
                            text=True, timeout=60, check=False)
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert [int(row[0]) for row in rows] == [1, 2]  # one image a page: its QR code
    assert all(int(row[3]) == int(row[4]) < 600 for row in rows)  # square, 3 inches at most


@needs_poppler
def test_a4_pages_are_a4_and_phone_pages_are_narrow_and_tall(tickets, tmp_path):
    a4 = pdf_info(render_pdf(tickets, "a4"), tmp_path)
    assert a4["Pages"] == "2" and "(A4)" in a4["Page size"]
    phone = pdf_info(render_pdf(tickets, "phone"), tmp_path)
    width, height = (float(v) for v in phone["Page size"].split(" pts")[0].split(" x "))
    assert phone["Pages"] == "2"
    assert abs(width - 80 / 25.4 * 72) < 1 and height > 2 * width


@needs_poppler
def test_the_title_is_kept_in_any_script(keys, tmp_path):
    ticket = TicketPrint(festival="Almoggar", edition_title="مهرجان سوس ماسة", year=2026,
                         attendee="", ticket_type="Pass", valid_days=[], order_code="AB",
                         token=sign_ticket(keys[0], 2026, 1), language="ar")
    info = pdf_info(render_pdf([ticket], "phone"), tmp_path)
    assert info["Title"] == "Almoggar 2026 · مهرجان سوس ماسة"
    assert info["Pages"] == "1"


def test_pages_are_small_enough_to_mail(tickets):
    assert len(render_pdf(tickets, "a4")) < 2 * 250_000
    assert len(render_pdf(tickets, "phone")) < 2 * 120_000


def test_the_qr_code_is_large_on_both_formats(tickets):
    """At least 55 mm on A4 and 60 mm on the phone format, quiet zone included."""
    for fmt, least_mm in (("a4", 55), ("phone", 60)):
        page = render_page(tickets[0], fmt)
        [barcode] = zxingcpp.read_barcodes(page)
        top_left, top_right = barcode.position.top_left, barcode.position.top_right
        modules = 41  # without the quiet zone
        side_mm = (top_right.x - top_left.x) / 200 * 25.4 * 49 / modules
        assert side_mm >= least_mm, (fmt, side_mm)


def test_a_ticket_without_a_name_or_days_still_renders(keys):
    ticket = TicketPrint(festival="Almoggar", edition_title="Festival", year=2026, attendee="",
                         ticket_type="Entrée enfant", valid_days=[], order_code="ZZ9",
                         token=sign_ticket(keys[0], 2026, 9), language="xx")
    for fmt in ("a4", "phone"):
        [barcode] = zxingcpp.read_barcodes(render_page(ticket, fmt))
        assert barcode.text == ticket.token


def test_labels_follow_the_ticket_language_inside_an_application(tickets):
    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        for ticket in tickets:
            assert render_page(ticket, "phone").size[0] == round(80 * 200 / 25.4)


@pytest.mark.parametrize("call", [lambda t: render_pdf([], "a4"),
                                  lambda t: render_pdf(t, "letter"),
                                  lambda t: render_page(t[0], "letter")])
def test_bad_requests_are_value_errors(tickets, call):
    with pytest.raises(ValueError):
        call(tickets)


# -- Arabic and fonts ------------------------------------------------------------------------

def test_arabic_shaping_is_available():
    """Pillow's Raqm layout needs FriBiDi (Debian's libfribidi0) on the machine."""
    assert features.check("raqm"), "install Debian's libfribidi0 so Pillow can shape Arabic"


def test_fonts_come_from_the_system_not_the_repository():
    for script in ("latin", "arabic"):
        for weight in ("regular", "bold"):
            path = font_path(script, weight)
            assert path is not None and path.is_file()
            assert REPO not in path.parents
    assert "NotoSansArabic" in font_path("arabic", "bold").name


def test_mixed_names_are_cut_into_runs_in_visual_order():
    style = Style(40, "bold")
    ltr = [(run.text, run.rtl) for run in runs("Amina أمينة", style, rtl_base=False)]
    assert ltr == [("Amina ", False), ("أمينة", True)]
    rtl = [(run.text, run.rtl) for run in runs("تذكرة Almoggar", style, rtl_base=True)]
    assert rtl == [("Almoggar", False), ("تذكرة ", True)]
    fonts = {run.text: run.face.getname()[0] for run in runs("Amina أمينة", style, False)}
    assert fonts == {"Amina ": "Noto Sans", "أمينة": "Noto Sans Arabic"}


def test_a_date_inside_arabic_keeps_its_digits_left_to_right():
    """Visual order as the browser gives it: the date (a number inside Arabic) is not turned
    round, even where its separator comes from the other font."""
    def shown(text: str) -> str:
        return "".join(run.text[::-1] if run.rtl else run.text
                       for run in runs(text, Style(40), rtl_base=True))
    assert shown("تذكرة 2027/05/15").startswith("2027/05/15")
    assert shown("تذكرة 2027/05/15").endswith("ةركذت")
    assert shown("مقعد 12، الباب 3") == "3 بابلا ،12 دعقم"


def test_arabic_letters_are_joined():
    """Shaped, a word is narrower than its letters drawn apart in their isolated forms."""
    style = Style(60)
    joined = text_width(ARABIC_NAME, style, True)
    isolated = sum(text_width(letter, style, True) for letter in ARABIC_NAME)
    assert joined < isolated * 0.9


def test_arabic_reads_right_to_left():
    """Alef (tall) then waw (low): right to left, the alef stands on the right."""
    image = Image.new("L", (400, 200), 255)
    draw_text(ImageDraw.Draw(image), 50, 150, "ا و", Style(120), "black", rtl_base=True)
    ink = Image.eval(image, lambda v: 255 - v)
    left, _, right, _ = ink.getbbox()
    middle = (left + right) // 2
    left_top = ink.crop((left, 0, middle, 200)).getbbox()[1]
    right_top = ink.crop((middle, 0, right, 200)).getbbox()[1]
    assert right_top < left_top


def test_without_system_fonts_a_warning_is_logged_and_tickets_still_render(
        monkeypatch, tickets, caplog, tmp_path):
    caches = (pdf_drawing._font_files, pdf_drawing.font_path, pdf_drawing.font)
    monkeypatch.setattr(pdf_drawing, "FONT_DIRS", (str(tmp_path),))
    for cache in caches:
        cache.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="festival.ticketing.pdf_drawing"):
            page = render_page(tickets[0], "phone")
        assert "fonts-noto-core" in caplog.text
        [barcode] = zxingcpp.read_barcodes(page)
        assert barcode.text == tickets[0].token
        if shutil.which("pdftoppm"):
            pages = pdf_pages(render_pdf(tickets, "phone"), tmp_path)
            assert [zxingcpp.read_barcodes(p)[0].text for p in pages] == [
                t.token for t in tickets]
    finally:
        for cache in caches:
            cache.cache_clear()


def test_absurdly_long_fields_are_cut_and_rendered_quickly(keys):
    import time
    ticket = TicketPrint(festival="Almoggar", edition_title="x" * 100_000, year=2026,
                         attendee="Y" * 100_000 + " أ" * 5_000, ticket_type="z " * 50_000,
                         valid_days=["d" * 10_000] * 1_000, order_code="C" * 1_000,
                         token=sign_ticket(keys[0], 2026, 7), language="ar")
    started = time.perf_counter()
    for fmt in ("a4", "phone"):
        [barcode] = zxingcpp.read_barcodes(render_page(ticket, fmt))
        assert barcode.text == ticket.token
        assert render_pdf([ticket], fmt).startswith(b"%PDF")
    assert time.perf_counter() - started < 10


def test_a_percent_sign_goes_with_its_number():
    """W5: the sign by European digits is one of them (level 2 in a right-to-left line), where
    a lone neutral between the number and Arabic would take the line's direction (1)."""
    from festival.ticketing.pdf_drawing import levels
    assert levels("15% تخفيض", rtl_base=True)[:4] == [2, 2, 2, 1]


@needs_poppler
@pytest.mark.parametrize("fmt", ["a4", "phone"])
@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_ticket_says_where_and_when_for_the_days_it_admits(ctx, tmp_path, fmt, language):
    """Each valid day with its door hours, the venue and its address; on A4 also how to get
    there and step-free access, in the ticket's language."""
    from festival.ticketing import orders, printing
    from tests.factories import gen_where_and_when
    from tests.ticketing.conftest import make_edition, make_type

    edition = gen_where_and_when(make_edition(2029))
    saturday = make_type(edition, name="Samedi", valid_days=["2029-05-15"])
    order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                items=[orders.Item(saturday.id, 1)], language=language,
                                terms_accepted=True)
    prints = printing.ticket_prints(order)
    assert prints[0].door_hours == ["Doors 18:00 – 01:30"]
    assert prints[0].place == ["Espace Léo-Lagrange", "12 avenue Gabriel-Péri, 92230 Gennevilliers"]
    text = " ".join(pdf_text(printing.render_prints(prints, fmt), tmp_path)[0].split())
    assert "18:00" in text and "01:30" in text and "20:00" not in text
    assert "Espace Léo-Lagrange" in text and "Gennevilliers" in text
    if fmt == "a4":
        access = "بدون درج" if language == "ar" else "Entrée de plain-pied par le parvis"
        assert access in text
