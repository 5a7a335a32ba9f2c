"""Store figures: autosave latency, re-scoring 10,000 stored assessments, memory while re-scoring.

Targets: autosave of one answer median < 5 ms on SQLite; re-scoring 10,000 assessments < 20 s on SQLite
and on PostgreSQL with memory flat. PostgreSQL comes from DPIA_BENCH_POSTGRES_URL or DPIA_TEST_POSTGRES_URL
(a user that may create databases), else a throwaway cluster started with scripts/pg-throwaway.sh.

    python benchmarks/bench_store.py [--count 10000] [--saves 300] [--no-postgres]
"""

from __future__ import annotations

import argparse
import gc
import glob
import itertools
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

import store  # noqa: E402
from engine.answers import check_answers  # noqa: E402
from engine.loader import load_catalog, load_text  # noqa: E402
from engine.model import Questionnaire  # noqa: E402
from engine.scoring import outcome as score_outcome  # noqa: E402
from store.db import now  # noqa: E402
from store.models import Assessment, User, UserRole  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "sample.yaml"
SCRIPT = ROOT / "scripts" / "pg-throwaway.sh"


def sample_version(version: str, threshold: int, data_severity: str = "medium") -> Questionnaire:
    """The sample questionnaire with R-MON-001's head-count threshold and R-DATA-001's severity changed."""
    text_ = SAMPLE.read_text(encoding="utf-8")
    text_ = text_.replace('version: "1.0.0"', f'version: "{version}"', 1)
    text_ = text_.replace(
        "gte: {question: context.people, value: 1000}", f"gte: {{question: context.people, value: {threshold}}}"
    )
    text_ = text_.replace("- id: R-DATA-001\n    severity: medium", f"- id: R-DATA-001\n    severity: {data_severity}")
    return load_text(text_, f"sample-{version}.yaml")


def answer_patterns() -> list[dict[str, Any]]:
    patterns = []
    for people, cameras, setting, analysis, needed in itertools.product(
        (10, 800, 5000, 20000),
        (True, False),
        ("public_area", "workplace", "home"),
        (["emotions"], ["counting"], ["faces", "counting"]),
        (True, False),
    ):
        answers: dict[str, Any] = {
            "context.feature": "Benchmark feature",
            "context.description": "A feature described in a few sentences for the benchmark. " * 4,
            "context.people": people,
            "tech.cameras": cameras,
            "data.inventory": [
                {"category": "contact", "needed": True, "retention_days": 30},
                {"category": "health", "needed": needed, "retention_days": 400},
            ],
            "risk.access": {"likelihood_before": 3, "severity_before": 4, "likelihood_after": 2, "severity_after": 3},
        }
        if cameras:
            answers |= {"tech.setting": setting, "tech.analysis": analysis}
        patterns.append(answers)
    return patterns


def seed(db: store.Store, count: int, q: Questionnaire) -> float:
    """Insert ``count`` assessments (outcomes scored under ``q``) in bulk; returns seconds."""
    start = time.perf_counter()
    patterns = []
    for answers in answer_patterns():
        checked, problems = check_answers(q, answers)
        assert not problems, problems
        patterns.append((checked, score_outcome(q, checked)))
    at = now()
    with db.write() as session:
        if session.get(User, "bench") is None:
            session.add(User(id="bench", name="Bench", created=at))
            session.flush()
            session.add(UserRole(user_id="bench", role="author"))
    table = Assessment.__table__
    for chunk_start in range(0, count, 1000):
        rows = []
        for i in range(chunk_start, min(count, chunk_start + 1000)):
            answers, outcome = patterns[i % len(patterns)]
            rows.append(
                {
                    "id": uuid.uuid4().hex,
                    "title": f"Feature {i}",
                    "owner_id": "bench",
                    "questionnaire_id": q.id,
                    "questionnaire_version": q.version,
                    "metadata": {"feature": f"Feature {i}"},
                    "answers": answers,
                    "review": {},
                    "outcome": outcome,
                    "dpia_verdict": outcome["dpia"],
                    "ai_act_status": outcome["ai_act"],
                    "status": "draft",
                    "version": 1,
                    "revision": 1,
                    "created": at,
                    "updated": at,
                }
            )
        with db.engine.begin() as connection:
            connection.execute(insert(table), rows)
    return time.perf_counter() - start


