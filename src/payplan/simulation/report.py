"""A simulation as JSON, CSV, HTML (with inline SVG charts) or PDF.

JSON is the `Simulation` value itself (amounts as decimal strings); a cross-population
comparison's first line is `{"notice": …,` so the label is seen before any figure.
CSV (`payplan.simulation.report_csv`) and HTML (`payplan.simulation.report_html`) live
beside this module; the PDF is the HTML page through WeasyPrint with a URL fetcher that
refuses every URL, so nothing in the data can pull a file or an address into the report.
Must not compute anything: figures come from `payplan.simulation.simulate`.
"""

from __future__ import annotations

import msgspec

from payplan.core.plain import encode_plain
from payplan.i18n import DEFAULT
from payplan.settings import SHIPPED_TEMPLATES
from payplan.simulation.model import Simulation
from payplan.simulation.report_csv import kpi_ids, safe_cell, to_csv
from payplan.simulation.report_html import REPORT_TEMPLATE, to_html
from payplan.simulation.report_words import CHANGES, CROSS_NOTICE, ORIGINS, SEVERITIES, Figures

__all__ = ["CHANGES", "CROSS_NOTICE", "FORMATS", "Figures", "ORIGINS", "REPORT_TEMPLATE", "SEVERITIES",
           "kpi_ids", "render", "safe_cell", "to_csv", "to_html", "to_json", "to_pdf"]

TEMPLATE_DIR = SHIPPED_TEMPLATES  # package data, shipped in the wheel; a company's own folder comes first
FORMATS = ("json", "csv", "html", "pdf")


def render(sim: Simulation, fmt: str, lang: str = DEFAULT) -> bytes:
    """The simulation in `fmt` (json / csv / html / pdf) as bytes; HTML and PDF in `lang`."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected {', '.join(FORMATS)})")
    if fmt == "json":
        return to_json(sim)
    if fmt == "csv":
        return to_csv(sim).encode("utf-8")
    html = to_html(sim, lang)
    return html.encode("utf-8") if fmt == "html" else to_pdf(html)


def to_json(sim: Simulation) -> bytes:
    """The simulation as indented JSON; in a cross-population comparison the notice comes first, on line 1."""
    body = msgspec.json.format(encode_plain(sim, msgspec.json.encode), indent=2) + b"\n"
    if not sim.population.cross:
        return body
    return b'{"notice": ' + msgspec.json.encode(CROSS_NOTICE) + b",\n" + body.removeprefix(b"{\n")


def to_pdf(html: str) -> bytes:
    """The HTML page as PDF; every URL the page might name is refused."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    return HTML(string=html, base_url=str(TEMPLATE_DIR / "simulation") + "/",
                url_fetcher=_refusing_fetcher()).write_pdf()


def _refusing_fetcher():
    """A WeasyPrint fetcher that fetches nothing: the report is self-contained."""
    try:
        from weasyprint.urls import URLFetcher
    except ImportError:  # pragma: no cover - WeasyPrint < 68 takes a plain callable
        return _refuse

    class RefuseAll(URLFetcher):
        def fetch(self, url, headers=None):
            _refuse(url)

    return RefuseAll(allowed_protocols=set(), allow_redirects=False)


def _refuse(url: str, *args, **kwargs):
    raise ValueError(f"refused to fetch {url!r}: the simulation report uses no external resources")
