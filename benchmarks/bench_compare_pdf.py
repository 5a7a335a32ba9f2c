"""PDF routes compared: our ReportLab report against the same content printed by Chromium and WeasyPrint.

The hotel example's report and a ~100-page report, each rendered in one run by

* ReportLab, our route: ``report.render_pdf`` (evaluate, report model, layout, PDF/A-3b with
  ``assessment.json`` attached) and, like for like with the HTML routes, the layout of the
  same report model alone (``report.render.render_story``);
* headless Chromium, kept warm through Playwright (a new page per render: HTML from the
  report model, ``goto``, ``pdf``), and cold from the command line (``--print-to-pdf``, the
  whole browser process per render);
* WeasyPrint, plain and (the hotel report) as PDF/A-3b with the same JSON attached.

The HTML comes from the same :class:`report.model.Report` (benchmarks/html_report.py), so
every route prints the same sections, tables, findings and heat maps; page breaks differ.
Chromium prints no PDF/A, no attachment and no table-of-contents page numbers
(``target-counter`` is WeasyPrint's); its PDF is untagged (Playwright's default).

Run: ``python benchmarks/bench_compare_pdf.py [--runs N] [--keep DIR]`` (or ``python -m benchmarks compare_pdf``).
A route whose dependency is missing is skipped with the reason.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_report import big, hotel, pages  # noqa: E402
from benchmarks.html_report import render_html  # noqa: E402
from engine.answers import Assessment  # noqa: E402
from engine.model import Questionnaire  # noqa: E402
from engine.scoring import evaluate  # noqa: E402

GENERATED = "2026-11-29"
BIG_SECTIONS = (28, 40)  # sections x questions of bench_report.big(), as bench_report: about 100 pages
NO_CHROMIUM = "no chromium on PATH (Debian: apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root; the page is our own file
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Document:
    """One report: what every route needs to render it."""

    name: str
    q: Questionnaire
    a: Assessment
    model: Any  # report.model.Report
    record: bytes  # assessment.json, as render_pdf attaches it
    html_file: Path  # the HTML written once, for the command-line route


@dataclass
class Result:
    route: str
    pages: int | None = None
    kib: float | None = None
    wall: list[float] | None = None
    cpu: list[float] | None = None  # every process of the route (this one and its children)
    skipped: str | None = None


def tree_cpu() -> float:
    """CPU seconds of this process and its descendants (live ones, and the children they reaped).

    Chromium works in helper processes, so the CPU of this process alone would leave it out.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    used: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        parents[int(entry)] = int(fields[1])
        used[int(entry)] = sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    mine = {os.getpid()}
    grew = True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in mine} - mine
        grew = bool(more)
        mine |= more
    return sum(used.get(pid, 0) for pid in mine) / ticks


def document(name: str, q: Questionnaire, a: Assessment, folder: Path) -> Document:
    """The report model render_pdf builds (same steps), and its HTML written to ``folder``."""
    from report import record as rec
    from report.model import Provenance, build_report

    ev = evaluate(q, a.answers, "en")
    when = rec.report_datetime(GENERATED, a)
    record = rec.build_record(q, a, ev, lang="en", status="draft", version=1, generated=when)
    provenance = Provenance(
        "draft", 1, rec.visible_date(when), rec.questionnaire_sha256(q), rec.sha256(record), rec.engine_version()
    )
    model = build_report(q, a, ev, "en", provenance)
    html_file = folder / f"{name}.html"
    html_file.write_text(render_html(model), encoding="utf-8")
    return Document(name, q, a, model, record, html_file)


@dataclass
class Route:
    name: str
    render: Callable[[], bytes]
    runs: int
    settle: Callable[[], None] | None = None  # after the wall time, before the CPU time is read


def run_routes(routes: list[Route]) -> list[Result]:
    """Render each route once to warm up (fonts, imports, the browser's first page), then in turns.

    Taking turns (route 1, 2, 3, ..., then again) spreads other load on a shared machine over every
    route, so the ratios hold better than the absolute times.
    """
    results = []
    for route in routes:
        pdf = route.render()
        if route.settle:
            route.settle()
        results.append(Result(route.name, pages(pdf), len(pdf) / 1024, [], []))
    for turn in range(max(r.runs for r in routes)):
        for route, result in zip(routes, results, strict=True):
            if turn >= route.runs:
                continue
            c, w = tree_cpu(), time.perf_counter()
            route.render()
            assert result.wall is not None and result.cpu is not None
            result.wall.append(time.perf_counter() - w)
            if route.settle:
                route.settle()
            result.cpu.append(tree_cpu() - c)
    return results


