"""Printed tickets as a PDF whose text is text: selectable, searchable and read by screen
readers, in the fonts the page images use (embedded, subset), Arabic shaped by HarfBuzz.

`PdfCanvas` takes the layout of ticketing.pdf (200 dpi pixels, logical coordinates) exactly
as Pillow's canvas does: the same measures (pdf_drawing's fonts and runs), so lines wrap and
fit alike. It records what to draw, since a phone ticket's height is known only once it is
laid out; `PdfDocument.add_page` then makes a page of that size and draws it with fpdf2.
Each run of one font and one direction is written on its own, left to right: an Arabic run
is shaped right to left by fpdf2 (uharfbuzz) and stored in visual order, as readers expect.
"""
from __future__ import annotations

import math
import os
from collections.abc import Callable

from fpdf import FPDF
from PIL import Image, ImageColor

from festival.ticketing.pdf_drawing import Canvas, Run, Style, place_runs

ASCENT = 0.3  # fpdf2 sets a zero-height cell's baseline this many font sizes below its top
ARC_STEPS = 24
BASE_FONT = "helvetica"  # when the system has no fonts (pdf_drawing has logged it)


def _rgb(colour: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(colour)[:3]


class PdfCanvas(Canvas):
    """A page of `width` pixels whose drawing is kept, to be written by PdfDocument."""

    def __init__(self, width: int, rtl: bool):  # no image behind this canvas
        self.rtl = rtl
        self.width = width
        self.operations: list[Callable[[_Page], None]] = []

    def _paint_rect(self, box, fill, outline, width, radius, corners) -> None:
        self.operations.append(lambda page: page.rect(box, fill, outline, width, radius,
                                                      corners))

    def _paint_polygon(self, points, fill) -> None:
        self.operations.append(lambda page: page.polygon(points, fill))

    def _paint_line(self, points, fill, width) -> None:
        self.operations.append(lambda page: page.polyline(points, fill, width))

    def _paint_notch(self, x, cy, radius, page_colour, edge, outline, width) -> None:
        self.operations.append(lambda page: page.notch(x, cy, radius, page_colour, edge,
                                                       outline, width))

    def _paint_image(self, image: Image.Image, left: float, top: float) -> None:
        self.operations.append(lambda page: page.image(image, left, top))

    def _paint_text(self, x: float, baseline: float, text: str, style: Style, fill: str,
                    align: str, rtl_base: bool) -> float:
        width, placed = place_runs(x, text, style, align, rtl_base)
        for left, run in placed:
            self.operations.append(
                lambda page, left=left, run=run: page.run(left, baseline, run, fill))
        return width


class _Page:
    """Pixel coordinates (y down, as Pillow's) turned into PDF points on fpdf2's page."""

    def __init__(self, document: PdfDocument):
        self.pdf = document.pdf
        self.document = document
        self.scale = 72 / document.dpi

    def _pt(self, value: float) -> float:
        return value * self.scale

    def _points(self, points) -> list[tuple[float, float]]:
        return [(self._pt(x), self._pt(y)) for x, y in points]

    def rect(self, box, fill, outline, width, radius, corners) -> None:
        x0, y0, x1, y1 = box
        inset = width / 2 if outline else 0  # Pillow draws the outline inside the box
        if fill:
            self.pdf.set_fill_color(*_rgb(fill))
        if outline:
            self.pdf.set_draw_color(*_rgb(outline))
            self.pdf.set_line_width(self._pt(width))
        names = ("TOP_LEFT", "TOP_RIGHT", "BOTTOM_RIGHT", "BOTTOM_LEFT")
        rounded = (tuple(n for n, on in zip(names, corners) if on) if corners else True)
        self.pdf.rect(self._pt(x0 + inset), self._pt(y0 + inset),
                      self._pt(x1 - x0 - 2 * inset), self._pt(y1 - y0 - 2 * inset),
                      style=("DF" if fill else "D") if outline else "F",
                      round_corners=rounded if radius and rounded else False,
                      corner_radius=self._pt(max(0, radius - inset)))

    def polygon(self, points, fill) -> None:
        self.pdf.set_fill_color(*_rgb(fill))
        self.pdf.polygon(self._points(points), style="F")

    def polyline(self, points, colour, width) -> None:
        self.pdf.set_draw_color(*_rgb(colour))
        self.pdf.set_line_width(self._pt(width))
        self.pdf.polyline(self._points(points), style="D")

    def notch(self, x, cy, radius, page_colour, edge, outline, width) -> None:
        self.pdf.set_fill_color(*_rgb(page_colour))
        self.pdf.ellipse(self._pt(x - radius), self._pt(cy - radius), self._pt(2 * radius),
                         self._pt(2 * radius), style="F")
        start = 0 if edge == "top" else 180  # degrees clockwise from 3 o'clock, y down
        inner = radius - width / 2
        arc = [(x + inner * math.cos(math.radians(start + 180 * i / ARC_STEPS)),
                cy + inner * math.sin(math.radians(start + 180 * i / ARC_STEPS)))
               for i in range(ARC_STEPS + 1)]
        self.polyline(arc, outline, width)

    def image(self, image: Image.Image, left: float, top: float) -> None:
        self.pdf.image(image.convert("L"), x=self._pt(left), y=self._pt(top),
                       w=self._pt(image.width), h=self._pt(image.height))

    def run(self, left: float, baseline: float, run: Run, fill: str) -> None:
        size = self._pt(run.face.size)
        family = self.document.family(run.face)
        text = run.text
        self.pdf.set_font(family, size=size)
        self.pdf.set_text_color(*_rgb(fill))
        if family == BASE_FONT:  # Latin-1 only, and nothing to shape
            text = text.encode("latin-1", "replace").decode("latin-1")
        else:
            self.pdf.set_text_shaping(use_shaping_engine=True,
                                      direction="rtl" if run.rtl else "ltr")
        self.pdf.set_xy(self._pt(left), self._pt(baseline) - ASCENT * size)
        self.pdf.cell(h=0, text=text)


class PdfDocument:
    """The PDF file: a page per canvas, each font embedded once (as a subset)."""

    def __init__(self, dpi: int, *, title: str, author: str):
        self.dpi = dpi
        self.pdf = FPDF(unit="pt")
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margin(0)
        self.pdf.c_margin = 0
        self.pdf.set_title(title)
        self.pdf.set_author(author)
        self.pdf.set_creator(author)
        self.pdf.set_producer(author)
        self._families: dict[str, str] = {}

    def family(self, face) -> str:
        """The fpdf2 family of a Pillow font: its file, added on first use."""
        path = getattr(face, "path", None)
        if not isinstance(path, str | os.PathLike):
            return BASE_FONT  # Pillow's built-in font: no file to embed
        key = os.fspath(path)
        if key not in self._families:
            self._families[key] = f"F{len(self._families)}"
            self.pdf.add_font(self._families[key], "", key)
        return self._families[key]

    def add_page(self, canvas: PdfCanvas, height: int, background: str, language: str) -> None:
        scale = 72 / self.dpi
        if self.pdf.page == 0:
            self.pdf.set_lang(language)
        self.pdf.add_page(format=(canvas.width * scale, height * scale))
        page = _Page(self)
        page.rect((0, 0, canvas.width, height), background, None, 0, 0, None)
        for operation in canvas.operations:
            operation(page)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
