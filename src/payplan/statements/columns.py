"""Aligned columns in one line of text: long listings laid out for WeasyPrint's speed.

WeasyPrint spends most of a statement's time laying out table cells (about half
a millisecond each). A deal listing of 40 rows × 6 cells is most of a page's
cost, so each row is printed instead as one preformatted line whose columns are
placed with Unicode spaces of known widths (figure space = one digit, and so
on), measured from the font's own advance widths. The result looks like a
table with right-aligned numbers and costs one line box per row.
Must not escape or mark up: the template escapes what it prints.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu")
UNITS_PER_EM = 2048
MM_PER_PT = 25.4 / 72
# Spaces DejaVu Sans has, by advance width (units of 1/2048 em), widest first.
SPACES = {"\u2003": 2048, "\u2007": 1303, "\u2002": 1024, "\u2004": 675, "\u2008": 651,
          "\u2005": 512, "\u2009": 409, "\u2006": 342, "\u200a": 204}


class _Advances(dict):
    """Character → advance width; a character the font lacks gets an estimate."""

    def __missing__(self, ch: str) -> int:
        return 1303 if ch.isdigit() else 1150


@lru_cache(maxsize=2)
def advances(bold: bool = False) -> dict[str, int]:
    """Character → advance width in font units, from DejaVu Sans (or its bold face)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    for folder in FONT_DIRS:
        path = Path(folder) / name
        if path.exists():
            from fontTools.ttLib import TTFont

            font = TTFont(str(path), lazy=True)
            metrics = font["hmtx"]
            return _Advances({chr(cp): metrics[glyph][0] for cp, glyph in font.getBestCmap().items()})
    return _Advances()  # no font file: estimates only


def text_units(text: str, bold: bool = False) -> int:
    """Width of `text` in font units (1/2048 em), kerning ignored."""
    return sum(map(advances(bold).__getitem__, text))


# Spaces whose width is the same in the bold face (figure and punctuation spaces are wider there).
BOLD_SPACES = {ch: w for ch, w in SPACES.items() if ch not in ("\u2007", "\u2008")}


@lru_cache(maxsize=4096)
def spaces(units: int, bold: bool = False) -> str:
    """A run of fixed-width spaces as close as possible to `units` wide (never wider),
    in the regular face or, with `bold`, the bold one."""
    if units <= 0:
        return ""
    out = []
    while units >= 2048:
        out.append("\u2003")
        units -= 2048
    best = _fill(units, bold)
    return "".join(out) + best


@lru_cache(maxsize=2048)
def _fill(units: int, bold: bool = False) -> str:
    """The widest combination of small spaces not wider than `units` (< 1 em)."""
    reach: dict[int, str] = {0: ""}
    for _ in range(4):
        for width, run in list(reach.items()):
            for ch, w in (BOLD_SPACES if bold else SPACES).items():
                total = width + w
                if total <= units and total not in reach:
                    reach[total] = run + ch
    return reach[max(reach)]


class Columns:
    """A fixed layout of columns: widths in mm and an alignment each ("l" or "r").

    Args:
        widths: column widths in millimetres, in order.
        align: "l" or "r" per column.
        font_pt: the font size the line is printed at.
        gap_mm: space kept free on the right of every left-aligned column.
    """

    def __init__(self, widths: list[float], align: str, font_pt: float, gap_mm: float = 1.5) -> None:
        unit_mm = font_pt * MM_PER_PT / UNITS_PER_EM
        self.font_pt = font_pt
        self.widths = [round(w / unit_mm) for w in widths]
        self.align = align
        self.gap = round(gap_mm / unit_mm)

    def fits(self, index: int, text: str, bold: bool = False) -> bool:
        return text_units(text, bold) <= self.widths[index] - self.gap

    def line(self, cells: list[str], bold_first: bool = False, bold: bool = False) -> str:
        """One line with every cell placed in its column (overlong text is not cut).

        `bold_first`: the first cell is printed bold (measured with the bold face);
        `bold`: every cell is (the whole line is bold).
        """
        out, used, edge = [], 0, 0
        for i, (width, align, text) in enumerate(zip(self.widths, self.align, cells)):
            size = text_units(text, bold or (bold_first and i == 0))
            start = edge + width - size if align == "r" else edge
            pad = spaces(start - used, bold)
            if used and not pad and text:
                pad = "\u2009"  # cells never touch, even when one overflows
            out.append(pad + text)
            used += text_units(pad, bold) + size
            edge += width
        return "".join(out)
