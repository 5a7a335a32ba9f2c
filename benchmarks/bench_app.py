"""App figures: server-side time of a rerun after one answer on the full DPIA, first page ready in a browser,
memory of the server after 50 assessments were opened.

Targets (the app's brief): rerun median < 50 ms; first page ready < 2 s after the server is up.

* Rerun: AppTest on the real app and the real questionnaires with a temporary SQLite store. The time is the
  script run itself (``ScriptRunner._run_script``, timed in the script thread), callbacks and the autosave
  included. AppTest compiles the page scripts on every run while the server compiles them once, so the
  benchmark gives AppTest one script cache, as the server has.
* First page: the app started as ``make run`` starts it (``python -m views.serve``, which loads the
  questionnaires and opens the store before serving; ``streamlit run app.py`` is measured too) as a
  subprocess, Debian's Chromium (skipped with a message when /usr/bin/chromium is missing) driven over its
  DevTools pipe with nothing turned on but what timing needs (:mod:`benchmarks.devtools`), as a person's browser
  runs. Timed in the page, from the start of the navigation to the frame that paints the home page's title,
  then the page complete (its list of assessments, and the sidebar's sign-in). One page load varies by a few
  tenths of a second on a small machine, so each figure is the median of ``DPIA_BENCH_SAMPLES`` (default 7)
  samples, each on a newly started server and a newly started browser with an empty profile: the first visitor
  after the server is up, with nothing of Streamlit's in the browser's cache. A one-line Streamlit app measured
  the same way gives the floor. The same visits through Playwright, which the browser tests use, are timed too:
  Playwright has the browser report every request, console message and script context to it while the page
  loads, on the same CPUs, which cost the first page 0.1-0.35 s in our runs.
* Memory: the server's resident set size (VmRSS) after a browser session opened 50 assessments one after the
  other.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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


def _cpu_s(pid: int) -> float:
    """User plus system CPU seconds the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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


