"""Drawing printed tickets: fonts, Latin and Arabic text shaped and in the right order, a
canvas that lays a page out once for both directions, and the PDF file around the pages.

Fonts come from the system's packages, never from the repository: Noto Sans, Noto Sans
Arabic and Noto Sans Tifinagh (Debian's `fonts-noto-core`), else DejaVu Sans (which has Arabic
letters too, but no Tifinagh), else Pillow's own font with a warning (then Arabic and Tifinagh
names show as boxes). Tifinagh is written left to right, unjoined: it needs its font only.

Arabic needs shaping (joined letter forms) and right-to-left order. Pillow does both with its
Raqm layout engine: Pillow's wheels carry libraqm and HarfBuzz and load FriBiDi from the
system (Debian's `libfribidi0`). Noto Sans Arabic has no Latin letters and Noto Sans no Arabic
ones, so a line is cut into runs by script, each run drawn with the font that has its
letters, and the runs placed in bidirectional order: enough for names, titles and labels
that mix the two scripts, such as "Amina أمينة" or "تذكرة Almoggar 2026".
"""
from __future__ import annotations

import logging
import os
import unicodedata
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, features

log = logging.getLogger(__name__)

RAQM = features.check("raqm")
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts", "~/.local/share/fonts", "~/.fonts")
CANDIDATES = {
    ("latin", "regular"): ("NotoSans-Regular.ttf", "DejaVuSans.ttf"),
    ("latin", "bold"): ("NotoSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
    ("arabic", "regular"): ("NotoSansArabic-Regular.ttf", "NotoNaskhArabic-Regular.ttf",
                            "DejaVuSans.ttf"),
    ("arabic", "bold"): ("NotoSansArabic-Bold.ttf", "NotoNaskhArabic-Bold.ttf",
                         "DejaVuSans-Bold.ttf"),
    # Noto Sans Tifinagh has one weight: bold Tifinagh is drawn regular.
    ("tifinagh", "regular"): ("NotoSansTifinagh-Regular.ttf",),
    ("tifinagh", "bold"): ("NotoSansTifinagh-Regular.ttf",),
}
FONT_OF_SCRIPT = {"ar": "arabic", "tfng": "tifinagh", "latin": "latin"}
MAX_TEXT = 400  # characters: more than any ticket line shows, and bounds the work
_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF),
           (0xFE70, 0xFEFF))
_TIFINAGH = (0x2D30, 0x2D7F)


def is_arabic(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in _ARABIC)


def is_tifinagh(char: str) -> bool:
    return _TIFINAGH[0] <= ord(char) <= _TIFINAGH[1]


def _strong(char: str) -> str | None:
    """'ar', 'tfng' or 'latin' for a letter (the script whose font draws it), None for
    spaces, digits and punctuation."""
    if is_arabic(char):
        return "ar" if unicodedata.category(char).startswith("L") else None
    if is_tifinagh(char):
        return "tfng" if unicodedata.category(char).startswith("L") else None
    return "latin" if unicodedata.category(char).startswith("L") else None


def starts_rtl(text: str) -> bool:
    """True when the first letter of `text` is Arabic (its natural direction)."""
    return next((_strong(c) == "ar" for c in text if _strong(c)), False)


@lru_cache(maxsize=1)
def _font_files() -> dict[str, Path]:
    """Every font file in the standard folders, by file name (first found wins)."""
    found: dict[str, Path] = {}
    for folder in FONT_DIRS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for dirpath, _, filenames in sorted(os.walk(root)):
            for name in filenames:
                found.setdefault(name, Path(dirpath) / name)
    return found


@lru_cache(maxsize=8)
def font_path(script: str, weight: str) -> Path | None:
    files = _font_files()
    for name in CANDIDATES[(script, weight)]:
        if name in files:
            return files[name]
    log.warning("no %s %s font found in %s (install Debian's fonts-noto-core): printed "
                "tickets use %s", weight, script, ", ".join(FONT_DIRS),
                "the Latin font" if script == "tifinagh" else "Pillow's default font")
    return None


