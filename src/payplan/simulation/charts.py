"""Small inline SVG charts for the simulation report, built on the server.

`delta_chart`: who gains and who loses (a bar per rep, or a histogram when there
are many reps). `pay_margin_chart`: pay against margin contributed per rep over the
window under each plan — a balanced plan's points follow margin, a volume plan's scatter.
No JavaScript, no external files: the same markup prints in a browser and in
WeasyPrint. Every text is escaped here; words are in the report's language. Must not compute pay or statistics
beyond placing points (coordinates are floats: drawing, not money).
"""

from __future__ import annotations

from decimal import Decimal

from markupsafe import Markup, escape

from payplan.core.simulate import RepChange, Row
from payplan.i18n import DEFAULT, N_, translations

WIDTH = 640
MAX_BARS = 40
MAX_POINTS = 1500
BINS = 20
GAIN, LOSS, SAME = "#2f6f5e", "#b0483c", "#9aa5b1"
SERIES = {"baseline": "#6b7785", "proposal": "#1d4e89"}
SERIES_NAMES = {"baseline": N_("baseline"), "proposal": N_("proposal")}
FONT = 'font-family="DejaVu Sans, Noto Sans, sans-serif"'


def _svg(height: int, label: str, parts: list[str]) -> Markup:
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
            f'width="{WIDTH}" height="{height}" {FONT} role="img" aria-label="{escape(label)}">')
    return Markup(head + "".join(parts) + "</svg>")


def _text(x: float, y: float, text: str, anchor: str = "start", size: float = 10.5) -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="#2b3440">{escape(text)}</text>')


def delta_chart(reps: list[RepChange], money: callable, lang: str = DEFAULT) -> Markup:
    """A bar per rep (sorted by delta), or a histogram of deltas for more than MAX_BARS reps."""
    if not reps:
        return Markup("")
    return _rep_bars(reps, money, lang) if len(reps) <= MAX_BARS else _histogram(reps, money, lang)


def _rep_bars(reps: list[RepChange], money: callable, lang: str) -> Markup:
    ordered = sorted(reps, key=lambda r: (r.delta, r.rep_id))
    row, label_w, mid = 20, 110, 370
    scale = max(abs(r.delta) for r in ordered) or Decimal(1)
    half = 200
    parts = [f'<line x1="{mid}" y1="0" x2="{mid}" y2="{row * len(ordered)}" stroke="#1d3557"/>']
    for i, rep in enumerate(ordered):
        y = i * row + 3
        width = float(abs(rep.delta) / scale) * half
        x = mid if rep.delta >= 0 else mid - width
        colour = {"gain": GAIN, "loss": LOSS}.get(rep.change, SAME)
        parts.append(_text(label_w, y + 11, rep.rep_id, "end"))
        parts.append(f'<rect x="{x:.1f}" y="{y}" width="{max(width, 1):.1f}" height="14" fill="{colour}"/>')
        end = x + width + 4 if rep.delta >= 0 else x - 4
        parts.append(_text(end, y + 11, money(rep.delta), "start" if rep.delta >= 0 else "end", 9.5))
    return _svg(row * len(ordered) + 6, translations(lang).gettext("Change in pay per rep"), parts)


def _histogram(reps: list[RepChange], money: callable, lang: str) -> Markup:
    deltas = [float(r.delta) for r in reps]
    lo, hi = min(deltas), max(deltas)
    span = (hi - lo) or 1.0
    counts = [0] * BINS
    for d in deltas:
        counts[min(int((d - lo) / span * BINS), BINS - 1)] += 1
    height, base, bar_w = 200, 170, (WIDTH - 40) / BINS
    top = max(counts)
    parts = []
    for i, n in enumerate(counts):
        h = n / top * 150
        centre = lo + (i + 0.5) * span / BINS
        colour = GAIN if centre > 0 else LOSS if centre < 0 else SAME
        parts.append(f'<rect x="{20 + i * bar_w:.1f}" y="{base - h:.1f}" width="{bar_w - 2:.1f}" '
                     f'height="{h:.1f}" fill="{colour}"/>')
    parts.append(_text(20, 190, money(Decimal(str(lo)).quantize(Decimal(1)))))
    parts.append(_text(WIDTH - 20, 190, money(Decimal(str(hi)).quantize(Decimal(1))), "end"))
    words = translations(lang).ngettext("%(num)s rep, change in pay over the window",
                                        "%(num)s reps, change in pay over the window", len(reps)) % {"num": len(reps)}
    parts.append(_text(WIDTH / 2, 190, words, "middle"))
    return _svg(height, translations(lang).gettext("Distribution of the change in pay"), parts)


def pay_margin_chart(rows: list[Row], money: callable, lang: str = DEFAULT) -> Markup:
    """Pay (y) against margin contributed (x) per rep over the window: a hollow circle under the
    baseline, a filled square under the proposal, so a reader sees whether pay follows profit."""
    if not rows:
        return Markup("")
    reps = _per_rep(rows)[:MAX_POINTS]
    xs = [r[0] for r in reps]
    ys = [v for r in reps for v in r[1:]]
    x_lo, x_hi = min(xs + [0.0]), max(xs + [1.0])
    y_hi = max(ys + [1.0])
    left, top, w, h = 60, 10, WIDTH - 80, 200

    def at(x: float, y: float) -> tuple[float, float]:
        return left + (x - x_lo) / ((x_hi - x_lo) or 1) * w, top + h - max(y, 0.0) / y_hi * h

    parts = [f'<rect x="{left}" y="{top}" width="{w}" height="{h}" fill="none" stroke="#d3d8de"/>']
    for margin, before, after in reps:
        parts.append(_marker("baseline", *at(margin, before)))
        parts.append(_marker("proposal", *at(margin, after)))
    parts += [_text(left - 4, top + 8, money(Decimal(str(round(y_hi)))), "end", 9),
              _text(left - 4, top + h, "0", "end", 9),
              _text(left + w, top + h + 14, money(Decimal(str(round(x_hi)))), "end", 9),
              _text(left + w / 2, top + h + 14, translations(lang).gettext("margin per rep over the window →"),
                    "middle", 9.5),
              _legend(left + 8, top + 14, lang)]
    return _svg(h + 34, translations(lang).gettext("Pay against margin under each plan"), parts)


def _per_rep(rows: list[Row]) -> list[tuple[float, float, float]]:
    """(margin, baseline pay, proposal pay) per rep over the window, as drawing coordinates."""
    sums: dict[str, list[float]] = {}
    for row in rows:
        acc = sums.setdefault(row.rep_id, [0.0, 0.0, 0.0])
        acc[0] += float(row.margin)
        acc[1] += float(row.baseline)
        acc[2] += float(row.proposal)
    return [(m, b, p) for m, b, p in sums.values()]


def _marker(side: str, x: float, y: float) -> str:
    colour = SERIES[side]
    if side == "baseline":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="none" stroke="{colour}" stroke-width="1.5"/>'
    return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}" fill-opacity="0.8"/>'


def _legend(x: float, y: float, lang: str) -> str:
    out = []
    for i, (side, colour) in enumerate(SERIES.items()):
        out.append(_marker(side, x + i * 110, y - 4))
        out.append(_text(x + i * 110 + 8, y, translations(lang).gettext(SERIES_NAMES[side]), size=9.5))
    return "".join(out)
