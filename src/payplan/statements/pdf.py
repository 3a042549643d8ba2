"""Statement HTML → PDF with WeasyPrint, the calculation embedded as a JSON attachment.

A `PdfRenderer` parses the stylesheet once and keeps one `FontConfiguration`
and one safe URL fetcher for every statement it renders (build one per process).
The fetcher serves only the files of one folder: the company's own templates when
PAYPLAN_TEMPLATES_DIR is set, else the shipped ones (`templates/`). Statement HTML is
parsed as XML when well-formed (see `PdfRenderer.parse`). The calculation is signed
with the installation's Ed25519 key (`payplan.statements.signing`), the signature
embedded beside it. Must not compute pay or decide what a statement shows.
"""

from __future__ import annotations

import io
import logging
import xml.etree.ElementTree as ElementTree
from datetime import datetime, time, timezone
from pathlib import Path

import cssselect2
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration

from payplan.settings import template_folders
from payplan.statements import ATTACHMENT_NAME
from payplan.statements.calculation import Calculation, encode
from payplan.statements.fetcher import StatementFetcher
from payplan.statements.merged import PART_NAME, PART_SIGNATURE, Part
from payplan.statements.render import render_html, render_merged, statement_css
from payplan.statements.signing import SIGNATURE_NAME, installation_private_key, sign
from payplan.statements.view import from_calculation

# WeasyPrint logs every refused fetch and unsupported property as a warning; keep errors only.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
# pypdf logs its repairs of damaged files; `payplan verify` reports unreadable PDFs itself.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class PdfRenderer:
    """Renders statements to PDF bytes, reusing the parsed CSS, fonts and fetcher."""

    def __init__(self, roots: list[Path] | None = None) -> None:
        # Links resolve against, and may only reach, the first template folder: the
        # company's own when there is one (its logo), else the shipped templates.
        folder = template_folders()[0]
        self.fetcher = StatementFetcher(roots or [folder])
        self.fonts = FontConfiguration()
        self.base_url = (folder / "statement").as_uri() + "/"
        self.css = CSS(filename=str(statement_css()), font_config=self.fonts, url_fetcher=self.fetcher)
        self._signing_key = None  # loaded (or generated) at the first statement

    def html_to_pdf(self, html: str, attachments: list[Attachment] | None = None) -> bytes:
        """Any statement HTML to PDF bytes, fetching only our own files."""
        document = self.parse(html)
        return document.write_pdf(stylesheets=[self.css], font_config=self.fonts,
                                  attachments=attachments or [])

    def parse(self, html: str) -> HTML:
        """The HTML document, parsed as XML when it is well-formed (our templates write
        XHTML-compatible markup and escape every value): expat takes ~1 ms where the
        HTML5 parser takes ~9. Anything else goes through WeasyPrint's HTML5 parser."""
        try:
            root = ElementTree.fromstring(html)
        except ElementTree.ParseError:
            root = None
        if root is None or root.tag != "html":
            return HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return _ParsedHTML(root, self.base_url, self.fetcher)

    def statement(self, calc: Calculation, lang: str = "en", data: bytes | None = None) -> bytes:
        """The PDF statement of one calculation, with the calculation attached (`data`: its
        bytes, when encoded already)."""
        html = render_html(from_calculation(calc), lang)
        return self.html_to_pdf(html, self.signed_attachments(calc, data=data))

    def merged(self, parts: list[Part], lang: str = "en") -> bytes:
        """One rep's statement for a period whose plan changed version inside it: a first page
        adding up the parts, then each part's statement, each part's calculation attached and
        signed as `payplan-calculation-N.json`. A single part is the plain statement."""
        if len(parts) == 1:
            return self.statement(parts[0].calc, lang)
        html = render_merged([from_calculation(p.calc) for p in parts], parts, lang)
        attachments = [a for p in parts for a in self.signed_attachments(
            p.calc, PART_NAME.format(n=p.number), PART_SIGNATURE.format(n=p.number))]
        return self.html_to_pdf(html, attachments)

    def signed_attachments(self, calc: Calculation, name: str = ATTACHMENT_NAME,
                           signature_name: str = SIGNATURE_NAME, data: bytes | None = None) -> list[Attachment]:
        """The calculation and the installation's signature over its exact bytes."""
        if self._signing_key is None:
            self._signing_key = installation_private_key()
        data = encode(calc) if data is None else data
        return [calculation_attachment(calc, data, name),
                signature_attachment(calc, sign(self._signing_key, data), signature_name, name)]


class _ParsedHTML(HTML):
    """A WeasyPrint `HTML` for an element tree parsed already. Sets what `HTML.__init__`
    sets after parsing (WeasyPrint 68–70); no `<base href>` is honoured, as our
    templates write none."""

    def __init__(self, root: ElementTree.Element, base_url: str, url_fetcher) -> None:
        self.base_url = base_url
        self.url_fetcher = url_fetcher
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
        self.etree_element = self.wrapper_element.etree_element


def calculation_attachment(calc: Calculation, data: bytes | None = None, name: str = ATTACHMENT_NAME) -> Attachment:
    """The JSON attachment; its dates come from the run, so equal inputs give equal bytes."""
    stamp = _stamp(calc)
    return Attachment(string=data if data is not None else encode(calc), name=name, created=stamp,
                      modified=stamp, description="payplan calculation: plan, inputs, carried state, result",
                      relationship="Data")


def signature_attachment(calc: Calculation, signature: bytes, name: str = SIGNATURE_NAME,
                         of: str = ATTACHMENT_NAME) -> Attachment:
    """The Ed25519 signature of the calculation attachment's bytes (JSON)."""
    stamp = _stamp(calc)
    return Attachment(string=signature, name=name, created=stamp, modified=stamp,
                      description=f"Ed25519 signature of {of} by the installation's key",
                      relationship="Data")


def _stamp(calc: Calculation) -> datetime:
    return calc.run.approved_at or calc.run.created_at or _period_end(calc)


def _period_end(calc: Calculation) -> datetime:
    from payplan.core.periods import parse_period

    return datetime.combine(parse_period(calc.period).end, time(0), tzinfo=timezone.utc)


def read_attachment(pdf: bytes | Path, name: str = ATTACHMENT_NAME) -> bytes | None:
    """The bytes of an embedded file of a PDF, or None when it has none by that name."""
    from pypdf import PdfReader

    stream = io.BytesIO(pdf) if isinstance(pdf, bytes) else open(pdf, "rb")
    with stream:
        found = PdfReader(stream).attachments.get(name)
    return found[0] if found else None


def pdf_text(pdf: bytes | Path) -> str:
    """The text of every page (for `verify` to find the printed total)."""
    from pypdf import PdfReader

    stream = io.BytesIO(pdf) if isinstance(pdf, bytes) else open(pdf, "rb")
    with stream:
        return "\n".join(page.extract_text() or "" for page in PdfReader(stream).pages)
