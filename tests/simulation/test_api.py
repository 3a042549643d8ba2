"""POST /simulations: HR (and admin) simulate published plans or TOML drafts, read only."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from litestar.testing import TestClient

from payplan.app import create_app
from payplan.settings import Settings

from .test_readonly import _snapshot

ROOT = Path(__file__).resolve().parents[2]
BALANCED = (ROOT / "plans" / "sim" / "balanced.toml").read_text(encoding="utf-8")
BODY = {"baseline": "sim-volume-only@1", "proposal": "sim-balanced@1", "periods": "2026-01..2026-06",
        "threshold": "500"}


@pytest.fixture
def client(service):
    settings = Settings(database_url=service.url, secret="test-secret-0123456789abcdef0123456789",
                        max_upload_bytes=1_000_000, timezone="UTC")
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_hr_simulates_published_plans(service, client) -> None:
    before = _snapshot(service.url)
    response = client.post("/simulations", json=BODY, headers=service.headers("hr"))
    assert response.status_code == 200, response.text
    totals = response.json()["comparison"]["totals"]
    assert (totals["cost_delta"], totals["gainers"], totals["losers"]) == ("-9959.61", 1, 3)
    assert _snapshot(service.url) == before


def test_a_draft_as_toml_text(service, client) -> None:
    draft = BALANCED.replace("rate = 0.10", "rate = 0.12")
    body = {**BODY, "baseline": "sim-balanced@1", "proposal": {"toml": draft, "name": "margin-12.toml"}}
    response = client.post("/simulations", json=body, headers=service.headers("hr"))
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["proposal"]["origin"] == "draft" and doc["proposal"]["given"] == "margin-12.toml"
    assert any(c["field"] == "rate" and c["new"] == "0.12" for c in doc["changes"])


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("html", "text/html"), ("pdf", "application/pdf")])
def test_formats(service, client, fmt: str, media: str) -> None:
    response = client.post(f"/simulations?format={fmt}", json=BODY, headers=service.headers("admin"))
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    if fmt == "csv":
        assert len(list(csv.reader(io.StringIO(response.text)))) == 1 + 34 + 6


@pytest.mark.parametrize("who", ["finance", "rep"])
def test_only_hr_and_admin(service, client, who: str) -> None:
    assert client.post("/simulations", json=BODY, headers=service.headers(who)).status_code == 403
    assert client.post("/simulations", json=BODY).status_code == 401


@pytest.mark.parametrize("change, status, words", [
    ({"proposal": "sim-balanced@9"}, 404, "not published"),
    ({"periods": "2026-06..2026-01"}, 422, "ends before it starts"),
    ({"periods": "2026-01..2026-04,2026-03..2026-06"}, 422, "overlaps"),
    ({"proposal": {"toml": BALANCED.replace('"USD"', '"EUR"')}}, 422, "different currencies"),
    ({"proposal": {"toml": "id = 1"}}, 422, ""),
    ({"proposal": str(ROOT / "plans" / "sim" / "balanced.toml")}, 400, ""),  # never a server path
    ({"proposal": "../../etc/passwd@1"}, 404, "not published"),
])
def test_bad_requests_are_problems(service, client, change: dict, status: int, words: str) -> None:
    response = client.post("/simulations", json={**BODY, **change}, headers=service.headers("hr"))
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert words in response.text


@pytest.mark.parametrize("query, header", [("&lang=uk", {}), ("", {"Accept-Language": "uk-UA,uk;q=0.9,en;q=0.5"})])
def test_the_html_report_speaks_the_language_asked_for(service, client, query: str, header: dict) -> None:
    """`?lang=uk`, or a browser's Accept-Language, gives the report in Ukrainian."""
    response = client.post(f"/simulations?format=html{query}", json=BODY, headers={**service.headers("hr"), **header})
    assert response.status_code == 200, response.text
    assert "Моделювання плану" in response.text and "Cost change" not in response.text
    english = client.post("/simulations?format=html", json=BODY, headers=service.headers("hr"))
    assert "Cost change" in english.text and "Моделювання плану" not in english.text


def test_a_drafts_texts_cannot_reach_past_the_values_they_are_given(service, client, monkeypatch) -> None:
    """A plan's translation is a template too: `{value.__init__.__globals__…}` must print as
    written, never walk from a value into the server's modules (its environment, its secret)."""
    monkeypatch.setenv("PAYPLAN_CANARY", "canary-7f3a9c")
    walk = "{value.__init__.__globals__[Mapping].get.__globals__[sys].modules[os].environ[PAYPLAN_CANARY]}"
    plan_description = next(line for line in BALANCED.splitlines() if line.startswith("description = "))
    draft = BALANCED.replace(plan_description, f'description = {{ en = "{{value:pts}}", uk = "{walk}" }}')
    draft = draft.replace("weight = 0.15", "weight = 0.20", 1).replace("weight = 0.25", "weight = 0.20", 1)
    for lang in ("uk", "en"):  # a weight changed: the report says it, "{value:pts}" in its sentence
        response = client.post(f"/simulations?format=html&lang={lang}", json={
            **BODY, "baseline": "sim-balanced@1", "proposal": {"toml": draft}}, headers=service.headers("hr"))
        assert response.status_code == 200, response.text
        assert "canary-7f3a9c" not in response.text
