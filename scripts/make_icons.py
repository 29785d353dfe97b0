"""Draws the site icon (a white heart on the brand red) as the PNG sizes phones ask for.
The SVG beside them is the same drawing; run this after changing it: python scripts/make_icons.py"""

from pathlib import Path

from PIL import Image, ImageDraw

BRAND = (179, 38, 30, 255)
WHITE = (255, 255, 255, 255)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"
SIZES = {"favicon-32.png": 32, "apple-touch-icon.png": 180, "icon-192.png": 192, "icon-512.png": 512}


def draw(size: int) -> Image.Image:
    scale = 4  # drawn large and shrunk, for smooth edges
    side = size * scale
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    unit = side / 64
    pen.rounded_rectangle((0, 0, side - 1, side - 1), radius=14 * unit, fill=BRAND)
    # The heart: two circles and the triangle below them, as in favicon.svg.
    pen.ellipse((13 * unit, 16 * unit, 33 * unit, 36 * unit), fill=WHITE)
    pen.ellipse((31 * unit, 16 * unit, 51 * unit, 36 * unit), fill=WHITE)
    pen.polygon([(14.2 * unit, 30 * unit), (49.8 * unit, 30 * unit), (32 * unit, 50 * unit)], fill=WHITE)
    return image.resize((size, size), Image.LANCZOS)


if __name__ == "__main__":
    for name, size in SIZES.items():
        draw(size).save(OUT / name, optimize=True)
