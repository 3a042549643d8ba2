"""The security headers as chromium receives them, and chromium refusing to frame a pay page."""

from __future__ import annotations

from .conftest import sign_in


def assert_safe(headers: dict[str, str]) -> None:
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "no-store" in headers["cache-control"]


def test_pay_pages_and_statements_arrive_with_the_headers(page, server):
    feb = server.company.runs["feb"]
    sign_in(page, "iryna")
    for path in ("/pay", f"/pay/{feb}/AE01", f"/runs/{feb}/results/AE01/statement.html"):
        response = page.goto(path)
        assert response.status == 200, path
        assert_safe(response.all_headers())
    pdf = page.request.get(f"/runs/{feb}/results/AE01/statement.pdf")  # the browser context's cookies
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert_safe(pdf.headers)


def test_chromium_refuses_to_show_a_pay_page_in_a_frame(page, server):
    feb = server.company.runs["feb"]
    sign_in(page, "iryna")
    page.goto(f"/pay/{feb}/AE01")
    total = page.locator("h1").first.inner_text()
    assert "AE01" in page.content() and total  # the page itself shows
    # another page (here: one the test writes) tries to frame it
    page.set_content(f'<iframe id="f" src="{server.url}/pay/{feb}/AE01" width="800" height="600"></iframe>')
    page.wait_for_timeout(1000)
    (child,) = [f for f in page.frames if f != page.main_frame]
    assert child.url.startswith("chrome-error://")  # blocked: chromium shows its own error page instead
    assert total not in child.content()  # (its error page names the address, not the pay)


def test_chromium_runs_no_script_a_page_did_not_mean_to_have(page, server):
    """The policy's backstop: were a value ever to escape its escaping as a <script>, chromium
    would not run it (no page of payplan has a script), while the stylesheet still applies."""
    sign_in(page, "iryna")
    page.goto("/pay")
    try:
        page.add_script_tag(content="window.__injected = 1")
    except Exception:  # noqa: BLE001 - playwright may report the refused script itself
        pass
    assert page.evaluate("typeof window.__injected") == "undefined"
    assert page.evaluate("document.styleSheets.length") >= 1
    assert page.evaluate("getComputedStyle(document.body).fontFamily") != ""