# --- the routes ------------------------------------------------------------------------------------


def reportlab_routes(doc: Document) -> list[tuple[str, Callable[[], bytes]]]:
    import report
    from report.render import render_story

    return [
        (
            "ReportLab: render_pdf (evaluate, model, layout, PDF/A-3b + JSON)",
            lambda: report.render_pdf(doc.q, doc.a, generated=GENERATED),
        ),
        ("ReportLab: layout of the report model only (no PDF/A)", lambda: render_story(doc.model)),
    ]


def weasyprint_routes(doc: Document) -> list[tuple[str, Callable[[], bytes]]]:
    from weasyprint import HTML, Attachment

    base = str(ROOT)

    def plain() -> bytes:
        return HTML(string=render_html(doc.model), base_url=base).write_pdf()

    def archival() -> bytes:
        attachment = Attachment(string=doc.record.decode(), name="assessment.json", relationship="Data")
        return HTML(string=render_html(doc.model), base_url=base).write_pdf(
            pdf_variant="pdf/a-3b", attachments=[attachment]
        )

    return [
        ("WeasyPrint: HTML of the model -> PDF", plain),
        ("WeasyPrint: the same as PDF/A-3b + JSON", archival),
    ]


class WarmChromium:
    """One headless Chromium launched through Playwright and kept for every render, as a print service would."""

    def __init__(self, executable: str) -> None:
        from playwright.sync_api import sync_playwright

        self.playwright = sync_playwright().start()
        self.browser = self.playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)

    def render(self, doc: Document, folder: Path) -> bytes:
        path = folder / f"{doc.name}-warm.html"
        path.write_text(render_html(doc.model), encoding="utf-8")
        page = self.browser.new_page()
        try:
            page.goto(path.as_uri())
            return page.pdf(prefer_css_page_size=True, print_background=True)
        finally:
            page.close()

    def close(self) -> None:
        self.browser.close()
        self.playwright.stop()


