"""Render every exercise illustration to PNG, and a contact sheet of them all, to look at.

    .venv/bin/python tools/illustration_sheet.py OUT_DIR [--ids a,b] [--dark] [--width 360]

Writes OUT_DIR/<id>.svg, OUT_DIR/<id>.png and OUT_DIR/sheet.png (a grid, with each SVG nested
as it is served). A development tool: it needs ``cairosvg`` (``pip install cairosvg``) or
Debian's ``rsvg-convert``; neither is a dependency of calfcoach, and the images are not
committed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from calfcoach.catalog import load_catalog
from calfcoach.formats.illustration import render_svg


def to_png(svg: str, target: Path, background: str) -> None:
    try:
        import cairosvg  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        tool = shutil.which("rsvg-convert")
        if tool is None:
            sys.exit(
                "needs cairosvg (pip install cairosvg) "
                "or rsvg-convert (apt-get install librsvg2-bin)"
            )
        subprocess.run([tool, "-b", background, "-o", str(target)], input=svg.encode(), check=True)
        return
    cairosvg.svg2png(bytestring=svg.encode(), write_to=str(target), background_color=background)


def colour(svg: str, ink: str) -> str:
    """currentColor is the page's text colour; a converter has no page, so set it on the root."""
    return svg.replace("<svg ", f'<svg color="{ink}" ', 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--ids", default="", help="comma-separated exercise ids (default: all)")
    parser.add_argument("--dark", action="store_true", help="light ink on a dark background")
    parser.add_argument("--width", type=int, default=360)
    parser.add_argument("--columns", type=int, default=3)
    args = parser.parse_args()
    ink, paper = ("#e6e6e6", "#15171a") if args.dark else ("#1b1b1b", "#ffffff")
    catalog = load_catalog()
    wanted = [i for i in args.ids.split(",") if i] or list(catalog.ids())
    args.out.mkdir(parents=True, exist_ok=True)
    cells: list[str] = []
    cell_w, cell_h = args.width, 0
    for exercise_id in wanted:
        exercise = catalog.get(exercise_id)
        svg = render_svg(exercise, width=args.width)
        (args.out / f"{exercise_id}.svg").write_text(svg, encoding="utf-8")
        to_png(colour(svg, ink), args.out / f"{exercise_id}.png", paper)
        cell_h = max(cell_h, int(re.search(r'height="(\d+)"', svg).group(1)))  # type: ignore[union-attr]
        cells.append(svg)
    rows = (len(cells) + args.columns - 1) // args.columns
    label_h = 18
    parts = []
    for index, (exercise_id, svg) in enumerate(zip(wanted, cells, strict=True)):
        x = (index % args.columns) * (cell_w + 10)
        y = (index // args.columns) * (cell_h + label_h + 10)
        body = svg.replace("<svg ", f'<svg x="{x}" y="{y + label_h}" ', 1)
        parts.append(
            f'<text x="{x + 4}" y="{y + 13}" font-size="13" font-family="sans-serif" '
            f'fill="{ink}">{exercise_id}</text>{body}'
        )
    sheet_w = args.columns * (cell_w + 10)
    sheet_h = rows * (cell_h + label_h + 10)
    sheet = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{sheet_w}" height="{sheet_h}" '
        f'color="{ink}">{"".join(parts)}</svg>'
    )
    to_png(sheet, args.out / "sheet.png", paper)
    print(f"{len(cells)} illustrations -> {args.out}")


if __name__ == "__main__":
    main()
