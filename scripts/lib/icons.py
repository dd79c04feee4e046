"""Draw the scanner's home-screen icons from static/img/logo.svg's shapes (Pillow cannot read
SVG; the logo is four shapes on a 64-unit square). Run once when the logo changes:

    python scripts/lib/icons.py

and commit the PNGs: icon-192.png and icon-512.png (the round logo on transparency, purpose
"any"), icon-maskable-512.png (the logo inside the safe zone on a full square, purpose
"maskable", cut to a circle or a squircle by Android) and apple-touch-icon.png (180 px,
opaque: iOS fills transparency with black)."""
from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

IMG = Path(__file__).resolve().parents[2] / "static" / "img"
SUPERSAMPLE = 4
BACKGROUND = "#1f3a5f"  # the manifest's theme colour


def logo(size: int) -> Image.Image:
    """The logo (viewBox 0 0 64 64) drawn at `size` pixels, antialiased by supersampling."""
    big = size * SUPERSAMPLE
    unit = big / 64
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    def at(*points):
        return [(x * unit, y * unit) for x, y in points]
    draw.ellipse([2 * unit, 2 * unit, 62 * unit, 62 * unit], fill="#b4541a")
    outer = at((32, 10), (50, 32), (32, 54), (14, 32))
    draw.line(outer + outer[:2], fill="#fdf6ec", width=round(4 * unit), joint="curve")
    draw.polygon(at((32, 20), (42, 32), (32, 44), (22, 32)), fill="#f2b33d")
    draw.ellipse([28 * unit, 28 * unit, 36 * unit, 36 * unit], fill="#1f3a5f")
    return image.resize((size, size), Image.LANCZOS)


def on_square(size: int, share: float) -> Image.Image:
    """The logo at `share` of an opaque square of the theme colour."""
    square = Image.new("RGBA", (size, size), BACKGROUND)
    inner = round(size * share)
    offset = (size - inner) // 2
    square.alpha_composite(logo(inner), (offset, offset))
    return square.convert("RGB")


def main() -> None:
    logo(192).save(IMG / "icon-192.png", optimize=True)
    logo(512).save(IMG / "icon-512.png", optimize=True)
    # Android's safe zone is the centred circle of 80% of the side: the round logo fits it.
    on_square(512, 0.76).save(IMG / "icon-maskable-512.png", optimize=True)
    on_square(180, 0.86).save(IMG / "apple-touch-icon.png", optimize=True)


if __name__ == "__main__":
    main()
