"""The statement's page footer written into its own `<style>` (`payplan.statements.footer`): whatever a
rep is called, a CSS parser reads back exactly the reference, and nothing ends the string or the style."""

from __future__ import annotations

import tinycss2

from payplan.statements.footer import page_style

HOSTILE = 'O"Brien \\ </style><script>x</script> ₴ Ірина; } @page {'


def _contents(css: str) -> list[list[str]]:
    """Each @page rule's `content`: its strings and function names, as a CSS parser reads them."""
    found = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        assert rule.type == "at-rule" and rule.lower_at_keyword == "page"
        (box,) = [t for t in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True)
                  if t.type == "at-rule"]
        (declaration,) = tinycss2.parse_blocks_contents(box.content, skip_whitespace=True)
        found.append([t.value if t.type == "string" else t.name for t in declaration.value
                      if t.type in ("string", "function")])
    return found


def test_the_footer_reads_back_as_written_whatever_the_name():
    css = str(page_style(f"{HOSTILE} · March 2026", "Page", "of"))
    assert "<" not in css and ">" not in css and "&" not in css  # nothing the HTML or XML parser would see
    every, first = _contents(css)
    assert every == [f"{HOSTILE} · March 2026  ·  payplan  · ", " Page ", "counter", " of ", "counter"]
    assert first == ["payplan  · ", " Page ", "counter", " of ", "counter"]


def test_ukrainian_words_survive():
    every, _ = _contents(str(page_style("Ірина · березень 2026", "Сторінка", "з")))
    assert every[0].startswith("Ірина · березень 2026") and every[1] == " Сторінка " and every[3] == " з "
