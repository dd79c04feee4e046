"""Printable tickets as PDF: A4 (one ticket a page, to print and tear off) and phone (narrow
and tall, to show at the door with a large QR code).

One layout per format, written against a canvas in 200 dpi pixels (`mm`, `pt`): the PDF's
canvas (ticketing.pdf_document) writes its text as real text in embedded fonts, selectable and
read by screen readers, with Arabic shaped and right to left; Pillow's canvas
(ticketing.pdf_drawing) draws the same page as an image (`render_page`, for previews). The
QR code is an image in both, whole modules only. The input is plain data (`TicketPrint`), so
this module needs no database and no application; inside an application context the labels
are translated into each ticket's language, and an Arabic ticket is laid out right to left.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from PIL import Image

from festival.config import LANGUAGES
from festival.core.i18n import list_separator
from festival.ticketing.pdf_document import PdfCanvas, PdfDocument
from festival.ticketing.pdf_drawing import Canvas, Style
from festival.ticketing.qr import qr_image

DPI = 200
FORMATS = ("a4", "phone")
OCHRE, INDIGO, SAFFRON, SAND, WHITE = "#b4541a", "#1f3a5f", "#f2b33d", "#fdf6ec", "#ffffff"
INK_SOFT = "#4a5a70"  # secondary text on sand (contrast above 4.5:1)


def mm(value: float) -> int:
    return round(value * DPI / 25.4)


def pt(value: float) -> int:
    return round(value * DPI / 72)


PHONE_WIDTH = mm(80)
# Format: (width, height or None when it follows the content, background).
PAGES = {"a4": (mm(210), mm(297), WHITE), "phone": (PHONE_WIDTH, None, SAND)}


@dataclass(frozen=True)
class TicketPrint:
    """Everything printed on one ticket, already formatted (days as display text)."""

    festival: str
    edition_title: str
    year: int
    attendee: str
    ticket_type: str
    valid_days: list[str] = field(default_factory=list)
    order_code: str = ""
    token: str = ""
    language: str = "fr"
    # Where and when (editions.practical), already in the ticket's language: each valid
    # day's door hours ("" when unknown), the place (venue name, then its address; one line
    # per day when the days are at different venues), how to get there, step-free access.
    door_hours: list[str] = field(default_factory=list)
    place: list[str] = field(default_factory=list)
    transport: str = ""
    access: str = ""


def _check(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")


def _language(ticket: TicketPrint) -> str:
    return ticket.language if ticket.language in LANGUAGES else "fr"


def render_pdf(tickets: Sequence[TicketPrint], fmt: str = "a4") -> bytes:
    """One PDF holding each ticket on a page of its own, in the given format."""

    _check(fmt)
    if not tickets:
        raise ValueError("a PDF of tickets needs at least one ticket")
    first = tickets[0]
    document = PdfDocument(DPI, title=f"{first.festival} {first.year} · "
                              f"{first.edition_title}", author=first.festival)
    width, _, background = PAGES[fmt]
    for ticket in tickets:
        canvas = PdfCanvas(width, _language(ticket) == "ar")
        height = draw_ticket(canvas, ticket, fmt)
        document.add_page(canvas, height, background, _language(ticket))
    return document.output()


def render_page(ticket: TicketPrint, fmt: str = "a4") -> Image.Image:
    """One ticket as a page image (RGB, 200 dpi): the PDF's page, drawn by Pillow."""
    _check(fmt)
    width, height, background = PAGES[fmt]
    page = Image.new("RGB", (width, height or mm(240)), background)
    used = draw_ticket(Canvas(page, _language(ticket) == "ar"), ticket, fmt)
    return page if height else page.crop((0, 0, width, used))


def draw_ticket(canvas: Canvas, ticket: TicketPrint, fmt: str) -> int:
    """Lay one ticket out on `canvas`, in the ticket's language; returns the page's height."""
    _check(fmt)
    with force_locale(_language(ticket)):
        labels = {key: str(value) for key, value in _labels().items()}
        if fmt == "a4":
            _a4(canvas, ticket, labels)
            return PAGES["a4"][1]
        return _phone(canvas, ticket, labels)


def _labels() -> dict[str, object]:
    return {
        "attendee": _l("Attendee"),
        "ticket": _l("Ticket"),
        "days": _l("Valid on"),
        "place": _l("Where"),
        "transport": _l("Getting there"),
        "access": _l("Step-free access"),
        "order": _l("Order"),
        "admission": _l("Admission ticket"),
        "show": _l("Show this QR code at the entrance, printed or on your phone. "
                   "It admits one person, once."),
        "cut": _l("Cut along the dotted line, or simply bring the whole page."),
        "good_to_know": _l("Good to know"),
        "tip_share": _l("Do not share or post your ticket: only the first scan of its code "
                        "is let in."),
        "tip_phone": _l("On a phone, turn the screen brightness up before reaching the door."),
    }


