"""Regenerate the statement screenshots in docs/screenshots/ from the demo company.

    .venv/bin/python scripts/screenshots.py [--rep AE03] [--period 2026-03] [--only html|pdf]

AE03's March 2026 statement, previewed from the plan file and the fact files in
examples/demo (no database), in English and Ukrainian:

- statement-{en,uk}-pdf-{1,2}.png: the PDF's first two pages (`pdftoppm -r 80`, poppler-utils);
- statement-{en,uk}-html-{390,1280}.png: the web page in chromium at a phone's and a laptop's
  width, full page (Debian's chromium, or PAYPLAN_CHROMIUM, driven by Playwright).

Run it from a checkout after ./scripts/setup; it writes only under docs/screenshots/.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
PLAN = ROOT / "plans" / "ae-2026-v1.toml"
DATA = ROOT / "examples" / "demo"
LANGS = ("en", "uk")
WIDTHS = {390: 844, 1280: 900}
CHROMIUM = os.environ.get("PAYPLAN_CHROMIUM", "/usr/bin/chromium")


def pdf_pages(pdf: bytes, stem: str, work: Path) -> None:
    """The PDF's first two pages as OUT/STEM-1.png and OUT/STEM-2.png."""
    if not shutil.which("pdftoppm"):
        raise SystemExit("screenshots: pdftoppm is missing (apt-get install poppler-utils)")
    path = work / f"{stem}.pdf"
    path.write_bytes(pdf)
    for page in (1, 2):
        subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", str(page), "-l", str(page), "-singlefile",
                        str(path), str(OUT / f"{stem}-{page}")], check=True)


def html_pages(pages: dict[str, Path]) -> None:
    """Each page (name → HTML file) as OUT/NAME-WIDTH.png at each width, full page."""
    from playwright.sync_api import sync_playwright

    executable = CHROMIUM if Path(CHROMIUM).exists() else None  # else Playwright's own chromium
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox", "--headless"])
        try:
            for name, path in pages.items():
                for width, height in WIDTHS.items():
                    context = browser.new_context(viewport={"width": width, "height": height},
                                                  is_mobile=width < 600, has_touch=width < 600)
                    page = context.new_page()
                    page.goto(path.as_uri())
                    page.wait_for_load_state()
                    page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
                    context.close()
        finally:
            browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rep", default="AE03")
    parser.add_argument("--period", default="2026-03")
    parser.add_argument("--only", choices=("html", "pdf"))
    args = parser.parse_args()

    from payplan.statements.calculation import from_files
    from payplan.statements.render import render_html, statement_css
    from payplan.statements.view import from_calculation

    (calc,) = from_files(PLAN, DATA, args.period, [args.rep])
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="payplan-screenshots-") as tmp:
        work = Path(tmp)
        if args.only != "html":
            from payplan.statements.pdf import PdfRenderer

            renderer = PdfRenderer()
            for lang in LANGS:
                pdf_pages(renderer.statement(calc, lang), f"statement-{lang}-pdf", work)
        if args.only != "pdf":
            # the web page as the app serves it, its stylesheet beside it
            shutil.copyfile(statement_css(), work / "statement.css")
            pages = {}
            for lang in LANGS:
                path = work / f"statement-{lang}-html.html"
                path.write_text(render_html(from_calculation(calc), lang, css_href="statement.css"), encoding="utf-8")
                pages[f"statement-{lang}-html"] = path
            html_pages(pages)
    for path in sorted(OUT.glob("statement-*.png")):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
