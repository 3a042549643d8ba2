"""The statement web page on a phone (390 px wide), in English and Ukrainian, in chromium.

The page must not scroll sideways and no amount may be cut off (an amount's box is as wide
as its text); the total it prints, on the total card and on the summary's total row, is the
API's. AE01 has a clawback; AE03's deals are split across tier bands. Screenshots go to
$PAYPLAN_SCREENSHOTS when it is set.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from .conftest import shoot, sign_in
from .test_browser import api

PHONE = {"width": 390, "height": 844}

# The page's width against the window's, and every amount whose text is wider than its box
# (or which sticks out past the window's right edge without a scrolling box around it).
LAYOUT = """() => {
  const page = document.documentElement;
  const clipped = [...document.querySelectorAll('.num, .amount, .total-amount')].filter(e => {
    if (e.scrollWidth > e.clientWidth + 0.5) return true;
    const box = e.getBoundingClientRect();
    let scroller = e.parentElement;
    while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) scroller = scroller.parentElement;
    return !scroller && (box.right > window.innerWidth + 0.5 || box.left < -0.5);
  }).map(e => e.className + ': ' + e.textContent);
  return {scrollWidth: page.scrollWidth, innerWidth: window.innerWidth, clipped: clipped,
          amounts: document.querySelectorAll('.num, .amount').length};
}"""


def amount(text: str, lang: str) -> Decimal:
    """A printed amount in `lang` ("$2,626.52", "−1 022,40 USD") as a Decimal."""
    kept = re.sub(r"[^0-9,.\-−]", "", text).replace("−", "-")
    kept = kept.replace(",", ".") if lang == "uk" else kept.replace(",", "")
    return Decimal(kept)


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(base_url=server.url, viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("lang", ["en", "uk"])
@pytest.mark.parametrize(("who", "rep"), [("iryna", "AE01"), ("fiona", "AE03")])
def test_the_statement_fits_a_phone_and_prints_the_apis_total(phone, server, lang, who, rep):
    run_id = server.company.runs["mar"]
    sign_in(phone, who)
    response = phone.goto(f"/runs/{run_id}/results/{rep}/statement.html?lang={lang}")
    assert response.status == 200
    assert phone.locator("html").get_attribute("lang") == lang
    layout = phone.evaluate(LAYOUT)
    shoot(phone, f"statement-{rep}-{lang}-390")
    assert layout["innerWidth"] == PHONE["width"]
    assert layout["scrollWidth"] <= layout["innerWidth"], "the page scrolls sideways"
    assert layout["clipped"] == []
    assert layout["amounts"] > 10
    total = Decimal(api(server, who, f"/runs/{run_id}/results/{rep}")["total"])
    assert amount(phone.inner_text(".total-amount"), lang) == total
    assert amount(phone.inner_text(".rows tr.total .num"), lang) == total