def _motif(canvas: Canvas, x0: float, x1: float, top: float, height: int) -> None:
    """A band of triangles, after the zigzags of Amazigh weaving and jewellery."""
    step = height * 2
    count = max(1, int((x1 - x0) // step))
    step = (x1 - x0) / count
    for i in range(count):
        left = x0 + i * step
        canvas.polygon([(left, top + height), (left + step / 2, top), (left + step, top + height)],
                       fill=OCHRE)
        canvas.polygon([(left + step / 4, top), (left + step / 2, top + height * 0.55),
                        (left + step * 3 / 4, top)], fill=SAFFRON)


def _qr(token: str, width: int) -> Image.Image:
    """The token's QR code, whole modules only, as large as fits in `width` pixels."""
    code = qr_image(token, box_size=1)
    module = max(2, width // code.width)
    side = code.width * module
    return code.resize((side, side), Image.Resampling.NEAREST).convert("RGB")


def _header(canvas: Canvas, ticket: TicketPrint, box: tuple, pad: int, scale: float,
            corners=None, radius: int = 0) -> None:
    """The indigo band: festival name in saffron, the year, the edition's title."""
    x0, top, x1, _ = box
    canvas.rect(box, fill=INDIGO, radius=radius, corners=corners)
    year = Style(pt(24 * scale), "bold")
    year_text = str(ticket.year)
    inner = x1 - x0 - 2 * pad
    name = ticket.festival.upper()
    name_style = canvas.fit(name, Style(pt(24 * scale), "bold"),
                            inner - canvas.width_of(year_text, year) - pad)
    baseline = top + pad * 0.6 + year.size * 0.8
    canvas.text(x0 + pad, baseline, name, name_style, SAFFRON)
    canvas.text(x1 - pad, baseline, year_text, year, WHITE, align="end")
    title = Style(pt(12 * scale))
    canvas.lines(x0 + pad, baseline + pad * 0.45,
                 canvas.wrap(ticket.edition_title, title, inner, max_lines=2), title, WHITE,
                 leading=1.2)


def _field(canvas: Canvas, x: float, top: float, label: str, value_lines: list[str],
           value_style: Style, scale: float, align: str = "start") -> float:
    """A small ochre label over its value; returns the y below."""
    label_style = Style(pt(8.5 * scale), "bold")
    baseline = top + label_style.size
    canvas.text(x, baseline, label.upper(), label_style, OCHRE, align)
    return canvas.lines(x, baseline + label_style.size * 0.35, value_lines, value_style,
                        INDIGO, align, leading=1.25)


def _name(canvas: Canvas, name: str, style: Style, width: float) -> tuple[Style, list[str]]:
    """A name on one line, smaller if need be, or on two lines when it is very long."""
    style = canvas.fit(name, style, width)
    return style, canvas.wrap(name, style, width, max_lines=2)


def _days(canvas: Canvas, days: list[str], style: Style, width: float, max_lines: int) -> list:
    """One day a line when they fit, else all on wrapped lines."""
    if not days:
        return ["—"]
    if len(days) <= max_lines:
        return [canvas.wrap(day, style, width, max_lines=1)[0] for day in days]
    return canvas.wrap(" · ".join(days), style, width, max_lines=max_lines)


def _hours(ticket: TicketPrint) -> list[str]:
    """The door hours of each valid day ("" when unknown)."""
    return list(ticket.door_hours) + [""] * (len(ticket.valid_days) - len(ticket.door_hours))


def _days_with_hours(ticket: TicketPrint) -> list[str]:
    """Each valid day followed by its door hours, when known."""
    return [f"{day} · {door}" if door else day
            for day, door in zip(ticket.valid_days, _hours(ticket))]


def _place_lines(canvas: Canvas, place: list[str], style: Style, width: float,
                 max_lines: int) -> list[str]:
    """The venue's name and address, each wrapped, within `max_lines` in all."""
    lines: list[str] = []
    for part in place:
        room = max_lines - len(lines)
        if room <= 0:
            break
        lines += canvas.wrap(part, style, width, max_lines=room)
    return lines


def _a4(canvas: Canvas, ticket: TicketPrint, labels: dict[str, str]) -> None:
    margin, pad, border, radius = mm(12), mm(7), 4, mm(5)
    left, right, top = margin, mm(210) - margin, margin
    bottom = top + mm(130)
    stub = mm(76)
    perforation = right - stub
    header = mm(34)

    # The ticket: a sand card with an indigo header, torn along a perforation.
    canvas.rect((left, top, right, bottom), fill=SAND, outline=INDIGO, width=border,
                radius=radius)
    _header(canvas, ticket, (left + border, top + border, perforation, top + header), pad, 1.0,
            corners=(True, False, False, False), radius=radius - border)
    canvas.rect((perforation, top + border, right - border, top + mm(17)), fill=SAFFRON,
                radius=radius - border, corners=(False, True, False, False))
    _motif(canvas, left + border + mm(2), perforation - mm(2), top + header + mm(3), mm(4))

    # The body: who, what, which order, when.
    inner = perforation - left - 2 * pad
    y = top + header + mm(12)
    if ticket.attendee:
        attendee, lines = _name(canvas, ticket.attendee, Style(pt(24), "bold"), inner)
        y = _field(canvas, left + pad, y, labels["attendee"], lines, attendee, 1.0) + mm(6)
    value, code = Style(pt(14), "bold"), Style(pt(16), "bold")
    order_code = (canvas.wrap(ticket.order_code, code, inner * 0.4, max_lines=1) or ["—"])[0]
    code_width = max(canvas.width_of(order_code, code),
                     canvas.width_of(labels["order"].upper(), Style(pt(8.5), "bold")))
    below_type = _field(canvas, left + pad, y, labels["ticket"],
                        canvas.wrap(ticket.ticket_type, value, inner - code_width - pad,
                                    max_lines=2), value, 1.0)
    _field(canvas, right - stub - pad - code_width, y, labels["order"], [order_code],
           code, 1.0)
    days = Style(pt(13))
    day_lines = _days_with_hours(ticket)
    if len(day_lines) <= 3:  # one line a day: as large as the longest allows
        days = min((canvas.fit(line, days, inner) for line in day_lines),
                   key=lambda style: style.size, default=days)
    y = _field(canvas, left + pad, below_type + mm(6), labels["days"],
               _days(canvas, day_lines, days, inner, 3), days, 1.0)
    if ticket.place:
        place = Style(pt(11))
        room = int((bottom - mm(5) - (y + mm(4) + pt(8.5) * 1.35)) // (place.size * 1.25))
        _field(canvas, left + pad, y + mm(4), labels["place"],
               canvas.wrap(list_separator(ticket.language).join(ticket.place), place, inner,
                           max_lines=max(1, room)),
               place, 1.0)

    # The stub: the QR code on white, under a saffron band, with a line of instructions.
    _dashes(canvas, perforation, top + radius + mm(2), bottom - radius - mm(2), INDIGO,
            vertical=True)
    canvas.notch(perforation, top, radius, WHITE, "top", INDIGO, border)
    canvas.notch(perforation, bottom, radius, WHITE, "bottom", INDIGO, border)
    canvas.text(perforation + stub / 2, top + mm(11), labels["admission"].upper(),
                Style(pt(11), "bold"), INDIGO, "center")
    qr = _qr(ticket.token, stub - 2 * mm(5))
    qr_top = top + mm(21)
    canvas.rect((perforation + (stub - qr.width) / 2, qr_top,
                 perforation + (stub + qr.width) / 2, qr_top + qr.height), fill=WHITE,
                radius=mm(2))
    canvas.paste(qr, perforation + (stub - qr.width) / 2, qr_top)
    small = Style(pt(9))
    canvas.lines(perforation + stub / 2, qr_top + qr.height + mm(3),
                 canvas.wrap(labels["show"], small, stub - 2 * mm(6), max_lines=3), small,
                 INK_SOFT, "center", leading=1.25)

    # Below the ticket: where to cut, and what to know.
    cut = bottom + mm(10)
    _dashes(canvas, left, right, cut, INK_SOFT, vertical=False)
    canvas.text(mm(105), cut + mm(7), labels["cut"], Style(pt(9)), INK_SOFT, "center")
    box_top = cut + mm(16)
    tip = Style(pt(11))
    wide = right - left - 2 * pad - mm(6)
    # How to get there comes first; the general advice makes room for it if need be.
    tips = [canvas.wrap(f"{labels[name]}: {text}", tip, wide, max_lines=4)
            for name, text in (("transport", ticket.transport), ("access", ticket.access))
            if text]
    tips += [canvas.wrap(text, tip, wide)
             for text in (labels["show"], labels["tip_share"], labels["tip_phone"])]

    def box_height(tips):
        return mm(22) + sum(len(lines) * tip.size * 1.35 + mm(3) for lines in tips)

    while len(tips) > 1 and box_top + box_height(tips) > mm(297) - margin - mm(16):
        tips.pop()
    box_bottom = box_top + box_height(tips)
    canvas.rect((left, box_top, right, box_bottom), fill=SAND, radius=radius)
    y = box_top + mm(12)
    canvas.text(left + pad, y, labels["good_to_know"], Style(pt(14), "bold"), INDIGO)
    y += mm(4)
    for lines in tips:
        canvas.rect((left + pad, y + mm(1.8), left + pad + mm(2.4), y + mm(4.2)), fill=SAFFRON,
                    radius=3)
        y = canvas.lines(left + pad + mm(6), y, lines, tip, INDIGO) + mm(3)

    footer = mm(297) - margin
    code = Style(pt(9), "bold")
    code_width = canvas.width_of(order_code, code)
    canvas.text(right, footer - mm(9), order_code, code, INK_SOFT, "end")
    canvas.lines(left, footer - mm(9) - pt(9), canvas.wrap(
        f"{ticket.festival} · {ticket.edition_title}", Style(pt(9)),
        right - left - code_width - mm(10), max_lines=1), Style(pt(9)), INK_SOFT)
    _motif(canvas, left, right, footer - mm(5), mm(5))


def _phone(canvas: Canvas, ticket: TicketPrint, labels: dict[str, str]) -> int:
    """Draws the ticket from the top of a page PHONE_WIDTH wide; returns the page's height."""
    width = PHONE_WIDTH
    pad, header = mm(5), mm(25)
    _header(canvas, ticket, (0, 0, width, header), pad, 0.8)
    _motif(canvas, 0, width, header, mm(3.5))
    centre, inner = width / 2, width - 2 * pad

    y = header + mm(9)
    if ticket.attendee:
        attendee, lines = _name(canvas, ticket.attendee, Style(pt(17), "bold"), inner)
        y = _field(canvas, centre, y, labels["attendee"], lines, attendee, 0.9,
                   "center") + mm(1.5)
    kind = Style(pt(11), "bold")
    y = canvas.lines(centre, y, canvas.wrap(ticket.ticket_type, kind, inner, max_lines=2), kind,
                     OCHRE, "center")

    # The QR code, as large as the page allows, on a white card.
    qr = _qr(ticket.token, width - 2 * mm(4))
    card_top = y + mm(3)
    canvas.rect((centre - qr.width / 2, card_top, centre + qr.width / 2, card_top + qr.height),
                fill=WHITE, radius=mm(3))
    canvas.paste(qr, centre - qr.width / 2, card_top)
    y = card_top + qr.height + mm(3)

    order = Style(pt(13), "bold")
    y = _field(canvas, centre, y, labels["order"],
               canvas.wrap(ticket.order_code, order, inner, max_lines=1), order,
               0.9, "center")
    days = Style(pt(10))
    if len(ticket.valid_days) <= 3 and any(ticket.door_hours):
        # A narrow page: each day on its line, its door hours below in a lighter hand.
        y = _field(canvas, centre, y + mm(2.5), labels["days"], [], days, 0.9, "center")
        day, door = Style(pt(10), "bold"), Style(pt(9.5))
        for on, hours in zip(ticket.valid_days, _hours(ticket)):
            y = canvas.lines(centre, y + mm(0.8), canvas.wrap(on, day, inner, max_lines=1),
                             day, INDIGO, "center")
            if hours:
                y = canvas.lines(centre, y + mm(0.4), canvas.wrap(hours, door, inner,
                                                                  max_lines=1),
                                 door, INK_SOFT, "center")
    else:
        y = _field(canvas, centre, y + mm(2.5), labels["days"],
                   _days(canvas, _days_with_hours(ticket), days, inner, 3), days, 0.9,
                   "center")
    if ticket.place:
        place = Style(pt(9.5))
        y = _field(canvas, centre, y + mm(2.5), labels["place"],
                   _place_lines(canvas, ticket.place, place, inner, 5), place, 0.9, "center")
    small = Style(pt(8))
    y = canvas.lines(centre, y + mm(3), canvas.wrap(labels["show"], small, inner, max_lines=3),
                     small, INK_SOFT, "center", leading=1.25)
    # Every ticket of a usual order gets the same height; a very wordy one grows.
    height = max(mm(176), round(y + mm(10)))
    _motif(canvas, 0, width, height - mm(4), mm(4))
    return height


def _dashes(canvas: Canvas, start: float, end: float, at: float, colour: str,
            vertical: bool) -> None:
    dash, gap = mm(2.5), mm(1.8)
    position = start
    while position < end:
        stop = min(position + dash, end)
        points = [(at, position), (at, stop)] if vertical else [(position, at), (stop, at)]
        canvas.line(points, fill=colour, width=3)
        position = stop + gap
