"""Fixtures for the app tests: a temporary SQLite store per test, the app under AppTest, the real app in Chromium.

Every test runs against the real store (a temporary SQLite file through ``DPIA_DATABASE_URL``) and, where a
PDF is involved, the real report package: no mocks.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

import store
from engine.answers import load_answers
from engine.loader import load_catalog
from engine.model import Questionnaire

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
SAMPLE = ROOT / "tests" / "fixtures" / "sample.yaml"
SAMPLE_HOTEL = ROOT / "tests" / "fixtures" / "answers" / "sample-hotel.yaml"
REAL = ROOT / "questionnaires"
EXAMPLE_HOTEL = ROOT / "examples" / "hotel-emotion-cameras.yaml"
OWN_HOTEL = ROOT / "tests" / "app" / "fixtures" / "hotel-screening.yaml"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path}/app.sqlite"
    monkeypatch.setenv("DPIA_DATABASE_URL", url)
    return url


@pytest.fixture
def sample_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app on the sample questionnaire (every question kind), independent of the real content."""
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(SAMPLE))
    return db_url


@pytest.fixture
def real_env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The app on the project's real questionnaires."""
    monkeypatch.delenv("DPIA_QUESTIONNAIRES", raising=False)
    return db_url


@pytest.fixture(scope="session")
def sample_q() -> Questionnaire:
    return load_catalog([SAMPLE]).questionnaires["sample"]


@pytest.fixture(scope="session")
def real_catalog() -> dict[str, Questionnaire]:
    catalog = load_catalog([REAL])
    if catalog.errors or "screening" not in catalog.questionnaires:
        pytest.skip("the real screening questionnaire does not load yet: " + ", ".join(catalog.errors))
    return catalog.questionnaires


def hotel_answers_file() -> Path:
    """The project's hotel example once written, else the app tests' own copy for the screening."""
    return EXAMPLE_HOTEL if EXAMPLE_HOTEL.exists() else OWN_HOTEL


@pytest.fixture(scope="session")
def sample_hotel(sample_q: Questionnaire) -> dict[str, Any]:
    return load_answers(SAMPLE_HOTEL, {"sample": sample_q}).assessment.model_dump(mode="json")["answers"]


def new_app(*, user: str | None = "Ada", role: str = "author", assessment: str | None = None) -> AppTest:
    """The app under AppTest, signed in (local mode) through the URL as a refreshed page would be."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if user:
        at.query_params["as"] = user
        at.query_params["role"] = role
    if assessment:
        at.query_params["assessment"] = assessment
    return at


def shown(markdown: str) -> str:
    """What a reader sees of Markdown holding escaped text (``views.safe_text.plain``): no backslashes, no word
    joiners (Markdown markup of the page itself, such as ``**``, stays)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")


def open_store_for(url: str) -> store.Store:
    """A second connection to the app's store (another user or process)."""
    paths = os.environ.get("DPIA_QUESTIONNAIRES")
    catalog = load_catalog([paths] if paths else [REAL]).questionnaires
    return store.open_store(url, questionnaires=catalog)


def create_through_home(at: AppTest, title: str, questionnaire: str | None = None) -> str:
    """Start an assessment with the Home page's form; returns its id (now in the URL)."""
    at.run()
    at.text_input(key="new-title").input(title)
    if questionnaire:
        at.selectbox(key="new-questionnaire").set_value(questionnaire)
    at.button(key="new-create").click().run()
    assert not at.exception, at.exception
    return str(at.query_params["assessment"])


def follow_link(at: AppTest, text: str) -> None:
    """Click the page link whose label holds ``text``, as the browser does: its page, with its URL parameters."""
    from urllib.parse import parse_qsl

    [link] = [p.proto for p in at.get("page_link") if text in shown(p.label)]
    for name, value in parse_qsl(link.query_string):
        at.query_params[name] = value
    at.switch_page(f"views/{link.page}.py").run()


# --- the real app in a browser ----------------------------------------------------------------------------


def chromium_or_skip() -> None:
    if not Path(CHROMIUM).exists():
        if os.environ.get("DPIA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DPIA_REQUIRE_BROWSER=1 but {CHROMIUM} is missing (apt-get install chromium)")
        pytest.skip(f"{CHROMIUM} is missing: the browser tests need Debian's chromium (apt-get install chromium)")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium (never a downloaded browser build), run as root on a closed network."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def launch(log: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    """The app started as ``make run`` starts it (``python -m views.serve``, i.e. ``streamlit run app.py`` after a
    warm-up) on a free port, its output in ``log``; the server and its base URL once it answers (the test fails
    with the log's end when it does not within a minute)."""
    port = free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "views.serve", "--server.headless", "true",  # as `make run` starts it
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],  # other tests write files in the tree meanwhile
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).read() == b"ok":
                return server, base
        time.sleep(0.1)
    server.kill()
    server.wait(timeout=10)
    pytest.fail(f"the app did not start; its log:\n{log.read_text(errors='replace')[-4000:]}")


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Start the app as ``make run`` does (:func:`launch`) with its own SQLite file; returns a starter of base
    URLs."""
    chromium_or_skip()  # before pytest-playwright launches the browser for the `page` fixture
    servers: list[subprocess.Popen[bytes]] = []

    def start(questionnaires: Path | None = None) -> str:
        env = {**os.environ, "DPIA_DATABASE_URL": f"sqlite:///{tmp_path}/live.sqlite"}
        env.pop("DPIA_QUESTIONNAIRES", None)
        if questionnaires is not None:
            env["DPIA_QUESTIONNAIRES"] = str(questionnaires)
        server, base = launch(tmp_path / f"server-{len(servers)}.log", env)
        servers.append(server)
        return base

    yield start
    for server in servers:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