def bench_autosave(db: store.Store, saves: int) -> tuple[list[float], list[float]]:
    a = store.create_assessment(db, "sample", "Autosave", "bench")
    version = a.version
    values = [
        ("context.people", lambda i: i),
        ("context.description", lambda i: f"Edit {i}: the team describes the feature in a few more words."),
        ("tech.cameras", lambda i: i % 2 == 0),
    ]
    timings, cpu = [], []
    for i in range(saves):
        question, value = values[i % len(values)]
        start, start_cpu = time.perf_counter(), time.process_time()
        version = store.save_answer(db, a.id, question, value(i), version, "bench").version
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return timings, cpu


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_rescore(db: store.Store, q_new: Questionnaire) -> dict[str, Any]:
    db.use_questionnaires({"sample": q_new})
    gc.collect()
    rss_before = max_rss_mb()
    stats = store.RescoreStats()
    start, start_cpu = time.perf_counter(), time.process_time()
    for _change in store.rescore(db, dry_run=False, batch_size=500, stats=stats):
        pass
    seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
    return {"seconds": seconds, "cpu": cpu, "stats": stats, "rss_before": rss_before, "rss_after": max_rss_mb()}


def bench_rescore_memory(db: store.Store, q_new: Questionnaire) -> dict[str, Any]:
    """Traced Python memory after each batch of a dry run: flat means it does not grow with the count."""
    db.use_questionnaires({"sample": q_new})
    gc.collect()
    after_batch: list[float] = []
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]

    def progress(_: store.RescoreStats) -> None:
        after_batch.append((tracemalloc.get_traced_memory()[0] - base) / 2**20)

    stats = store.RescoreStats()
    for _change in store.rescore(db, dry_run=True, batch_size=500, progress=progress, stats=stats):
        pass
    peak = (tracemalloc.get_traced_memory()[1] - base) / 2**20
    tracemalloc.stop()
    return {"after_batch": after_batch, "peak": peak, "stats": stats}


# --- databases ------------------------------------------------------------------------------------------------


