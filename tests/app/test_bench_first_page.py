"""The first-page benchmark's own machinery (``benchmarks/bench_app.py`` over ``benchmarks/devtools.py``) on the
real app: Chromium driven over its DevTools pipe opens a first and a next tab, the timing script runs before the
page's own and marks the frames that paint the title and the complete page, and the elements the benchmark
waits for still exist in the app. Times are never asserted; only that both marks come, in order.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from benchmarks import bench_app
from benchmarks.devtools import Chromium, DevToolsError
from tests.app.conftest import CHROMIUM, chromium_or_skip, launch

pytestmark = pytest.mark.browser


def test_the_benchmark_times_the_real_first_page_over_the_devtools_pipe(tmp_path: Path) -> None:
    chromium_or_skip()
    env, _ = bench_app._app_env(3, tmp_path)
    server, base = launch(tmp_path / "server.log", env)
    try:
        with bench_app._browser("devtools") as new_tab:
            visits = bench_app._visits(
                new_tab, f"{base}/?as=Ada", [bench_app.HOME_TITLE], bench_app.HOME_COMPLETE, server_up=0
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert 0 < visits.title <= visits.complete
    assert 0 < visits.next_title <= visits.next_complete


def test_the_devtools_driver_runs_scripts_first_reports_errors_and_cleans_up(tmp_path: Path) -> None:
    chromium_or_skip()
    page = tmp_path / "page.html"
    page.write_text("<script>window.seenByPage = window.addedBefore;</script><h1>Hello</h1>", encoding="utf-8")
    with Chromium(CHROMIUM, bench_app.CHROMIUM_ARGS) as chromium:
        tab = chromium.new_tab()
        tab.add_script("window.addedBefore = 'yes'")
        tab.navigate(page.as_uri())  # returns once the navigation has committed
        deadline = time.monotonic() + 30
        while tab.evaluate("document.readyState") != "complete" and time.monotonic() < deadline:
            time.sleep(0.05)
        # the page ran, and saw what the added script set; the page is Playwright's default size
        assert tab.evaluate("[window.seenByPage, innerWidth, innerHeight, matchMedia('(hover: hover)').matches]") == [
            "yes", 1280, 720, True,
        ]  # fmt: skip
        with pytest.raises(DevToolsError, match="nowhere is not defined"):
            tab.evaluate("nowhere.at.all")
        with pytest.raises(DevToolsError, match=r"no-such-host\.invalid/: net::ERR_"):
            tab.navigate("http://no-such-host.invalid/")
        tab.close()
        process, profile = chromium._process, Path(chromium._profile)
    assert process.poll() is not None  # the browser has exited
    assert not profile.exists()  # and its profile is gone
