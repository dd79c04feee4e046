"""A one-page printable summary of an edition for CNSM's general assembly (A4, PDF).

Drawn with Pillow as the printed tickets are: the same fonts, mixed-script text, right-to-left
layout in Arabic and PDF file (ticketing.pdf_drawing), the same palette and units
(ticketing.pdf). The figures are the dashboards' own (dashboard.queries).
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import format_date, format_number, get_locale
from flask_babel import gettext as _
from PIL import Image

from festival.core.i18n import list_separator
from festival.core.money import format_cents
from festival.core.timeutil import to_paris, utcnow
from festival.dashboard import queries
from festival.dashboard.present import clock, percent, ratio
from festival.editions.models import Edition
from festival.ticketing.pdf import DPI, INDIGO, INK_SOFT, OCHRE, SAFFRON, SAND, WHITE, mm, pt
from festival.ticketing.pdf_drawing import Canvas, Style, pdf_file

LINE = "#e3d7c6"
QUARTER_SECONDS = 15 * 60
WIDTH, HEIGHT, MARGIN = mm(210), mm(297), mm(14)


def _money(cents: int) -> str:
    return format_cents(cents, str(get_locale()))


def _n(value: int | None) -> str:
    return "—" if value is None else format_number(value)


def _section(canvas: Canvas, y: float, title: str, x: float = MARGIN) -> float:
    canvas.text(x, y + pt(13), title, Style(pt(13), "bold"), INDIGO)
    canvas.rect((x, y + pt(13) + mm(1.5), x + mm(18), y + pt(13) + mm(2.3)), fill=SAFFRON)
    return y + pt(13) + mm(5)


def _table(canvas: Canvas, y: float, x: float, widths: list[float], header: list[str] | None,
           rows: list[list[str]], size: float = 9.5) -> float:
    """Columns after the first are right-aligned numbers. Returns the y below."""
    head, body = Style(pt(size - 1), "bold"), Style(pt(size))
    row_h = pt(size) * 1.75
    lines = ([header] if header else []) + rows
    if header:
        canvas.rect((x, y, x + sum(widths), y + row_h), fill=SAND)
    for i, cells in enumerate(lines):
        is_head = bool(header) and i == 0
        style, colour = (head, INDIGO) if is_head else (body, "#1d1b19")
        baseline = y + row_h * (i + 0.68)
        left = x
        for col, (text, width) in enumerate(zip(cells, widths)):
            if col == 0:
                shown = canvas.wrap(text, style, width - mm(2), max_lines=1)
                canvas.text(left + mm(1.5), baseline, shown[0] if shown else "", style, colour)
            else:
                canvas.text(left + width - mm(1.5), baseline, text, style, colour, "end")
            left += width
        if not is_head:
            canvas.line([(x, y + row_h * (i + 1)), (x + sum(widths), y + row_h * (i + 1))],
                        fill=LINE, width=2)
    return y + row_h * len(lines)


def _figures(canvas: Canvas, y: float, items: list[tuple[str, str]]) -> float:
    """Key figures in boxes, four a row."""
    per_row, gap = 4, mm(3)
    width = (WIDTH - 2 * MARGIN - gap * (per_row - 1)) / per_row
    height = mm(21)
    for i, (label, value) in enumerate(items):
        row, col = divmod(i, per_row)
        left, top = MARGIN + col * (width + gap), y + row * (height + gap)
        canvas.rect((left, top, left + width, top + height), fill=SAND, radius=mm(2))
        canvas.rect((left, top, left + mm(1.2), top + height), fill=OCHRE)
        value_style = canvas.fit(value, Style(pt(18), "bold"), width - mm(6))
        canvas.text(left + mm(4), top + mm(10), value, value_style, INDIGO)
        label_style = Style(pt(8.5))
        canvas.lines(left + mm(4), top + mm(12.5), canvas.wrap(label, label_style,
                                                              width - mm(6), max_lines=2),
                     label_style, INK_SOFT, leading=1.15)
    rows = (len(items) + per_row - 1) // per_row
    return y + rows * (height + gap)


def _arrivals(canvas: Canvas, y: float, a) -> float:
    """Arrivals per quarter hour, one small chart per festival day side by side, all on the
    same hours so that the days compare at a glance. Time reads left to right in every
    language, as on the dashboards."""
    canvas = Canvas(canvas.image, rtl=False)
    days = [d for d in a.per_day if d.buckets]
    if not days:
        canvas.text(MARGIN, y + pt(10), _("Nobody has been scanned in."), Style(pt(10)),
                    INK_SOFT)
        return y + mm(8)
    offsets = [(b.start - d.day.starts_at).total_seconds() for d in days for b in d.buckets]
    first, span = min(offsets), max(offsets) - min(offsets) + QUARTER_SECONDS
    height, gap = mm(30), mm(4)
    width = (WIDTH - 2 * MARGIN - gap * (len(days) - 1)) / len(days)
    bar = width * QUARTER_SECONDS / span
    top_value = max(b.count for d in days for b in d.buckets) or 1
    small = Style(pt(8))
    for i, d in enumerate(days):
        left = MARGIN + i * (width + gap)
        base = y + height
        canvas.line([(left, base), (left + width, base)], fill=INK_SOFT, width=2)
        for b in d.buckets:
            if b.count:
                x = left + width * ((b.start - d.day.starts_at).total_seconds() - first) / span
                h = (height - mm(6)) * b.count / top_value
                colour = OCHRE if a.busiest and b.start == a.busiest.start else INDIGO
                canvas.rect((x + 1, base - h, x + max(bar - 1, 2), base), fill=colour)
        start = d.day.starts_at + timedelta(seconds=first)
        canvas.text(left, base + mm(4), clock(start), small, INK_SOFT)
        canvas.text(left + width, base + mm(4), clock(start + timedelta(seconds=span)), small,
                    INK_SOFT, "end")
        label = f"{format_date(d.day.day, 'EEE d MMM')} · {_n(d.total)}"
        canvas.text(left + width / 2, base + mm(4), label, Style(pt(8), "bold"), INDIGO,
                    "center")
    return y + height + mm(8)


def _fullest_day(s) -> str:
    """The share sold of the festival day closest to its capacity."""
    fullest = max(s.capacity, key=lambda c: c.sold / c.size if c.size else 0, default=None)
    return percent(fullest.sold, fullest.size) if fullest else percent(0, None)


def render_summary(edition: Edition) -> Image.Image:
    rtl = str(get_locale()) == "ar"
    a = queries.edition_attendance(edition)
    s = queries.edition_sales(edition)
    rooms = queries.rooms_per_day(edition)[1]
    speakers = queries.speakers_per_association(edition)
    assoc = queries.association_figures(edition)
    page = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    canvas = Canvas(page, rtl)

    # Header: festival, edition, what this page is.
    canvas.rect((0, 0, WIDTH, mm(34)), fill=INDIGO)
    canvas.text(MARGIN, mm(15), "ALMOGGAR", Style(pt(24), "bold"), SAFFRON)
    canvas.text(WIDTH - MARGIN, mm(15), str(edition.year), Style(pt(24), "bold"), WHITE, "end")
    canvas.text(MARGIN, mm(23), edition.title, Style(pt(12)), WHITE)
    canvas.text(MARGIN, mm(29.5), _("Summary for the general assembly"), Style(pt(10), "bold"),
                SAFFRON)
    days = list_separator().join(format_date(d, "d MMMM yyyy") for d in edition.dates)
    canvas.text(WIDTH - MARGIN, mm(29.5), days, Style(pt(10)), WHITE, "end")

    y = _figures(canvas, mm(41), [
        (_("tickets sold"), _n(s.tickets_sold)),
        (_("people checked in"), _n(a.checked_in)),
        (_("no-show rate"), ratio(a.no_show_total / a.sold
                                  if a.sold and a.no_show_total is not None else None)),
        (_("of the fullest day's capacity sold"), _fullest_day(s)),
        (_("net revenue"), _money(s.revenue.net)),
        (_("donations to CNSM's projects"), _money(s.revenue.donations)),
        (_("arrivals in the busiest quarter hour"),
         _n(a.busiest.count) if a.busiest else "—"),
        (_("published sessions"), _n(sum(r.total for r in rooms))),
    ]) + mm(3)

    y = _section(canvas, y, _("Tickets by type"))
    inner = WIDTH - 2 * MARGIN
    widths = [inner * 0.40, inner * 0.12, inner * 0.12, inner * 0.14, inner * 0.22]
    rows = [[t.name, _n(t.sold), _n(t.quota), _n(a.checked_in_by_type.get(t.id, 0)),
             _money(t.revenue_cents)] for t in s.types[:8]]
    y = _table(canvas, y, MARGIN, widths, [_("Ticket type"), _("Sold"), _("Quota"),
                                           _("Checked in"), _("Revenue")], rows) + mm(6)

    y = _section(canvas, y, _("Arrivals per quarter hour"))
    y = _arrivals(canvas, y, a) + mm(2)

    # Two columns: money, then programme and associations.
    half = (inner - mm(6)) / 2
    top = _section(canvas, y, _("Money"))
    online = sum(c.tickets for c in s.channels if not c.is_box_office)
    box = sum(c.tickets for c in s.channels if c.is_box_office)
    money_rows = [[_("Gross revenue"), _money(s.revenue.gross)],
                  [_("Refunded"), _money(s.revenue.refunded)],
                  [_("Net revenue"), _money(s.revenue.net)],
                  [_("Tickets sold online"), _n(online)],
                  [_("Tickets sold at the box office"), _n(box)]]
    left_end = _table(canvas, top, MARGIN, [half * 0.62, half * 0.38], None, money_rows)
    other = [[_("Rooms"), _n(len(rooms))],
             [_("Speakers"), _n(sum(n for _name, n in speakers))],
             [_("Organising associations"), _n(len(assoc.organisers))],
             [_("Exhibitors"), _n(assoc.stands_by_status["approved"])],
             [_("Stands assigned"), _n(assoc.stands_assigned)],
             [_("Membership applications waiting"), _n(assoc.applications_waiting)]]
    right_x = MARGIN + half + mm(6)
    _section(canvas, y, _("Programme and associations"), right_x)
    right_end = _table(canvas, top, right_x, [half * 0.72, half * 0.28], None, other)
    y = max(left_end, right_end) + mm(6)

    editions = queries.comparison()[:5]
    if y < HEIGHT - mm(60) and editions:
        y = _section(canvas, y, _("Editions compared"))
        rows = [[str(r.year), _n(r.sold), _n(r.attended), ratio(r.no_show_rate),
                 _n(r.peak_count)] for r in editions]
        y = _table(canvas, y, MARGIN, [inner * 0.28, inner * 0.18, inner * 0.18, inner * 0.18,
                                       inner * 0.18],
                   [_("Edition"), _("Sold"), _("Checked in"), _("No-show rate"),
                    _("Busiest quarter hour")], rows)

    footer = HEIGHT - mm(9)
    canvas.rect((0, footer - mm(5), WIDTH, HEIGHT), fill=SAND)
    stamp = to_paris(utcnow())
    canvas.text(MARGIN, footer + mm(1), _("Coordination N’Souss Massa · figures of %(when)s",
                                          when=f"{format_date(stamp.date(), 'd MMMM yyyy')} "
                                               f"{stamp.strftime('%H:%M')}"),
                Style(pt(8.5)), INK_SOFT)
    return page


def edition_summary_pdf(edition: Edition) -> bytes:
    page = render_summary(edition)
    return pdf_file([page], DPI, title=f"Almoggar {edition.year} · {edition.title}",
                    author="Coordination N'Souss Massa")
