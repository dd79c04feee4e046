"""A printed ticket in Tamazight: its labels in Tifinagh (Noto Sans Tifinagh), an Arabic name
and a French title beside them, all real text that pdftotext reads back in order."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from babel.dates import format_date
from flask_babel import force_locale

from festival.ticketing import catalog, orders
from festival.ticketing.models import PaymentMethod
from festival.ticketing.pdf import TicketPrint, render_pdf
from festival.ticketing.pdf_drawing import Style, font_path, runs
from festival.ticketing.printing import order_pdf
from festival.ticketing.tokens import generate_keypair, sign_ticket
from tests.ticketing.conftest import edition, make_edition  # noqa: F401 (fixtures)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                   reason="poppler-utils (pdftotext) is not installed")
ARABIC_NAME = "أمينة العمراني"
TIFINAGH_TYPE = "ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⵏⵎⵓⴳⴳⴰⵔ"  # festival pass
FRENCH_TITLE = "Festival des cultures du Souss-Massa"


def _text(data: bytes, tmp_path: Path) -> str:
    source = tmp_path / "ticket.pdf"
    source.write_bytes(data)
    result = subprocess.run(["pdftotext", str(source), "-"], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout.replace("\u202b", "").replace("\u202c", "")  # marks around Arabic


def test_tifinagh_is_drawn_with_its_own_font():
    path = font_path("tifinagh", "regular")
    assert path is not None and path.name == "NotoSansTifinagh-Regular.ttf", (
        "install Debian's fonts-noto-core (scripts/serve and scripts/test do)")
    faces = {run.text.strip(): Path(run.face.path).name
             for run in runs(f"{TIFINAGH_TYPE} {ARABIC_NAME} Amina", Style(40), False)
             if run.text.strip()}
    assert faces == {TIFINAGH_TYPE: "NotoSansTifinagh-Regular.ttf",
                     ARABIC_NAME: "NotoSansArabic-Regular.ttf", "Amina": "NotoSans-Regular.ttf"}


@needs_poppler
@pytest.mark.parametrize("fmt", ["a4", "phone"])
def test_a_tamazight_ticket_reads_back_in_three_scripts(translated_app, fmt, tmp_path):
    day = format_date(date(2027, 5, 15), "EEEE d MMMM", locale="zgh")
    ticket = TicketPrint(festival="Almoggar", edition_title=FRENCH_TITLE, year=2027,
                         attendee=ARABIC_NAME, ticket_type=TIFINAGH_TYPE, valid_days=[day],
                         order_code="K7QX-M3PA", token=sign_ticket(generate_keypair()[0], 2027, 7),
                         language="tzm", place=["Espace Reuilly", "21 rue Antoine-Julien Hénard"])
    with translated_app.app_context():
        text = _text(render_pdf([ticket], fmt), tmp_path)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for expected in (
            "ⵜⵚⵃⴰ ⵖ",  # "Valid on", from the catalogue (labels are in capitals: Tifinagh has none)
            "ⴰⵙⵉⴹⵢⴰⵙ 15 ⵎⴰⵢⵢⵓ",  # the day, as Babel's zgh writes it
            TIFINAGH_TYPE, ARABIC_NAME, "K7QX-M3PA", "Espace Reuilly"):
        assert any(expected in line for line in lines), (expected, "\n".join(lines))
    assert FRENCH_TITLE in lines
    assert ("ⵜⴰⵡⵔⵉⵇⵜ ⵏ ⵓⴽⵛⴰⵎ" in lines) == (fmt == "a4")  # "Admission ticket", on the stub
    assert "VALID ON" not in text and "VALABLE" not in text


@needs_poppler
def test_an_order_in_tamazight_prints_its_texts_in_tamazight(edition, tmp_path):  # noqa: F811
    ticket_type = catalog.create_ticket_type(edition, {
        "name": {"fr": "Pass festival (2 jours)", "ar": "تذكرة المهرجان (يومان)",
                 "tzm": TIFINAGH_TYPE}, "price_cents": 2500, "quota": 10})
    order = orders.create_order(edition, buyer_name="Amina", email="amina@example.fr",
                                items=[orders.Item(ticket_type.id, 1, [ARABIC_NAME])],
                                language="tzm", terms_accepted=True)
    orders.mark_paid(order, PaymentMethod.BANK_TRANSFER)
    text = _text(order_pdf(order), tmp_path)
    assert TIFINAGH_TYPE in text and ARABIC_NAME in text, text
    assert "Pass festival" not in text and "المهرجان" not in text
    with force_locale("tzm"):
        assert ticket_type.name == TIFINAGH_TYPE
    with force_locale("en"):
        assert ticket_type.name == "Pass festival (2 jours)"  # no English: French
