"""App figures: server-side time of a rerun after one answer on the full DPIA, first page ready in a browser,
memory of the server after 50 assessments were opened.

Targets (the app's brief): rerun median < 50 ms; first page ready < 2 s after the server is up.

* Rerun: AppTest on the real app and the real questionnaires with a temporary SQLite store. The time is the
  script run itself (``ScriptRunner._run_script``, timed in the script thread), callbacks and the autosave
  included. AppTest compiles the page scripts on every run while the server compiles them once, so the
  benchmark gives AppTest one script cache, as the server has.
* First page and memory: the app started as ``make run`` starts it (``python -m views.serve``, which loads the
  questionnaires and opens the store before serving; ``streamlit run app.py`` is measured too) as a
  subprocess, Debian's Chromium through Playwright
  (skipped with a message when /usr/bin/chromium is missing). Memory is the server's resident set size
  (VmRSS) after a browser session opened 50 assessments one after the other.
"""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _shared_script_cache() -> None:
    from streamlit.runtime.scriptrunner import script_cache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = script_cache.ScriptCache()
    local_script_runner.ScriptCache = lambda: shared  # type: ignore[attr-defined,assignment]
    app_test.ScriptCache = lambda: shared  # type: ignore[attr-defined,assignment]


def _timed_script_runs() -> tuple[list[float], list[float]]:
    """Wall-clock and CPU time (of the script thread) of every script run from now on."""
    from streamlit.runtime.scriptrunner import script_runner

    wall: list[float] = []
    cpu: list[float] = []
    original = script_runner.ScriptRunner._run_script

    def timed(self: Any, rerun_data: Any) -> None:
        start, start_cpu = time.perf_counter(), time.thread_time()
        try:
            original(self, rerun_data)
        finally:
            wall.append(time.perf_counter() - start)
            cpu.append(time.thread_time() - start_cpu)

    script_runner.ScriptRunner._run_script = timed  # type: ignore[method-assign]
    return wall, cpu