@contextlib.contextmanager
def _server(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> Iterator[tuple[str, int, float]]:
    """A Streamlit server started as a user starts it; its address, process id and seconds until healthy."""
    port = _free_port()
    server = subprocess.Popen(
        [*command, "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        up = _wait_healthy(base, server)
        if up is None:
            raise RuntimeError(f"the server did not start: {' '.join(command)}")
        yield base, server.pid, up
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass
class Visits:
    """Seconds until the title shows and until the page is complete, on a first and a next visit."""

    title: float
    complete: float
    next_title: float
    next_complete: float
    server_up: float
    server_cpu: float = float("nan")  # seconds of server CPU (user + system) over both visits


# Timed in the page itself: from the start of the navigation (the person pressing Enter) to the animation frame
# that paints the awaited elements. The check runs in that frame, before it is painted, and reads the layout the
# frame computes anyway: checking in the mutation callback itself forced a layout per batch of changes (25 on our
# first page, about 30 ms). Waiting with Playwright's ``expect`` instead adds its polling back-off (checks 0.1,
# 0.25, 0.5 then 1 s apart): a heading drawn just after a check was counted up to half a second late.
_MARK_WHEN_PAINTED = """
(() => {
  const shown = (css) => [...document.querySelectorAll(css)].some((e) => e.getClientRects().length > 0);
  let queued = false;
  const watch = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (SELECTORS.every(shown)) {
        watch.disconnect();
        (window.__marks ??= {})[NAME] = performance.now();
      }
    });
  });
  watch.observe(document, {subtree: true, childList: true, attributes: true});
})();
"""


class _PlaywrightTab:
    """A Playwright page behind :class:`benchmarks.devtools.Tab`'s four calls, to time the same visit through the
    driver the tests use."""

    def __init__(self, context: Any) -> None:
        self._page = context.new_page()

    def add_script(self, source: str) -> None:
        self._page.add_init_script(source)

    def navigate(self, url: str) -> None:
        self._page.goto(url, wait_until="commit")

    def evaluate(self, expression: str) -> Any:
        return self._page.evaluate(expression)

    def close(self) -> None:
        self._page.close()


@contextlib.contextmanager
def _browser(driver: str) -> Iterator[Callable[[], Any]]:
    """A new headless Chromium with an empty profile; yields a function that opens a tab in it.

    ``devtools`` (the figures): Chromium over its DevTools pipe, told only what timing needs
    (:mod:`benchmarks.devtools`). ``playwright``: through Playwright, which reports every request, console
    message and script context of the tab to its driver while the page loads, as in the browser tests.
    """
    if driver == "devtools":
        from benchmarks.devtools import Chromium

        with Chromium(CHROMIUM, CHROMIUM_ARGS) as chromium:
            yield chromium.new_tab
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context()
        try:
            yield lambda: _PlaywrightTab(context)
        finally:
            browser.close()


def _marks(tab: Any, names: tuple[str, ...], timeout: float = 30) -> dict[str, float]:
    """The page's marks once all of ``names`` are set, polled ten times a second (a tiny script each time)."""
    deadline = time.perf_counter() + timeout
    while True:
        marks = tab.evaluate("window.__marks ?? {}") or {}
        if all(name in marks for name in names):
            return {name: float(marks[name]) for name in names}
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the page did not show {[n for n in names if n not in marks]} in {timeout:.0f} s")
        time.sleep(0.1)


def _visits(new_tab: Callable[[], Any], url: str, title: list[str], complete: list[str], server_up: float) -> Visits:
    """A first visit (the browser's profile is empty), then the same person again in a new tab; ``title`` and
    ``complete`` are CSS selectors that must all match a displayed element."""
    took: list[float] = []
    for _ in range(2):
        tab = new_tab()
        for name, selectors in (("title", title), ("complete", complete)):
            tab.add_script(
                _MARK_WHEN_PAINTED.replace("SELECTORS", json.dumps(selectors)).replace("NAME", json.dumps(name))
            )
        tab.navigate(url)
        marks = _marks(tab, ("title", "complete"))
        took += [marks["title"] / 1000, marks["complete"] / 1000]
        tab.close()
    first_title, first_complete, next_title, next_complete = took
    return Visits(first_title, first_complete, next_title, next_complete, server_up=server_up)


def first_visits(
    samples: int, command: list[str], *, assessments: int = 50, drivers: tuple[str, ...] = ("devtools",)
) -> dict[str, list[Visits]]:
    """First pages of our app, each on a newly started server (the strictest case: the first visitor after the
    server is up) and a newly started browser, the ``drivers`` taking turns. Title: the home page's heading;
    complete: the list of ``assessments`` (a link each) and the sidebar's sign-in (the name under "Change your
    name", the role)."""
    env, _ = _app_env(assessments)
    out: dict[str, list[Visits]] = {driver: [] for driver in drivers}
    for _ in range(samples):
        for driver in drivers:
            with _server(command, ROOT, env) as (base, pid, up), _browser(driver) as new_tab:
                before = _cpu_s(pid)
                visits = _visits(new_tab, f"{base}/?as=Ada", [HOME_TITLE], HOME_COMPLETE, up)
                visits.server_cpu = _cpu_s(pid) - before
                out[driver].append(visits)
    return out


def hello_world_visits(samples: int) -> list[Visits]:
    """The floor on this machine: a one-line Streamlit app, measured the same way."""
    folder = Path(tempfile.mkdtemp(prefix="dpia-bench-hello-"))
    (folder / "hello.py").write_text('import streamlit as st\nst.title("Hello")\n', encoding="utf-8")
    command = [sys.executable, "-m", "streamlit", "run", "hello.py"]
    out = []
    for _ in range(samples):
        with _server(command, folder) as (base, _pid, up), _browser("devtools") as new_tab:
            out.append(_visits(new_tab, base, ["h1#hello"], ["h1#hello"], up))
    return out


def _app_env(assessments: int, folder: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """The app's environment on a new SQLite store (in ``folder``, else a new temporary folder) where Ada owns
    ``assessments`` DPIAs; and their ids."""
    import store
    from engine.loader import load_catalog

    folder = folder or Path(tempfile.mkdtemp(prefix="dpia-bench-browser-"))
    url = f"sqlite:///{folder}/bench.sqlite"
    catalog = load_catalog([ROOT / "questionnaires"]).questionnaires
    s = store.open_store(url, questionnaires=catalog)
    store.set_roles(s, "ada", ["author"], actor="ada", name="Ada")
    ids = [store.create_assessment(s, "dpia", f"Feature {i}", "ada").id for i in range(assessments)]
    s.close()
    env = {**os.environ, "DPIA_DATABASE_URL": url}
    env.pop("DPIA_QUESTIONNAIRES", None)  # the real questionnaires
    return env, ids


def memory_after_opening(assessments: int = 50) -> tuple[float, float, float]:
    """Server memory (VmRSS, MB) idle and after one browser session opened ``assessments`` one after the other,
    and the seconds each opening took on average."""
    from playwright.sync_api import expect, sync_playwright

    env, ids = _app_env(assessments)
    with _server(SERVE, ROOT, env) as (base, pid, _up), sync_playwright() as p:
        idle = _rss_mb(pid)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        start = time.perf_counter()
        for aid in ids:
            page.goto(f"{base}/assess?as=Ada&assessment={aid}")
            expect(page.get_by_text("Outcome so far")).to_be_visible(timeout=30_000)
        per_open = (time.perf_counter() - start) / len(ids)
        browser.close()
        return idle, _rss_mb(pid), per_open


HOME_TITLE = "h1#privacy-impact-assessments"  # Streamlit gives a heading the id of its anchor
HOME_COMPLETE = [  # the list of assessments (links); the sidebar's sign-in: "Change your name" and the role
    '[data-testid="stMain"] [data-testid="stPageLink-NavLink"]',
    '[data-testid="stSidebar"] [data-testid="stPopover"] button',
    '[data-testid="stSidebar"] .st-key-role button',
]
SERVE = [sys.executable, "-m", "views.serve"]  # how `make run` starts the app: warmed up before serving
STREAMLIT_RUN = [sys.executable, "-m", "streamlit", "run", "app.py"]


def _spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f})"


def main() -> None:
    rerun = rerun_after_one_answer()
    print(
        f"rerun after one answer (full DPIA, {rerun['findings']} flags, AppTest, {rerun['runs']} runs): "
        f"median {rerun['median_ms']:.1f} ms, p90 {rerun['p90_ms']:.1f} ms, min {rerun['min_ms']:.1f} ms "
        f"(target: median < 50 ms); CPU time of the script thread: median {rerun['median_cpu_ms']:.1f} ms"
    )
    if not Path(CHROMIUM).exists():
        print(f"browser figures: skipped, {CHROMIUM} is missing")
        return
    samples = int(os.environ.get("DPIA_BENCH_SAMPLES", "7"))
    print(
        f"first pages: {samples} samples, each on a newly started server and a newly started browser with an "
        f"empty profile (Debian's Chromium, headless, over its DevTools pipe; browser and server share this "
        f"machine's {os.cpu_count()} CPUs); "
        f"load average {os.getloadavg()[0]:.1f}; timed in the page from the start of the navigation"
    )
    hello = hello_world_visits(samples)
    both = first_visits(samples, SERVE, drivers=("devtools", "playwright"))
    ours, through_playwright = both["devtools"], both["playwright"]
    plain = first_visits(max(3, samples // 2), STREAMLIT_RUN, assessments=5)["devtools"]
    print(f"server up (health ok) after {_spread([v.server_up for v in ours])}")
    print(f"server CPU for a first visit and a next one: {_spread([v.server_cpu for v in ours])}")
    print(
        f"floor, a one-line Streamlit app: first page {_spread([v.title for v in hello])}; "
        f"next visit {_spread([v.next_title for v in hello])}"
    )
    print(f"first page, title: {_spread([v.title for v in ours])} (target < 2 s)")
    print(
        f"first page, complete (the list of 50 assessments, the sidebar's sign-in): "
        f"{_spread([v.complete for v in ours])}"
    )
    print(
        f"the same through Playwright (the tests' driver: it has the browser report every request, console "
        f"message and script context while the page loads): title {_spread([v.title for v in through_playwright])}, "
        f"complete {_spread([v.complete for v in through_playwright])}"
    )
    print(
        f"next visit (a new tab, Streamlit's scripts cached): title {_spread([v.next_title for v in ours])}, "
        f"complete {_spread([v.next_complete for v in ours])}"
    )
    print(
        f"the same started with `streamlit run app.py` (no warm-up, 5 assessments): server up after "
        f"{_spread([v.server_up for v in plain])}, title {_spread([v.title for v in plain])}, "
        f"complete {_spread([v.complete for v in plain])}"
    )
    idle, after, per_open = memory_after_opening()
    print(f"opening one assessment by deep link: {per_open:.2f} s on average")
    print(f"server memory (VmRSS): {idle:.0f} MB idle, {after:.0f} MB after 50 assessments were opened")


if __name__ == "__main__":
    main()
