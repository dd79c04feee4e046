"""Charts drawn on the server as SVG: nothing to download, nothing to run in the browser, and
no inline style (sizes and colours are SVG attributes), so a strict Content-Security-Policy
holds. Every chart is an image with a short text alternative; its numbers are in a table
beside or below it in the page.

The time axis reads left to right in every language, as clocks and calendars do.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

INDIGO, OCHRE, SAFFRON, ARGAN, LINE, MUTED = ("#1f3a5f", "#b4541a", "#f2b33d", "#2f6b3a",
                                             "#e3d7c6", "#5c5650")
WIDTH, HEIGHT = 720, 260
PAD_START, PAD_END, PAD_TOP, PAD_BOTTOM = 56, 16, 16, 40
FONT = 20
# Room taken by an axis label, a little more than the text needs (digits and letters are
# about 0.55 em wide in the sans-serif fonts of phones), and the space kept between two.
CHAR_WIDTH, LABEL_GAP = 0.6 * FONT, 0.5 * FONT


def nice_ceiling(value: float) -> int:
    """A round number at or above `value` (at least 2), whose half is round too."""
    if value <= 2:
        return 2
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 3, 4, 5, 6, 8, 10):
        if value <= step * power:
            return max(2, int(math.ceil(step * power)))
    return int(10 * power)


def _svg(label: str, body: str, *, width: int = WIDTH, height: int = HEIGHT,
         css: str = "chart") -> str:
    return (f'<svg class="{css}" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{escape(label)}" font-size="{FONT}" direction="ltr" '
            f'xmlns="http://www.w3.org/2000/svg">{body}</svg>')


def _axis(top: int, bottom_y: float, left: float, right: float, scale_max: int,
          fmt=str) -> list[str]:
    parts = []
    for fraction in (0, 0.5, 1):
        y = bottom_y - (bottom_y - top) * fraction
        value = scale_max * fraction
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" '
                     f'stroke="{LINE}" stroke-width="1"/>')
        text = fmt(int(value)) if value == int(value) else fmt(value)
        parts.append(f'<text x="{left - 6}" y="{y + 6:.1f}" text-anchor="end" '
                     f'fill="{MUTED}">{escape(text)}</text>')
    return parts


@dataclass(frozen=True)
class Bar:
    label: str            # under the bar (shown only where `show_label` is set)
    value: int
    show_label: bool = False
    highlight: bool = False


def _readable_labels(bars: list[Bar], step: float) -> set[int]:
    """The bars whose label is drawn: those that ask for one, less any label that would run
    into the next one drawn (a phone's narrow chart has room for few dates). The latest
    labels win: the most recent day or time is always named."""
    drawn: set[int] = set()
    limit = math.inf
    for i in range(len(bars) - 1, -1, -1):
        if not bars[i].show_label:
            continue
        x, half = PAD_START + i * step, len(bars[i].label) * CHAR_WIDTH / 2
        if x + half <= limit:
            drawn.add(i)
            limit = x - half - LABEL_GAP
    return drawn


def bar_chart(bars: list[Bar], label: str, *, line: list[int] | None = None,
              width: int = WIDTH, scale: int | None = None, css: str = "chart",
              color: str = INDIGO, line_color: str = OCHRE, fit_labels: bool = False) -> str:
    """Vertical bars (a time series), and optionally a line with its own scale on the end
    side (a running total). `scale` is the top of the axis (shared by charts to compare).
    `fit_labels` (for a phone's chart) leaves out the labels that would run into each other."""
    if not bars:
        return ""
    top, bottom = PAD_TOP, HEIGHT - PAD_BOTTOM
    end = width - (PAD_START if line else PAD_END)
    scale = scale or nice_ceiling(max(b.value for b in bars))
    step = (end - PAD_START) / len(bars)
    gap = min(step * 0.2, 4)
    parts = _axis(top, bottom, PAD_START, end, scale)
    labelled = (_readable_labels(bars, step) if fit_labels
                else {i for i, bar in enumerate(bars) if bar.show_label})
    for i, bar in enumerate(bars):
        x = PAD_START + i * step
        h = (bottom - top) * bar.value / scale
        fill = OCHRE if bar.highlight else color
        if bar.value:
            parts.append(f'<rect x="{x + gap / 2:.2f}" y="{bottom - h:.2f}" '
                         f'width="{max(step - gap, 1):.2f}" height="{h:.2f}" fill="{fill}"/>')
        if i in labelled:
            parts.append(f'<line x1="{x:.2f}" y1="{bottom}" x2="{x:.2f}" y2="{bottom + 6}" '
                         f'stroke="{MUTED}"/>')
            parts.append(f'<text x="{x:.2f}" y="{bottom + 28}" text-anchor="middle" '
                         f'fill="{MUTED}">{escape(bar.label)}</text>')
    if line:
        line_scale = nice_ceiling(max(line))
        points = " ".join(
            f"{PAD_START + (i + 0.5) * step:.2f},{bottom - (bottom - top) * v / line_scale:.2f}"
            for i, v in enumerate(line))
        parts.append(f'<polyline points="{points}" fill="none" stroke="{line_color}" '
                     f'stroke-width="4" stroke-linejoin="round"/>')
        for fraction in (0.5, 1):
            y = bottom - (bottom - top) * fraction
            parts.append(f'<text x="{end + 6}" y="{y + 6:.1f}" fill="{line_color}">'
                         f'{escape(_short(line_scale * fraction))}</text>')
    parts.append(f'<line x1="{PAD_START}" y1="{bottom}" x2="{end}" y2="{bottom}" '
                 f'stroke="{MUTED}" stroke-width="1.5"/>')
    return _svg(label, "".join(parts), width=width, css=css)


def responsive(narrow: str, wide: str) -> Markup:
    """The same chart drawn twice: narrow for phones (larger text), wide for larger screens;
    the style sheet shows one."""
    return Markup(narrow.replace('class="chart"', 'class="chart chart-narrow"', 1)
                  + wide.replace('class="chart"', 'class="chart chart-wide"', 1))


def _short(value: float) -> str:
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def meter(parts: list[tuple[int, str]], total: int | None, label: str) -> Markup:
    """A horizontal gauge: coloured segments (value, colour) laid end to end against
    `total` (the quota or capacity); past the total, the bar is scaled to the larger sum."""
    filled = sum(value for value, _ in parts)
    scale = max(total or 0, filled, 1)
    body, x = [f'<rect x="0" y="0" width="100" height="10" rx="1.5" fill="{LINE}"/>'], 0.0
    for value, color in parts:
        if value > 0:
            w = 100 * value / scale
            body.append(f'<rect x="{x:.3f}" y="0" width="{w:.3f}" height="10" fill="{color}"/>')
            x += w
    if total and filled > total:
        limit = 100 * total / scale
        body.append(f'<rect x="{limit - 0.4:.3f}" y="0" width="0.8" height="10" '
                    f'fill="{OCHRE}"/>')
    return Markup(f'<svg class="meter" viewBox="0 0 100 10" preserveAspectRatio="none" '
                  f'role="img" aria-label="{escape(label)}" '
                  f'xmlns="http://www.w3.org/2000/svg">{"".join(body)}</svg>')


def bar_cell(value: int, largest: int, label: str = "", color: str = INDIGO) -> Markup:
    """A bar for a table row (a horizontal bar chart whose numbers sit in the next cells)."""
    width = 0 if largest <= 0 else 100 * value / largest
    rect = (f'<rect x="0" y="1" width="{width:.3f}" height="8" rx="1" fill="{color}"/>'
            if value > 0 else "")
    aria = f'role="img" aria-label="{escape(label)}"' if label else 'aria-hidden="true"'
    return Markup(f'<svg class="bar-cell" viewBox="0 0 100 10" preserveAspectRatio="none" '
                  f'{aria} xmlns="http://www.w3.org/2000/svg">{rect}</svg>')


# One colour per edition in the curves that compare them, the most recent first; the
# others are told apart by their dashes as well, so colour is never the only signal.
SERIES_COLORS = (OCHRE, INDIGO, ARGAN, SAFFRON, MUTED)
SERIES_DASHES = ("", "10 6", "3 5", "14 5 3 5", "2 3")


@dataclass(frozen=True)
class Series:
    label: str
    values: list[int]   # one per step of the x axis, left to right; None: not known yet


def line_chart(series: list[Series], label: str, *, x_labels: dict[int, str],
               width: int = WIDTH, css: str = "chart") -> str:
    """Curves on one scale (e.g. one per edition); `x_labels` names a few steps of the x axis
    (index → text). A series stops where its values stop (None), as this year's curve does
    today."""
    drawn = [s for s in series if any(v is not None for v in s.values)]
    if not drawn:
        return ""
    steps = max(len(s.values) for s in drawn)
    top, bottom, end = PAD_TOP, HEIGHT - PAD_BOTTOM, width - PAD_END
    scale = nice_ceiling(max(v for s in drawn for v in s.values if v is not None))
    step = (end - PAD_START) / max(steps - 1, 1)
    parts = _axis(top, bottom, PAD_START, end, scale, _short)
    for index, text in x_labels.items():
        x = PAD_START + index * step
        parts.append(f'<line x1="{x:.2f}" y1="{bottom}" x2="{x:.2f}" y2="{bottom + 6}" '
                     f'stroke="{MUTED}"/>')
        parts.append(f'<text x="{x:.2f}" y="{bottom + 28}" text-anchor="middle" '
                     f'fill="{MUTED}">{escape(text)}</text>')
    for n, one in enumerate(series):
        points = " ".join(f"{PAD_START + i * step:.2f},{bottom - (bottom - top) * v / scale:.2f}"
                          for i, v in enumerate(one.values) if v is not None)
        if not points:
            continue
        dash = SERIES_DASHES[n % len(SERIES_DASHES)]
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" '
                     f'stroke="{SERIES_COLORS[n % len(SERIES_COLORS)]}" stroke-width="4" '
                     f'stroke-linejoin="round"{dashed}><title>{escape(one.label)}</title>'
                     f'</polyline>')
    parts.append(f'<line x1="{PAD_START}" y1="{bottom}" x2="{end}" y2="{bottom}" '
                 f'stroke="{MUTED}" stroke-width="1.5"/>')
    return _svg(label, "".join(parts), width=width, css=css)


COLORS = {"sold": INDIGO, "reserved": SAFFRON, "free": LINE, "refusal": OCHRE, "ok": ARGAN}