@lru_cache(maxsize=128)
def font(script: str, weight: str, size: int) -> ImageFont.FreeTypeFont:
    path = font_path(script, weight)
    if path is None:
        return ImageFont.load_default(size)
    engine = ImageFont.Layout.RAQM if RAQM else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(path), size, layout_engine=engine)


@lru_cache(maxsize=4096)
def _has_glyph(face: ImageFont.FreeTypeFont, char: str) -> bool:
    if char.isspace():
        return True
    return bytes(face.getmask(char)) != bytes(face.getmask("\uffff"))


@dataclass(frozen=True)
class Run:
    text: str
    face: ImageFont.FreeTypeFont
    rtl: bool


@dataclass(frozen=True)
class Style:
    size: int
    weight: str = "regular"

    def face(self, script: str) -> ImageFont.FreeTypeFont:
        if script == "tfng" and font_path("tifinagh", self.weight) is None:
            script = "latin"  # no Tifinagh font: boxes, but in the line's own font
        return font(FONT_OF_SCRIPT[script], self.weight, self.size)


def runs(text: str, style: Style, rtl_base: bool) -> list[Run]:
    """`text` cut into runs of one font and one direction, in visual order (left to right)."""
    if not text:
        return []
    text = text[:MAX_TEXT]
    scripts = _resolve(text, "ar" if rtl_base else "latin")
    pieces: list[list] = []  # [text, face, level], in reading order
    for char, script, level in zip(text, scripts, levels(text, rtl_base)):
        face = style.face(script)
        if not _has_glyph(face, char):
            face = next((other for other in (style.face(name) for name in FONT_OF_SCRIPT
                                             if name != script)
                         if _has_glyph(other, char)), face)
        if pieces and pieces[-1][1] is face and pieces[-1][2] == level:
            pieces[-1][0] += char
        else:
            pieces.append([char, face, level])
    # Visual order (rule L2): from the highest level down to the lowest odd one, every
    # stretch of pieces at that level or above is reversed. A number inside Arabic (level 2)
    # is thus turned twice and keeps its digits and separators left to right ("2027/05/15"),
    # even when a separator comes from the other font.
    highest = max(piece[2] for piece in pieces)
    lowest_odd = min((piece[2] for piece in pieces if piece[2] % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        index = 0
        while index < len(pieces):
            if pieces[index][2] < level:
                index += 1
                continue
            end = index
            while end < len(pieces) and pieces[end][2] >= level:
                end += 1
            pieces[index:end] = pieces[index:end][::-1]
            index = end
    return [Run(piece_text, face, level % 2 == 1) for piece_text, face, level in pieces]


_NEUTRALS = {"B", "S", "WS", "ON", "BN", "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI",
             "FSI", "PDI"}


def _runs(types: list[str], kind: str):
    """(start, end) of each run of `kind` in `types`, left to right; the caller may change
    the run it was given."""
    i, count = 0, len(types)
    while i < count:
        if types[i] != kind:
            i += 1
            continue
        end = i
        while end < count and types[end] == kind:
            end += 1
        yield i, end
        i = end


def levels(text: str, rtl_base: bool) -> list[int]:
    """Each character's level after the Unicode bidirectional algorithm (UAX #9) for one line
    without explicit embeddings: even levels read left to right, odd ones right to left.
    Rules W1-W7 (numbers and separators), N1-N2 (neutrals), I1-I2 and L1, as browsers apply
    them, so a ticket reads as the same words do on the order page."""
    base = 1 if rtl_base else 0
    edge = "R" if rtl_base else "L"  # sos and eos: one paragraph, one level
    original = [unicodedata.bidirectional(char) or "L" for char in text]
    types = ["ON" if kind in _NEUTRALS else kind for kind in original]
    count = len(types)
    previous = edge
    for i, kind in enumerate(types):  # W1: a combining mark takes the type before it
        if kind == "NSM":
            types[i] = previous
        previous = types[i]
    strong = edge
    for i, kind in enumerate(types):  # W2: European digits after Arabic letters are Arabic
        if kind in ("L", "R", "AL"):
            strong = kind
        elif kind == "EN" and strong == "AL":
            types[i] = "AN"
    types = ["R" if kind == "AL" else kind for kind in types]  # W3
    for i in range(1, count - 1):  # W4: one separator between two numbers joins them
        before, after = types[i - 1], types[i + 1]
        if types[i] == "ES" and before == after == "EN":
            types[i] = "EN"
        elif types[i] == "CS" and before == after and before in ("EN", "AN"):
            types[i] = before
    for i, end in _runs(types, "ET"):  # W5: currency and percent signs by European digits
        if (i > 0 and types[i - 1] == "EN") or (end < count and types[end] == "EN"):
            types[i:end] = ["EN"] * (end - i)
    types = ["ON" if kind in ("ES", "ET", "CS") else kind for kind in types]  # W6
    strong = edge
    for i, kind in enumerate(types):  # W7: European digits after Latin letters are Latin
        if kind in ("L", "R"):
            strong = kind
        elif kind == "EN" and strong == "L":
            types[i] = "L"
    for i, end in _runs(types, "ON"):  # N1-N2: neutrals take the direction around them
        before = "L" if i == 0 and edge == "L" or i > 0 and types[i - 1] == "L" else "R"
        after = "L" if end == count and edge == "L" or end < count and types[end] == "L" else "R"
        types[i:end] = [before if before == after else edge] * (end - i)  # or the line's
    result = []
    for kind in types:  # I1-I2
        if base == 0:
            result.append(1 if kind == "R" else 2 if kind in ("AN", "EN") else 0)
        else:
            result.append(2 if kind in ("L", "AN", "EN") else 1)
    for i in range(count - 1, -1, -1):  # L1: spaces at the end of the line
        if original[i] not in ("WS", "S", "B", "BN", "LRI", "RLI", "FSI", "PDI"):
            break
        result[i] = base
    return result


def _resolve(text: str, base: str) -> list[str]:
    """The script ('ar', 'tfng' or 'latin') whose font draws each character (the order on the line
    comes from `levels`): digits follow the letters before them (or the line's direction);
    spaces and punctuation between two runs of one script belong to it, and between
    different scripts (or at either end) follow the line's direction."""
    kinds: list[str | None] = []
    last = base
    for char in text:
        kind = _strong(char)
        if kind is None and unicodedata.category(char) == "Nd":
            kind = "ar" if last == "ar" or is_arabic(char) else "latin"
        if kind is not None and not char.isdigit():
            last = kind
        kinds.append(kind)
    resolved = list(kinds)
    index = 0
    while index < len(kinds):
        if kinds[index] is not None:
            index += 1
            continue
        end = index
        while end < len(kinds) and kinds[end] is None:
            end += 1
        before = kinds[index - 1] if index > 0 else base
        after = kinds[end] if end < len(kinds) else base
        for position in range(index, end):
            resolved[position] = before if before == after else base
        index = end
    return resolved  # type: ignore[return-value]


def _shaped(face: ImageFont.FreeTypeFont) -> bool:
    """Whether Raqm lays this font out (Pillow's own default font never is)."""
    return getattr(face, "layout_engine", None) == ImageFont.Layout.RAQM


def _length(run: Run) -> float:
    if _shaped(run.face):
        return run.face.getlength(run.text, direction="rtl" if run.rtl else "ltr")
    return run.face.getlength(run.text[::-1] if run.rtl else run.text)


def text_width(text: str, style: Style, rtl_base: bool = False) -> float:
    return sum(_length(run) for run in runs(text, style, rtl_base))


def place_runs(x: float, text: str, style: Style, align: str = "left",
               rtl_base: bool = False) -> tuple[float, list[tuple[float, Run]]]:
    """The line's width and each of its runs with its left edge, left to right; `x` is the
    line's left, right or centre according to `align`."""
    pieces = runs(text, style, rtl_base)
    width = sum(_length(run) for run in pieces)
    left = {"left": x, "right": x - width, "center": x - width / 2}[align]
    placed = []
    for run in pieces:
        placed.append((left, run))
        left += _length(run)
    return width, placed


def draw_text(draw: ImageDraw.ImageDraw, x: float, baseline: float, text: str, style: Style,
              fill: str, *, align: str = "left", rtl_base: bool = False) -> float:
    """Draw one line with its baseline at `baseline`; `x` is its left, right or centre
    according to `align`. Returns the width drawn."""
    width, placed = place_runs(x, text, style, align, rtl_base)
    for left, run in placed:
        if _shaped(run.face):
            draw.text((left, baseline), run.text, font=run.face, fill=fill, anchor="ls",
                      direction="rtl" if run.rtl else "ltr")
        else:
            shown = run.text[::-1] if run.rtl else run.text  # unshaped, but in reading order
            draw.text((left, baseline), shown, font=run.face, fill=fill, anchor="ls")
    return width


def wrap(text: str, style: Style, width: float, rtl_base: bool = False,
         max_lines: int = 3) -> list[str]:
    """`text` cut at spaces into lines no wider than `width` (the last one shortened with
    an ellipsis when there are more than `max_lines`)."""
    lines: list[str] = []
    line = ""
    for word in text[:MAX_TEXT].split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, style, rtl_base) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    if line:
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = ellipsize(lines[-1] + " …", style, width, rtl_base)
    return [ellipsize(one, style, width, rtl_base) for one in lines]


def ellipsize(text: str, style: Style, width: float, rtl_base: bool = False) -> str:
    """`text`, or as much of it as fits in `width` followed by an ellipsis."""
    if text_width(text, style, rtl_base) <= width:
        return text
    shortest, longest = 0, len(text)  # the longest prefix that fits, by bisection
    while shortest < longest:
        middle = (shortest + longest + 1) // 2
        if text_width(text[:middle] + "…", style, rtl_base) <= width:
            shortest = middle
        else:
            longest = middle - 1
    return text[:shortest].rstrip() + "…"


def fit(text: str, style: Style, width: float, rtl_base: bool = False,
        smallest: int = 0) -> Style:
    """The largest style, down to `smallest` pixels, in which `text` holds on one line."""
    text = text[:MAX_TEXT]
    smallest = smallest or style.size * 6 // 10
    while style.size > smallest and text_width(text, style, rtl_base) > width:
        style = Style(style.size - 2, style.weight)
    return style


class Canvas:
    """Drawing in logical coordinates: x is measured from the start side of the page (the
    left in French, the right in Arabic), so one layout serves both directions. The public
    methods turn logical into physical coordinates; the `_paint_*` ones draw, here with
    Pillow on an image (ticketing.pdf_document's canvas writes them into a PDF page)."""

    def __init__(self, image: Image.Image, rtl: bool):
        self.image = image
        self.draw = ImageDraw.Draw(image)
        self.rtl = rtl
        self.width = image.width

    def _x(self, x: float) -> float:
        return self.width - x if self.rtl else x

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> tuple:
        return (self.width - x1, y0, self.width - x0, y1) if self.rtl else (x0, y0, x1, y1)

    def rect(self, box, fill=None, outline=None, width=1, radius=0, corners=None) -> None:
        if corners and self.rtl:  # (top-left, top-right, bottom-right, bottom-left)
            corners = (corners[1], corners[0], corners[3], corners[2])
        self._paint_rect(self._box(*box), fill, outline, width, radius, corners)

    def polygon(self, points, fill) -> None:
        self._paint_polygon([(self._x(x), y) for x, y in points], fill)

    def line(self, points, fill, width) -> None:
        self._paint_line([(self._x(x), y) for x, y in points], fill, width)

    def notch(self, cx: float, cy: float, radius: int, page: str, edge: str, outline: str,
              width: int) -> None:
        """A half-round bite out of the ticket's edge, as on a tear-off stub."""
        self._paint_notch(self._x(cx), cy, radius, page, edge, outline, width)

    def paste(self, image: Image.Image, x: float, y: float) -> None:
        self._paint_image(image, self.width - x - image.width if self.rtl else x, y)

    def _paint_rect(self, box, fill, outline, width, radius, corners) -> None:
        self.draw.rounded_rectangle(box, radius=radius, fill=fill, outline=outline,
                                    width=width, corners=corners)

    def _paint_polygon(self, points, fill) -> None:
        self.draw.polygon(points, fill=fill)

    def _paint_line(self, points, fill, width) -> None:
        self.draw.line(points, fill=fill, width=width)

    def _paint_notch(self, x, cy, radius, page, edge, outline, width) -> None:
        box = (x - radius, cy - radius, x + radius, cy + radius)
        self.draw.ellipse(box, fill=page)
        start, end = (0, 180) if edge == "top" else (180, 360)
        self.draw.arc(box, start, end, fill=outline, width=width)

    def _paint_image(self, image: Image.Image, left: float, top: float) -> None:
        self.image.paste(image, (round(left), round(top)))

    def text(self, x: float, baseline: float, text: str, style: Style, fill: str,
             align: str = "start") -> float:
        physical = {"start": "right" if self.rtl else "left",
                    "end": "left" if self.rtl else "right", "center": "center"}[align]
        return self._paint_text(self._x(x), baseline, text, style, fill, physical,
                                self._rtl_text(text))

    def _paint_text(self, x: float, baseline: float, text: str, style: Style, fill: str,
                    align: str, rtl_base: bool) -> float:
        return draw_text(self.draw, x, baseline, text, style, fill, align=align,
                         rtl_base=rtl_base)

    def lines(self, x: float, top: float, lines: list[str], style: Style, fill: str,
              align: str = "start", leading: float = 1.35) -> float:
        """Draw lines from `top`; returns the y below the last one."""
        baseline = top + style.size
        for line in lines:
            self.text(x, baseline, line, style, fill, align)
            baseline += style.size * leading
        return baseline - style.size

    def _rtl_text(self, text: str) -> bool:
        """The text's own direction (from its first letter), or the page's if it has none."""
        return starts_rtl(text) if any(c.isalpha() for c in text) else self.rtl

    def wrap(self, text: str, style: Style, width: float, max_lines: int = 3) -> list[str]:
        return wrap(text, style, width, self._rtl_text(text), max_lines)

    def fit(self, text: str, style: Style, width: float) -> Style:
        return fit(text, style, width, self._rtl_text(text))

    def width_of(self, text: str, style: Style) -> float:
        return text_width(text, style, self._rtl_text(text))


def pdf_file(pages: list[Image.Image], dpi: int, *, title: str, author: str) -> bytes:
    """A PDF with one page per image, each image filling its page at `dpi`.

    Written here rather than by Pillow's PDF plugin, which stores colour pages as JPEG: a
    ticket is flat colour and sharp edges, which Flate keeps exact (a crisp QR code) in about a
    quarter of the size.
    """
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree; filled in below
    kids = []
    for image in pages:
        rgb = image.convert("RGB")
        data = zlib.compress(rgb.tobytes(), 6)
        objects.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
                       b"/ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode "
                       b"/Length %d >>\nstream\n%s\nendstream" % (rgb.width, rgb.height,
                                                                 len(data), data))
        width, height = rgb.width * 72 / dpi, rgb.height * 72 / dpi
        draw = b"q %.3f 0 0 %.3f 0 0 cm /Im0 Do Q" % (width, height)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(draw), draw))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.3f %.3f] /Resources "
                       b"<< /XObject << /Im0 %d 0 R >> >> /Contents %d 0 R >>"
                       % (width, height, len(objects) - 1, len(objects)))
        kids.append(b"%d 0 R" % len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    objects.append(b"<< /Title %s /Author %s /Producer %s >>"
                   % (_pdf_text(title), _pdf_text(author), _pdf_text(author)))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += (b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, len(objects), xref))
    return bytes(out)


def _pdf_text(text: str) -> bytes:
    """A PDF text string in UTF-16 (any script), written in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


if not RAQM:  # pragma: no cover - depends on the machine
    log.warning("Pillow has no Raqm layout (FriBiDi is missing: install Debian's libfribidi0): "
                "Arabic text on printed tickets will not be joined correctly")