def rerun_after_one_answer(repeat: int = 40) -> dict[str, float]:
    """Median and spread of the server-side rerun after one answer, on the full DPIA with the hotel answers."""
    folder = tempfile.mkdtemp(prefix="dpia-bench-")
    os.environ["DPIA_DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite"
    os.environ.pop("DPIA_QUESTIONNAIRES", None)
    _shared_script_cache()
    times, cpu = _timed_script_runs()

    from streamlit.testing.v1 import AppTest

    import store
    from engine.answers import load_answers
    from engine.loader import load_catalog

    catalog = load_catalog([ROOT / "questionnaires"]).questionnaires
    hotel = load_answers(ROOT / "tests" / "app" / "fixtures" / "hotel-screening.yaml", catalog).assessment
    s = store.open_store(questionnaires=catalog)
    store.set_roles(s, "ada", ["author"], actor="ada", name="Ada")
    a = store.create_assessment(s, "dpia", "Mood cameras", "ada", answers=hotel.answers)
    s.close()

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["as"] = "Ada"
    at.query_params["assessment"] = a.id
    at.run()
    at.switch_page("views/assess.py").run()
    at.radio(key="assess-section").set_value("scale").run()
    assert not at.exception, at.exception
    times.clear()
    cpu.clear()
    for i in range(repeat):
        at.number_input(key="q-scale-people").set_value(200_000 + i).run()
    assert not at.exception, at.exception
    ms = sorted(t * 1000 for t in times)
    return {
        "median_cpu_ms": statistics.median(t * 1000 for t in cpu),
        "median_ms": statistics.median(ms),
        "p90_ms": ms[int(len(ms) * 0.9) - 1],
        "min_ms": ms[0],
        "runs": len(ms),
        "findings": len(at.expander) - 1,
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _wait_healthy(base: str, server: subprocess.Popen[bytes]) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < 30:
        with contextlib.suppress(OSError):
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                return time.perf_counter() - start
        if server.poll() is not None:
            return None
        time.sleep(0.05)
    return None


def hello_world_first_page() -> tuple[float, float] | None:
    """The floor on this machine: a one-line Streamlit app's first page and next visit, measured the same way."""
    from playwright.sync_api import expect, sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="dpia-bench-hello-"))
    (folder / "hello.py").write_text('import streamlit as st\nst.title("Hello")\n', encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "hello.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        if _wait_healthy(base, server) is None:
            return None
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            visitor = browser.new_context()
            took = []
            for _ in range(2):  # first visit, then a new tab with the scripts cached
                page = visitor.new_page()
                start = time.perf_counter()
                page.goto(base)
                expect(page.get_by_role("heading", name="Hello")).to_be_visible(timeout=30_000)
                took.append(time.perf_counter() - start)
            browser.close()
        return took[0], took[1]
    finally:
        server.terminate()
        server.wait(timeout=10)


SERVE = [sys.executable, "-m", "views.serve"]  # how `make run` starts the app: warmed up before serving
STREAMLIT_RUN = [sys.executable, "-m", "streamlit", "run", "app.py"]


def browser_figures(assessments: int = 50, command: list[str] = SERVE) -> dict[str, Any] | str:
    """First page ready after the server is up, and server memory after ``assessments`` were opened."""
    if not Path(CHROMIUM).exists():
        return f"skipped: {CHROMIUM} is missing"
    from playwright.sync_api import expect, sync_playwright

    import store
    from engine.loader import load_catalog

    folder = tempfile.mkdtemp(prefix="dpia-bench-browser-")
    url = f"sqlite:///{folder}/bench.sqlite"
    catalog = load_catalog([ROOT / "questionnaires"]).questionnaires
    s = store.open_store(url, questionnaires=catalog)
    store.set_roles(s, "ada", ["author"], actor="ada", name="Ada")
    ids = [store.create_assessment(s, "dpia", f"Feature {i}", "ada").id for i in range(assessments)]
    s.close()
    port = _free_port()
    env = {**os.environ, "DPIA_DATABASE_URL": url}
    env.pop("DPIA_QUESTIONNAIRES", None)
    server = subprocess.Popen(
        [*command, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        start = time.perf_counter()
        while True:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{base}/_stcore/health", timeout=1).read() == b"ok":
                    break
            if time.perf_counter() - start > 30:
                return "skipped: the server did not start"
            time.sleep(0.05)
        up = time.perf_counter() - start
        rss_idle = _rss_mb(server.pid)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            visitor = browser.new_context()  # one browser profile: its cache is empty on the first visit

            def visit(page: Any) -> tuple[float, float]:
                """Seconds until the home page's title shows, and until its list of assessments does."""
                start = time.perf_counter()
                page.goto(f"{base}/?as=Ada")
                expect(page.get_by_role("heading", name="Privacy impact assessments")).to_be_visible(timeout=30_000)
                title = time.perf_counter() - start
                expect(page.locator(".st-key-home-open-mine")).to_be_visible(timeout=30_000)
                return title, time.perf_counter() - start

            page = visitor.new_page()
            first, complete = visit(page)
            # the same person again in a new tab (a new session; the browser has Streamlit's scripts cached)
            again = visitor.new_page()
            next_first, next_complete = visit(again)
            again.close()
            start = time.perf_counter()
            for aid in ids:
                page.goto(f"{base}/assess?as=Ada&assessment={aid}")
                expect(page.get_by_text("Outcome so far")).to_be_visible(timeout=30_000)
            per_open = (time.perf_counter() - start) / len(ids)
            browser.close()
        return {
            "hello_s": (hello_world_first_page() or (float("nan"),) * 2) if command is SERVE else (float("nan"),) * 2,
            "server_up_s": up,
            "first_page_s": first,
            "first_complete_s": complete,
            "next_page_s": next_first,
            "next_complete_s": next_complete,
            "open_assessment_s": per_open,
            "rss_idle_mb": rss_idle,
            "rss_after_mb": _rss_mb(server.pid),
        }
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    rerun = rerun_after_one_answer()
    print(
        f"rerun after one answer (full DPIA, {rerun['findings']} flags, AppTest, {rerun['runs']} runs): "
        f"median {rerun['median_ms']:.1f} ms, p90 {rerun['p90_ms']:.1f} ms, min {rerun['min_ms']:.1f} ms "
        f"(target: median < 50 ms); CPU time of the script thread: median {rerun['median_cpu_ms']:.1f} ms"
    )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    figures = browser_figures()
    if isinstance(figures, str):
        print(f"browser figures: {figures}")
        return
    print(f"server up (health ok) after {figures['server_up_s']:.2f} s")
    hello_first, hello_next = figures["hello_s"]
    print(
        f"floor: a one-line Streamlit app in the same browser: first page {hello_first:.2f} s, "
        f"next visit {hello_next:.2f} s"
    )
    print(
        f"first page in Chromium after the server is up: title and sidebar {figures['first_page_s']:.2f} s, "
        f"complete with the list of 50 assessments {figures['first_complete_s']:.2f} s (target < 2 s)"
    )
    print(
        f"next visit (a new tab of the same browser, scripts cached): title and sidebar {figures['next_page_s']:.2f} s, "
        f"complete {figures['next_complete_s']:.2f} s"
    )
    plain = browser_figures(assessments=5, command=STREAMLIT_RUN)
    if not isinstance(plain, str):
        print(
            f"the same started with `streamlit run app.py` (no warm-up): server up after {plain['server_up_s']:.2f} s, "
            f"title and sidebar {plain['first_page_s']:.2f} s, complete {plain['first_complete_s']:.2f} s"
        )
    print(f"opening one assessment by deep link: {figures['open_assessment_s']:.2f} s on average")
    print(
        f"server memory (VmRSS): {figures['rss_idle_mb']:.0f} MB idle, "
        f"{figures['rss_after_mb']:.0f} MB after 50 assessments were opened"
    )


if __name__ == "__main__":
    main()
