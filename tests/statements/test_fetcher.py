"""The URL fetcher serves only our own files: no file://, no network, no hang."""

from __future__ import annotations

import time

import pytest

from payplan.statements.fetcher import FetchRefused, SafeFiles, StatementFetcher
from payplan.statements.render import TEMPLATE_DIR

from .conftest import calculation_for, needs_poppler, pdftotext

HOSTILE = ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "file:///dev/urandom",
           "https://example.com/x.png", "ftp://example.com/x", "data:text/plain,hello",
           # a file that exists, next to the templates but outside them
           (TEMPLATE_DIR.parent / "settings.py").as_uri()]


@pytest.mark.parametrize("url", HOSTILE)
def test_refuses_anything_but_our_files(url):
    with pytest.raises(FetchRefused):
        SafeFiles([TEMPLATE_DIR]).read(url)


def test_serves_our_stylesheet():
    data, mime, _ = SafeFiles([TEMPLATE_DIR]).read((TEMPLATE_DIR / "statement" / "statement.css").as_uri())
    assert b"@page" in data and mime == "text/css"


def test_symlink_out_of_the_directory_is_refused(tmp_path):
    (tmp_path / "passwd").symlink_to("/etc/passwd")
    with pytest.raises(FetchRefused):
        SafeFiles([tmp_path]).read((tmp_path / "passwd").as_uri())


def test_weasyprint_fetches_nothing_from_template_references(renderer):
    html = "".join(f'<img src="{u}"><link rel="stylesheet" href="{u}"><a rel="attachment" href="{u}">x</a>'
                   for u in HOSTILE)
    html += '<style>@import url("file:///etc/passwd"); p { background: url("file:///dev/urandom") }</style><p>ok</p>'
    calls = []
    fetcher = StatementFetcher([TEMPLATE_DIR])
    original = fetcher.files.read
    fetcher.files.read = lambda url: calls.append(url) or original(url)
    renderer.fetcher, saved = fetcher, renderer.fetcher
    try:
        start = time.monotonic()
        pdf = renderer.html_to_pdf(html)
        assert time.monotonic() - start < 20
    finally:
        renderer.fetcher = saved
    assert calls and b"root:x:0:0" not in pdf


@needs_poppler
def test_a_data_value_cannot_pull_in_a_file(renderer, tmp_path):
    calc = calculation_for('<img src="file:///etc/passwd"><link rel=attachment href="file:///etc/passwd">')
    path = tmp_path / "x.pdf"
    start = time.monotonic()
    path.write_bytes(renderer.statement(calc, "en"))
    assert time.monotonic() - start < 20
    text = pdftotext(path)
    assert '<img src="file:///etc/passwd">' in text.replace("\n", "") or "file:///etc/passwd" in text
    assert "root:x:0:0" not in text