class ChromiumCli:
    """``chromium --headless --print-to-pdf``, one browser process per render.

    Some of its helpers outlive the browser process and would be re-parented to init, their CPU
    lost: as a child subreaper this process inherits them, and :meth:`settle` reaps them (after the
    wall time is taken: the command has returned and the PDF is written by then), so their CPU counts.
    """

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.before: set[int] = set()

    def render(self, doc: Document, folder: Path) -> bytes:
        out = folder / f"{doc.name}-cli.pdf"
        self.before = _children()
        flags = [*CHROMIUM_ARGS, "--no-pdf-header-footer", f"--print-to-pdf={out}"]
        subprocess.run(
            [self.executable, "--headless", *flags, doc.html_file.as_uri()],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return out.read_bytes()

    def settle(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            orphans = _children() - self.before
            if not orphans:
                return
            for pid in orphans:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, os.WNOHANG)
            time.sleep(0.02)


def _children() -> set[int]:
    """Ids of this process's children (not its grandchildren)."""
    me = str(os.getpid())
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[1] == me:
                        out.add(int(entry))
            except (OSError, IndexError):
                continue
    return out


def become_subreaper() -> None:
    """Orphaned descendants (Chromium's helpers) become our children, so their CPU can be counted (Linux)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def compare(
    doc: Document, runs: int, folder: Path, chromium: str | None, warm: WarmChromium | str, archival_too: bool
) -> list[Result]:
    """Every route on one document; ``warm`` is the kept browser, or why there is none.

    The slow routes (a cold browser per render, WeasyPrint) run half as many times, at least twice.
    """
    slow = max(2, runs // 2)
    routes = [Route(name, fn, runs) for name, fn in reportlab_routes(doc)]
    skipped = []
    if isinstance(warm, WarmChromium):
        routes.append(
            Route("Chromium warm (Playwright): HTML of the model -> PDF", lambda: warm.render(doc, folder), runs)
        )
    else:
        skipped.append(Result("Chromium warm (Playwright)", skipped=warm))
    if chromium:
        cli = ChromiumCli(chromium)
        routes.append(
            Route(
                "Chromium CLI --print-to-pdf (a cold browser per render)",
                lambda: cli.render(doc, folder),
                slow,
                cli.settle,
            )
        )
    else:
        skipped.append(Result("Chromium CLI", skipped=NO_CHROMIUM))
    try:
        weasy = weasyprint_routes(doc)
    except (ImportError, OSError) as e:  # OSError: pango or its friends missing
        skipped.append(
            Result("WeasyPrint", skipped=f"weasyprint unusable: {e} (pip install -r requirements-bench.txt)")
        )
    else:
        routes += [Route(name, fn, slow) for name, fn in weasy[: 2 if archival_too else 1]]
    return run_routes(routes) + skipped


def start_warm(chromium: str | None) -> WarmChromium | str:
    """The kept browser, or the reason there is none."""
    if chromium is None:
        return NO_CHROMIUM
    try:
        return WarmChromium(chromium)
    except ImportError:
        return "playwright is not installed (pip install -r requirements-dev.txt)"
    except Exception as e:  # the browser would not start: say why, time the other routes
        return f"Chromium did not start through Playwright: {str(e).splitlines()[0]}"


def print_table(title: str, results: list[Result]) -> None:
    """Ratios against ReportLab's full render_pdf and, like for like with the HTML routes, its layout alone."""
    full, layout = (statistics.median(x.wall or [0.0]) for x in results[:2])
    layout_cpu = statistics.median(results[1].cpu or [0.0])
    print(f"\n### {title}\n")
    print(
        "| route | pages | KiB | runs | median wall s | median CPU s (all processes) | "
        "× render_pdf (wall) | × RL layout (wall) | × RL layout (CPU) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in results:
        if r.skipped or not r.wall or not r.cpu:
            print(f"| {r.route} | skipped: {r.skipped} | | | | | | | |")
            continue
        wall, cpu = statistics.median(r.wall), statistics.median(r.cpu)
        print(
            f"| {r.route} | {r.pages} | {r.kib:,.0f} | {len(r.wall)} | {wall:.3f} | {cpu:.3f} | "
            f"{wall / full:.2f} | {wall / layout:.2f} | {cpu / layout_cpu:.2f} |"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=6, help="measured renders per fast route (after one warm-up)")
    parser.add_argument("--keep", type=Path, help="copy the HTML and one PDF of every route into this folder")
    args = parser.parse_args()

    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    become_subreaper()
    chromium = find_chromium()
    browser = "none"
    if chromium:
        browser = subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
    print(
        f"Python {sys.version.split()[0]}; reportlab {v('reportlab')}, pikepdf {v('pikepdf')}, "
        f"weasyprint {v('weasyprint')}, playwright {v('playwright')}; {browser}; {os.cpu_count()} CPUs"
    )

    with tempfile.TemporaryDirectory(prefix="dpia-bench-pdf-") as tmp:
        folder = Path(tmp)
        name, q, a = hotel()
        docs = [(f"hotel report ({name})", document("hotel", q, a, folder))]
        bq, ba = big(*BIG_SECTIONS)
        docs.append(
            (
                f"~100-page report (bench_report.big{BIG_SECTIONS}: {BIG_SECTIONS[0] * BIG_SECTIONS[1]} answers)",
                document("big", bq, ba, folder),
            )
        )
        warm = start_warm(chromium)
        try:
            for index, (title, doc) in enumerate(docs):
                print_table(title, compare(doc, args.runs, folder, chromium, warm, archival_too=index == 0))
                if args.keep:
                    keep(doc, args.keep, folder, chromium, warm)
        finally:
            if isinstance(warm, WarmChromium):
                warm.close()
    load = os.getloadavg()[0]
    print(
        f"\nload average at the end: {load:.2f} on {os.cpu_count()} CPUs. Wall times are medians after one warm-up "
        "render, the routes taking turns; the command-line Chromium and WeasyPrint routes run half as many times "
        "(at least twice). "
        "CPU counts every process of the route (Chromium's helpers and Playwright's driver included). "
        "WeasyPrint's PDF/A-3b run: the hotel report only."
    )
    return 0


def keep(doc: Document, target: Path, folder: Path, chromium: str | None, warm: WarmChromium | str) -> None:
    """Write each route's PDF for a look (pdftoppm) and the HTML they print."""
    import report

    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(doc.html_file, target / doc.html_file.name)
    (target / f"{doc.name}-reportlab.pdf").write_bytes(report.render_pdf(doc.q, doc.a, generated=GENERATED))
    if isinstance(warm, WarmChromium):
        (target / f"{doc.name}-chromium.pdf").write_bytes(warm.render(doc, folder))
    if chromium:
        cli = ChromiumCli(chromium)
        (target / f"{doc.name}-chromium-cli.pdf").write_bytes(cli.render(doc, folder))
        cli.settle()
    try:
        for index, (_route, fn) in enumerate(weasyprint_routes(doc)):
            (target / f"{doc.name}-weasyprint{'-pdfa' if index else ''}.pdf").write_bytes(fn())
    except (ImportError, OSError):
        pass


if __name__ == "__main__":
    sys.exit(main())
