"""Web page fixtures: a seeded SQLite company, the real app under uvicorn, and chromium through Playwright.

The company is `payplan demo`'s (`payplan.demo.seed`: users admin, fiona and felix
(finance), hanna (hr), olena (manager MGR01), iryna (rep AE01), password `demo.PASSWORD`; plan
ae-2026@1 with runs January (paid) and February (approved), March (draft)) plus what
the pages need to show: March approved (AE01 has a clawback), the SDR plan's February
run approved (SDR03 draws on a guarantee) and its March run as a draft for finance to
submit and approve, ae-2026@2 and a EUR plan published for HR's simulations. It is
built once per session; each test gets a copy of the file.

Chromium is Debian's (`/usr/bin/chromium`, or PAYPLAN_CHROMIUM), driven by Playwright
without `playwright install`; without it the browser tests skip (and fail under CI).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import uvicorn
from litestar.testing import TestClient
from sqlalchemy import Engine

from payplan import demo
from payplan.access.users import get_user
from payplan.app import create_app
from payplan.plans import versions as plan_store
from payplan.plans.files import read_plan_file
from payplan.runs import lifecycle as runs
from payplan.settings import Settings
from payplan.store import make_engine
from payplan.store.migrate import upgrade

ROOT = Path(__file__).parents[2]
PLANS = ROOT / "plans"
PASSWORD = demo.PASSWORD
SECRET = "web-test-secret-0123456789abcdef0123456789abcdef"
CHROMIUM = os.environ.get("PAYPLAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
HTML = {"Accept": "text/html,application/xhtml+xml"}  # what a browser asks for


@dataclass
class Company:
    """The seeded database: its URL, an engine for checks, API tokens by user name, run ids by name."""

    url: str
    engine: Engine
    tokens: dict[str, str] = field(default_factory=dict)
    runs: dict[str, int] = field(default_factory=dict)

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def run_state(self, run_id: int) -> runs.RunRow:
        with self.engine.connect() as conn:
            return runs.get_run(conn, run_id)


def seed(url: str) -> Company:
    """The demo company and the runs and plans described in the module docstring."""
    upgrade(url)
    engine = make_engine(url)
    with engine.begin() as conn:
        tokens = demo.seed(conn)
        who = {name: get_user(conn, name) for name in ("fiona", "felix", "hanna")}
        ae = {r.period: r.id for r in runs.list_runs(conn, plan_id="ae-2026")}
        runs.submit(conn, ae["2026-03"], who["fiona"])
        runs.approve(conn, ae["2026-03"], who["felix"])
        sdr_text = read_plan_file(PLANS / "sdr-2026.toml")
        for text, name in ((read_plan_file(PLANS / "ae-2026-v2.toml"), "plans/ae-2026-v2.toml"), (sdr_text, "sdr")):
            plan_store.publish(conn, text, name, who["hanna"])
        eur = sdr_text.replace('id = "sdr-2026"', 'id = "sdr-eur"').replace('currency = "USD"', 'currency = "EUR"')
        assert eur != sdr_text
        plan_store.publish(conn, eur, "sdr-eur.toml", who["hanna"])
        sdr_feb = runs.create_run(conn, "sdr-2026@1", "2026-02", who["fiona"])
        runs.submit(conn, sdr_feb.id, who["fiona"])
        runs.approve(conn, sdr_feb.id, who["felix"])
        sdr_mar = runs.create_run(conn, "sdr-2026@1", "2026-03", who["fiona"])
    names = {"jan": ae["2026-01"], "feb": ae["2026-02"], "mar": ae["2026-03"], "sdr_feb": sdr_feb.id,
             "sdr_mar": sdr_mar.id}
    return Company(url, engine, tokens, names)


def settings_for(url: str) -> Settings:
    return Settings(database_url=url, secret=SECRET, max_upload_bytes=1_000_000, timezone="UTC")


@pytest.fixture(scope="session")
def company_template(tmp_path_factory) -> Iterator[tuple[Company, Path]]:
    path = tmp_path_factory.mktemp("web") / "template.sqlite"
    company = seed(f"sqlite:///{path}")
    company.engine.dispose()
    yield company, path


@pytest.fixture
def company(company_template, tmp_path) -> Iterator[Company]:
    """A private copy of the seeded company."""
    template, source = company_template
    copy = tmp_path / "company.sqlite"
    shutil.copyfile(source, copy)
    url = f"sqlite:///{copy}"
    engine = make_engine(url)
    yield Company(url, engine, template.tokens, template.runs)
    engine.dispose()


@pytest.fixture
def client(company) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for(company.url))) as test_client:
        yield test_client


# --- the real server and the browser ---------------------------------------------------------


@dataclass
class Server:
    company: Company
    url: str


@pytest.fixture
def server(company) -> Iterator[Server]:
    """The app under uvicorn on a free local port, in a thread, on a copy of the company."""
    yield from serve(company, settings_for(company.url))


def serve(company: Company, settings: Settings) -> Iterator[Server]:
    """The app of `settings` under uvicorn on a free local port, in a thread, until the generator closes."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(create_app(settings), log_level="warning", lifespan="on")
    uv = uvicorn.Server(config)
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not uv.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield Server(company, f"http://127.0.0.1:{sock.getsockname()[1]}")
    finally:
        uv.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"no chromium at {CHROMIUM} (scripts/install-system-packages installs it)")
        pytest.skip(f"no chromium at {CHROMIUM}: apt-get install chromium, or set PAYPLAN_CHROMIUM")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, server):
    """A fresh browser context (no cookies) on the running server, laptop-sized."""
    yield from tab_on(browser, server)


def tab_on(browser, server: Server):
    """A tab of a fresh browser context (no cookies) on `server`, laptop-sized, until the generator closes."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1366, "height": 860})
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def sign_in(page, name: str, password: str = PASSWORD) -> None:
    """Sign in through the form (from wherever the page is)."""
    if "/signin" not in page.url:
        page.goto("/signin")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def follow(page, selector: str) -> None:
    """Click a link and wait until the page it opens has loaded.

    A bare click returns once the navigation has begun, and `locator.all()` does not wait:
    rows read straight after it can come from a page that is still empty."""
    with page.expect_navigation():
        page.click(selector)


def shoot_element(locator, name: str) -> None:
    """A screenshot of one element (an iframe's report: a full-page capture leaves frames blank)."""
    folder = os.environ.get("PAYPLAN_SCREENSHOTS")
    if folder:
        locator.screenshot(path=str(Path(folder) / f"web-{name}.png"))


def shoot(page, name: str) -> None:
    """A full-page screenshot to look at, as $PAYPLAN_SCREENSHOTS/web-NAME.png (only when that is set)."""
    folder = os.environ.get("PAYPLAN_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"web-{name}.png"), full_page=True)