class Postgres:
    """A PostgreSQL server: the one named in the environment, or a throwaway cluster."""

    def __init__(self) -> None:
        self.server = os.environ.get("DPIA_BENCH_POSTGRES_URL") or os.environ.get("DPIA_TEST_POSTGRES_URL")
        self.folder: str | None = None
        self.created: list[str] = []

    def start(self) -> str | None:
        if self.server:
            return self.server
        if not (os.environ.get("PGBIN") or glob.glob("/usr/lib/postgresql/*/bin/initdb")):
            return None
        self.folder = tempfile.mkdtemp(prefix="dpia-pg-bench.", dir="/tmp")
        os.rmdir(self.folder)
        started = subprocess.run([str(SCRIPT), "start", self.folder], capture_output=True, text=True)
        if started.returncode != 0:
            print(f"note: cannot start PostgreSQL: {started.stderr.strip()}", file=sys.stderr)
            return None
        self.server = started.stdout.strip()
        return self.server

    def new_database(self) -> str:
        assert self.server
        name = f"dpia_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(make_url(self.server).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(self.server).set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        if self.server and self.created and not self.folder:
            admin = create_engine(make_url(self.server).set(database="postgres"), isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                for name in self.created:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
        if self.folder:
            subprocess.run([str(SCRIPT), "stop", self.folder], capture_output=True)


def run_backend(name: str, url: str, count: int, saves: int, rows: list[tuple[str, ...]]) -> None:
    v1 = sample_version("1.0.0", 1000)
    v2 = sample_version("1.1.0", 10000, data_severity="high")  # changes about half of the outcomes
    v3 = sample_version("1.2.0", 500)
    db = store.open_store(url, questionnaires={"sample": v1})
    try:
        seeded = seed(db, count, v1)
        rows.append((name, f"seed {count:,} assessments (bulk insert)", f"{seeded:.1f} s", ""))
        timings, cpu = bench_autosave(db, saves)
        median, p95 = statistics.median(timings) * 1000, sorted(timings)[int(0.95 * len(timings))] * 1000
        target = "< 5 ms" if name == "SQLite" else ""
        cpu_median = statistics.median(cpu) * 1000
        rows.append(
            (
                name,
                f"autosave one answer ({saves} saves), median / p95",
                f"{median:.2f} / {p95:.2f} ms (CPU median {cpu_median:.2f} ms)",
                target,
            )
        )
        result = bench_rescore(db, v2)
        stats = result["stats"]
        rows.append(
            (
                name,
                f"re-score {stats.seen:,} (v1.0.0 -> v1.1.0), {stats.changed:,} changed and written",
                f"{result['seconds']:.1f} s ({stats.seen / result['seconds']:,.0f}/s; CPU {result['cpu']:.1f} s)",
                "< 20 s",
            )
        )
        rows.append(
            (
                name,
                "  peak RSS of the process before / after the re-score",
                f"{result['rss_before']:.0f} / {result['rss_after']:.0f} MB",
                "flat",
            )
        )
        memory = bench_rescore_memory(db, v3)
        batches = memory["after_batch"]
        middle = batches[len(batches) // 2] if batches else 0.0
        rows.append(
            (
                name,
                f"  traced memory after batch 1 / {len(batches) // 2 + 1} / {len(batches)} (dry run, 500 per batch)",
                f"{batches[0]:.1f} / {middle:.1f} / {batches[-1]:.1f} MB, peak {memory['peak']:.1f} MB",
                "flat",
            )
        )
    finally:
        db.close()


def run_real_questionnaire(url: str, count: int, rows: list[tuple[str, ...]]) -> None:
    """Re-scoring cost with the project's full DPIA questionnaire (dominated by evaluate())."""
    catalog = load_catalog([ROOT / "questionnaires"])
    q = catalog.questionnaires.get("dpia")
    if q is None:
        return
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_engine import full_answers, variants

    # a thousand different answer sets (half the answers drawn at random), so nothing is scored twice alike
    answer_sets = [check_answers(q, v)[0] for v in variants(q, full_answers(q), 1000)]
    db = store.open_store(url, questionnaires={"dpia": q})
    try:
        table = Assessment.__table__
        at = now()
        with db.write() as session:
            session.add(User(id="bench", name="Bench", created=at))
        with db.engine.begin() as connection:
            connection.execute(
                insert(table),
                [
                    {
                        "id": uuid.uuid4().hex,
                        "title": f"DPIA {i}",
                        "owner_id": "bench",
                        "questionnaire_id": "dpia",
                        "questionnaire_version": q.version,
                        "metadata": {"feature": f"DPIA {i}"},
                        "answers": answer_sets[i % len(answer_sets)],
                        "review": {},
                        "outcome": None,
                        "status": "draft",
                        "version": 1,
                        "revision": 1,
                        "created": at,
                        "updated": at,
                    }
                    for i in range(count)
                ],
            )
        stats = store.RescoreStats()
        start = time.perf_counter()
        for _ in store.rescore(db, dry_run=True, stats=stats):
            pass
        seconds = time.perf_counter() - start
        per = seconds / max(stats.seen, 1) * 1000
        rows.append(
            (
                "SQLite",
                f"re-score {stats.seen:,} full DPIAs (questionnaires/dpia.yaml, 1,000 different answer sets)",
                f"{seconds:.1f} s ({per:.2f} ms each; x10,000 = {per * 10:.0f} s)",
                "engine-bound",
            )
        )
    finally:
        db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--real", type=int, default=10000, help="full DPIAs to re-score (0: skip)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, ...]] = []
    print(f"machine: {sys.platform}, Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="dpia-bench-") as folder:
        run_backend("SQLite", f"sqlite:///{folder}/bench.sqlite", args.count, args.saves, rows)
        if args.real:
            run_real_questionnaire(f"sqlite:///{folder}/real.sqlite", args.real, rows)
    if not args.no_postgres:
        pg = Postgres()
        try:
            server = pg.start()
            if server is None:
                rows.append(("PostgreSQL", "skipped: no server and no server binaries", "", ""))
            else:
                run_backend("PostgreSQL", pg.new_database(), args.count, args.saves, rows)
        finally:
            pg.stop()
    print(f"load average at end: {os.getloadavg()[0]:.1f} (figures stretch when other work shares the CPUs)")
    print()
    print("| database | measure | figure | target |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
