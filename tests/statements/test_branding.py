"""A company's own templates (PAYPLAN_TEMPLATES_DIR): its footer and logo on the statement,
the shipped templates for everything it does not override, and a fetcher that serves
that folder and nothing else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from payplan.settings import SHIPPED_TEMPLATES, get_settings, template_folders
from payplan.statements.fetcher import FetchRefused
from payplan.statements.pdf import PdfRenderer

from .conftest import needs_poppler, pdftotext

FOOTER = "Acme Ltd, 1 Main St, Kyiv. Registered under no. 12345678."
BRAND = """{% macro wordmark() %}<img src="logo.png" alt="Acme"/>{% endmacro %}
{% macro footer() %}<p>""" + FOOTER + """</p><img src="../../outside.png" alt=""/>{% endmacro %}
"""


def _png(size: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (size, size), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def company(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A templates folder holding only brand.html and a logo, with an image just outside it."""
    own = tmp_path / "acme" / "templates"
    (own / "statement").mkdir(parents=True)
    (own / "statement" / "brand.html").write_text(BRAND, encoding="utf-8")
    (own / "statement" / "logo.png").write_bytes(_png(40))
    (tmp_path / "acme" / "outside.png").write_bytes(_png(64))  # linked from the footer: must stay out
    monkeypatch.setenv("PAYPLAN_TEMPLATES_DIR", str(own))
    get_settings.cache_clear()
    yield own
    get_settings.cache_clear()


def _images(pdf: bytes) -> set[tuple[int, int]]:
    """The sizes of the raster images in the PDF (WeasyPrint shares one resource across pages)."""
    return {(image.image.width, image.image.height) for page in PdfReader(io.BytesIO(pdf)).pages
            for image in page.images}


def test_the_company_folder_comes_first_then_the_shipped_templates(company: Path) -> None:
    assert template_folders() == (company, SHIPPED_TEMPLATES)


@needs_poppler
def test_a_statement_carries_the_company_footer_and_logo(company: Path, ae01, tmp_path: Path) -> None:
    pdf = PdfRenderer().statement(ae01, "en")
    path = tmp_path / "acme.pdf"
    path.write_bytes(pdf)
    text = " ".join(pdftotext(path).split())
    assert FOOTER in text
    assert "AE01" in text  # the shipped statement around the brand
    # the 40×40 logo from the company folder is embedded; the 64×64 image beside the folder is not
    assert _images(pdf) == {(40, 40)}


@needs_poppler
def test_without_a_company_folder_the_shipped_brand_prints(renderer, ae01, tmp_path: Path) -> None:
    assert template_folders() == (SHIPPED_TEMPLATES,)
    path = tmp_path / "plain.pdf"
    pdf = renderer.statement(ae01, "en")
    path.write_bytes(pdf)
    assert FOOTER not in pdftotext(path) and _images(pdf) == set()


def test_the_fetcher_serves_the_company_folder_and_nothing_else(company: Path, tmp_path: Path) -> None:
    files = PdfRenderer().fetcher.files
    data, mime, _ = files.read((company / "statement" / "logo.png").as_uri())
    assert mime == "image/png" and data == (company / "statement" / "logo.png").read_bytes()
    outside = [tmp_path / "acme" / "outside.png", SHIPPED_TEMPLATES / "statement" / "statement.css",
               company / "statement" / ".." / ".." / "outside.png"]
    for path in outside:
        with pytest.raises(FetchRefused):
            files.read(path.as_uri())


def test_a_missing_company_folder_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYPLAN_TEMPLATES_DIR", str(tmp_path / "nope"))
    get_settings.cache_clear()
    try:
        with pytest.raises(NotADirectoryError, match="PAYPLAN_TEMPLATES_DIR"):
            template_folders()
    finally:
        get_settings.cache_clear()
