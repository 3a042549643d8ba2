"""Security headers on everything that shows pay: no framing, no sniffing, no referrer, no caching."""

from __future__ import annotations

import pytest

HTML = {"Accept": "text/html"}


def assert_safe(response, cached: bool = False) -> None:
    headers = response.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    if not cached:
        assert "no-store" in headers["cache-control"].split(", ")


@pytest.mark.parametrize("path, accept", [
    ("/pay/{approved}/A1", HTML),  # the rep's pay page
    ("/pay", HTML),
    ("/runs/{submitted}/results/A1/statement.pdf", {}),
    ("/runs/{submitted}/results/A1/statement.html", {}),
    ("/runs/{approved}/results", {}),
    ("/runs/{approved}/results/A1", {}),
    ("/finance/runs/{submitted}", HTML),  # the approve page
    ("/me", {}),
])
def test_pay_pages_results_and_statements_are_never_framed_sniffed_or_stored(world, world_client, path, accept):
    who = "manager" if path.startswith("/pay") else "admin"
    response = world_client.get(path.format(**world.runs), headers={**world.headers(who), **accept})
    assert response.status_code == 200, response.text
    assert_safe(response)


def test_refusals_carry_the_headers_too(world, world_client):
    assert_safe(world_client.get("/runs"))  # 401 problem
    assert_safe(world_client.get(f"/runs/{world.runs['draft']}/results/A1", headers=world.headers("rep")))  # 404
    assert_safe(world_client.get("/finance/runs", headers={**world.headers("rep"), **HTML}))  # 403 page


def test_only_the_stylesheet_may_be_cached(world_client):
    response = world_client.get("/web.css")
    assert_safe(response, cached=True)
    assert response.headers["cache-control"] == "max-age=3600"
