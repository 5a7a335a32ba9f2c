"""Load: 20 people edit and review at once, each in a process of their own with its own connections.

Authors autosave answers on their own assessment, or on one of a team's shared assessments that several
sessions edit at once; reviewers comment (with a verdict) and record their opinion on assessments in review.
Every process logs each write the store acknowledged and each conflict it reported. Afterwards
:func:`check` reads the database back: every acknowledged write must be there, in the right assessment and
question, the last one winning; no two saves may have been acknowledged on the same version (a lost update);
every conflict must have been reported as ConflictError and kept, and no refused value may be stored.

    python benchmarks/bench_load.py [--users 20] [--seconds 10] [--pause 0.5] [--no-postgres]

prints two rows per database: backend, users, pause, ops, ops/s, p50, p95 (ms per operation), the machine's
CPUs busy on average, errors. In the first, nobody pauses: each person starts an operation as soon as the last
one returned, so the store is saturated and, by Little's law, the mean time of an operation is the number of
people divided by the throughput: it shows capacity and correctness under contention, not what a person
waits. In the second, each person starts one operation every ``--pause`` seconds (an autosave every half
second is a fast typist), which is what people do, and its p50 and p95 are what they wait.
PostgreSQL comes from DPIA_BENCH_POSTGRES_URL or DPIA_TEST_POSTGRES_URL, else a throwaway cluster
(scripts/pg-throwaway.sh). tests/faults/test_load.py runs a short, bounded version and checks correctness only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.context import ForkServerContext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import store  # noqa: E402
from engine.loader import load_catalog  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "sample.yaml"
TEXT_QUESTIONS = ("context.feature", "context.description")
NUMBER_QUESTION = "context.people"
COMMENT_QUESTIONS = ("tech.cameras", "context.people", None)
VERDICTS = ("acceptable", "improvable", "to_correct", None)
OPINION_SHARE = 0.2  # of a reviewer's operations; the rest are comments
# what a forkserver imports once (a fresh interpreter takes seconds to import the store and a database driver)
PRELOAD = [
    "store",
    "engine.loader",
    "psycopg",
    "sqlalchemy.dialects.postgresql.psycopg",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "benchmarks.bench_load",
]
QUESTIONNAIRES = load_catalog([SAMPLE]).questionnaires  # loaded once, before the processes are forked


# --- who does what ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """One simulated person: a store user working on some assessments."""

    number: int
    user: str
    role: str  # "author" or "reviewer"
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Setup:
    people: tuple[Person, ...]
    solo: tuple[str, ...]  # assessments one session edits
    shared: tuple[str, ...]  # assessments several sessions of the team account edit
    in_review: tuple[str, ...]
    versions: dict[str, int]  # assessment -> version before the run


@dataclass(frozen=True)
class Write:
    """A write the store acknowledged (``version`` is None for a comment, which does not move it)."""

    kind: str  # "answer", "comment" or "opinion"
    user: str
    assessment: str
    question: str | None
    value: Any
    version: int | None = None
    comment_id: int | None = None
    verdict: str | None = None


@dataclass(frozen=True)
class Refused:
    """A write the store refused with ConflictError."""

    kind: str
    user: str
    assessment: str
    question: str | None
    value: Any
    conflict_id: int | None


@dataclass
class Report:
    """What one person's process did."""

    user: str
    role: str
    writes: list[Write] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)


def plan(users: int) -> list[tuple[str, str, str]]:
    """(user, role, kind of work) for each person: 40 % solo authors, 30 % team sessions, the rest reviewers."""
    solo = max(1, users * 2 // 5)
    team = max(2, users * 3 // 10)
    reviewers = max(1, users - solo - team)
    return (
        [(f"author{i:02d}", "author", "solo") for i in range(solo)]
        + [("team", "author", "team") for _ in range(team)]
        + [(f"reviewer{i:02d}", "reviewer", "review") for i in range(reviewers)]
    )


def set_up(url: str, users: int) -> Setup:
    """Users and assessments for ``users`` people; the team shares 2 assessments, reviewers have 3."""
    db = store.open_store(url, questionnaires=QUESTIONNAIRES)
    try:
        store.ensure_user(db, "team", ["author"])
        store.ensure_user(db, "owner", ["author"])
        roles = plan(users)
        for user, role, _ in roles:
            store.ensure_user(db, user, [role])
        solo = {
            user: store.create_assessment(db, "sample", f"{user}'s feature", user).id
            for user, _, k in roles
            if k == "solo"
        }
        shared = tuple(store.create_assessment(db, "sample", f"Shared {i}", "team").id for i in range(2))
        first_reviewer = next(user for user, _, kind in roles if kind == "review")
        in_review = []
        for i in range(3):
            a = store.create_assessment(db, "sample", f"In review {i}", "owner", answers={"context.people": 10})
            a = store.submit(db, a.id, "owner", a.version)
            in_review.append(store.start_review(db, a.id, first_reviewer, a.version).id)
        people = []
        for number, (user, role, kind) in enumerate(roles):
            targets = (solo[user],) if kind == "solo" else shared if kind == "team" else tuple(in_review)
            people.append(Person(number, user, role, targets))
        every = [*solo.values(), *shared, *in_review]
        versions = {aid: store.get_assessment(db, aid).version for aid in every}
        return Setup(tuple(people), tuple(solo.values()), shared, tuple(in_review), versions)
    finally:
        db.close()


# --- one person's process --------------------------------------------------------------------------


def work(person: Person, url: str, ready: Any, seconds: float, max_ops: int, results: Any, pause: float = 0.0) -> None:
    """Run one person for ``seconds`` or ``max_ops`` operations, from when everyone is ready, one every ``pause``
    seconds (0: each as soon as the last returned); put their Report on ``results``. An operation's time is the
    store call's (a conflict's re-read is not counted)."""
    report = Report(person.user, person.role)
    rng = random.Random(person.number)
    db = None
    try:
        db = store.open_store(url, questionnaires=QUESTIONNAIRES, migrate=False)
        versions = {aid: store.get_assessment(db, aid).version for aid in person.targets}
        ready.wait(timeout=120)
        deadline = time.perf_counter() + seconds
        next_at = time.perf_counter() + rng.uniform(0, pause)  # people do not all type at the same instant
        for seq in range(max_ops):
            if pause:
                time.sleep(max(0.0, next_at - time.perf_counter()))
                next_at += pause
            if time.perf_counter() >= deadline:
                break
            aid = person.targets[seq % len(person.targets)] if person.role == "author" else rng.choice(person.targets)
            act = _autosave if person.role == "author" else _review
            began = time.perf_counter()
            try:
                versions[aid] = act(db, person, aid, seq, versions[aid], rng, report)
            except store.ConflictError:
                report.latencies.append(time.perf_counter() - began)
                versions[aid] = store.get_assessment(db, aid).version  # as the app re-reads the assessment
                continue
            except Exception as e:  # every other failure is a finding of the load test
                report.errors.append(f"{person.user} op {seq} on {aid}: {type(e).__name__}: {e}")
                continue
            report.latencies.append(time.perf_counter() - began)
    except Exception as e:
        report.errors.append(f"{person.user}: {type(e).__name__}: {e}")
    finally:
        if db is not None:
            db.close()
        results.put(report)


def _autosave(
    db: store.Store, person: Person, aid: str, seq: int, version: int, rng: random.Random, report: Report
) -> int:
    question = rng.choice((*TEXT_QUESTIONS, NUMBER_QUESTION))
    # every value is unique, and a text value names where it belongs: a stored value tells who wrote it where
    value: Any = (
        person.number * 1_000_000 + seq
        if question == NUMBER_QUESTION
        else f"{person.user}#{person.number}.{seq}@{aid}/{question}"
    )
    try:
        saved = store.save_answer(db, aid, question, value, version, person.user)
    except store.ConflictError as e:
        report.refused.append(Refused("answer", person.user, aid, question, value, e.conflict_id))
        raise
    report.writes.append(Write("answer", person.user, aid, question, saved.value, version=saved.version))
    return saved.version


def _review(
    db: store.Store, person: Person, aid: str, seq: int, version: int, rng: random.Random, report: Report
) -> int:
    if rng.random() < OPINION_SHARE:
        opinion = f"opinion {person.user}#{person.number}.{seq}@{aid}"
        try:
            view = store.record_opinion(db, aid, person.user, opinion, version)
        except store.ConflictError as e:
            report.refused.append(Refused("opinion", person.user, aid, None, opinion, e.conflict_id))
            raise
        report.writes.append(Write("opinion", person.user, aid, None, opinion, version=view.version))
        return view.version
    question, verdict = rng.choice(COMMENT_QUESTIONS), rng.choice(VERDICTS)
    text = f"comment {person.user}#{person.number}.{seq}@{aid}/{question}"
    comment = store.add_comment(db, aid, person.user, text, question_id=question, verdict=verdict)
    report.writes.append(Write("comment", person.user, aid, question, text, comment_id=comment.id, verdict=verdict))
    return version


# --- the run --------------------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    users: int
    reports: list[Report]
    seconds: float
    pause: float = 0.0
    cpus_busy: float = float("nan")  # the machine's CPUs busy on average during the run (/proc/stat)

    @property
    def ops(self) -> int:
        return sum(len(r.latencies) for r in self.reports)

    @property
    def errors(self) -> list[str]:
        return [e for r in self.reports for e in r.errors]

    def percentile(self, fraction: float) -> float:
        times = sorted(t for r in self.reports for t in r.latencies)
        return times[min(len(times) - 1, int(fraction * len(times)))] if times else 0.0


def run_load(
    url: str,
    setup: Setup,
    *,
    seconds: float,
    max_ops: int = 10**9,
    pause: float = 0.0,
    context: ForkServerContext | None = None,
) -> Result:
    """Start every person at once, each in its own process, and collect their reports."""
    context = context or multiprocessing.get_context("forkserver")
    ready, results = context.Barrier(len(setup.people) + 1), context.Queue()
    processes = [
        context.Process(target=work, args=(p, url, ready, seconds, max_ops, results, pause), name=p.user)
        for p in setup.people
    ]
    for process in processes:
        process.start()
    ready.wait(timeout=120)
    began, cpu_before = time.perf_counter(), _cpu_jiffies()
    reports = [results.get(timeout=seconds + 120) for _ in processes]
    elapsed, cpu_after = time.perf_counter() - began, _cpu_jiffies()
    for process in processes:
        process.join(timeout=30)
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    busy, total = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
    cpus_busy = busy / total * (os.cpu_count() or 1) if total else float("nan")
    return Result(backend, len(setup.people), reports, elapsed, pause, cpus_busy)


def _cpu_jiffies() -> tuple[int, int]:
    """(busy, total) time of all the machine's CPUs since boot, in clock ticks (/proc/stat); (0, 0) without it."""
    try:
        ticks = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    idle = ticks[3] + ticks[4]  # idle and waiting for I/O
    return sum(ticks) - idle, sum(ticks)


# --- the check ------------------------------------------------------------------------------------


def check(url: str, setup: Setup, reports: list[Report]) -> list[str]:
    """Everything the database holds against what the processes were told; one line per problem."""
    writes = [w for r in reports for w in r.writes]
    refused = [x for r in reports for x in r.refused]
    problems = [e for r in reports for e in r.errors]
    db = store.open_store(url, questionnaires=QUESTIONNAIRES, migrate=False)
    try:
        for aid in (*setup.solo, *setup.shared, *setup.in_review):
            mine = [w for w in writes if w.assessment == aid]
            problems += _check_assessment(
                db, aid, setup.versions[aid], mine, [x for x in refused if x.assessment == aid]
            )
        solo_conflicts = [x for x in refused if x.assessment in setup.solo]
        problems += [f"conflict on {x.assessment}, which only {x.user} edits: {x.value!r}" for x in solo_conflicts]
    finally:
        db.close()
    return problems


def _check_assessment(db: store.Store, aid: str, before: int, writes: list[Write], refused: list[Refused]) -> list[str]:
    problems: list[str] = []
    view = store.get_assessment(db, aid)
    moving = [w for w in writes if w.version is not None]
    twice = [v for v, n in Counter(w.version for w in moving).items() if n > 1]
    problems += [f"{aid}: two writes were acknowledged as version {v} (a lost update)" for v in twice]
    if view.version != before + len(moving):
        problems.append(f"{aid}: version {view.version}, expected {before} + {len(moving)} acknowledged writes")
    last: dict[str | None, Write] = {}
    for w in sorted((w for w in moving if w.kind == "answer"), key=lambda w: w.version or 0):
        last[w.question] = w
    for question, w in last.items():
        if view.answers.get(question or "") != w.value:
            problems.append(f"{aid}: {question} is {view.answers.get(question or '')!r}, the last save was {w.value!r}")
    for question, value in view.answers.items():
        if isinstance(value, str) and "@" in value and not value.endswith(f"@{aid}/{question}"):
            problems.append(f"{aid}: {question} holds {value!r}, written for another assessment or question")
    stored_values = set(map(repr, view.answers.values())) | {repr(view.review.get("opinion"))}
    problems += [f"{aid}: the refused {x.value!r} is stored" for x in refused if repr(x.value) in stored_values]
    problems += _check_conflicts(db, aid, [x for x in refused if x.kind == "answer"])
    problems += _check_review(db, aid, view, writes)
    return problems


def _check_conflicts(db: store.Store, aid: str, refused: list[Refused]) -> list[str]:
    kept = {c.id: c for c in store.list_conflicts(db, aid, include_resolved=True)}
    problems = [
        f"{aid}: ConflictError without a kept conflict: {x.value!r}" for x in refused if x.conflict_id not in kept
    ]
    for x in refused:
        c = kept.get(x.conflict_id or -1)
        if c is not None and (c.question_id, c.attempted) != (x.question, x.value):
            problems.append(
                f"{aid}: conflict {c.id} keeps {c.question_id}={c.attempted!r}, not {x.question}={x.value!r}"
            )
    if len(kept) != len(refused):
        problems.append(f"{aid}: {len(kept)} conflicts kept, {len(refused)} reported")
    return problems


def _check_review(db: store.Store, aid: str, view: store.AssessmentView, writes: list[Write]) -> list[str]:
    problems: list[str] = []
    acked = {w.comment_id: w for w in writes if w.kind == "comment"}
    stored = {c.id: c for c in store.comments(db, aid)}
    if set(stored) != set(acked):
        odd = sorted(set(stored) ^ {cid for cid in acked if cid is not None})
        problems.append(f"{aid}: comments {odd} are stored or acknowledged, not both")
    for cid, w in acked.items():
        c = stored.get(cid or -1)
        if c is not None and (c.author, c.question_id, c.text, c.verdict) != (w.user, w.question, w.value, w.verdict):
            problems.append(f"{aid}: comment {cid} is {(c.author, c.question_id, c.text, c.verdict)}, not as written")
    opinions = sorted((w for w in writes if w.kind == "opinion"), key=lambda w: w.version or 0)
    if opinions and view.review.get("opinion") != opinions[-1].value:
        problems.append(f"{aid}: opinion {view.review.get('opinion')!r}, the last recorded was {opinions[-1].value!r}")
    logged = Counter(e.to_value for e in store.audit_log(db, aid) if e.action == "opinion")
    if logged != Counter(w.value for w in opinions):
        problems.append(f"{aid}: the audit log's opinions differ from the acknowledged ones")
    return problems


# --- the benchmark --------------------------------------------------------------------------------


def row(result: Result) -> str:
    ops = result.ops
    pause = f"{result.pause:g} s" if result.pause else "none"
    return (
        f"| {result.backend} | {result.users} | {pause} | {ops:,} | {ops / result.seconds:,.0f} | "
        f"{result.percentile(0.5) * 1000:.1f} ms | {result.percentile(0.95) * 1000:.1f} ms | "
        f"{result.cpus_busy:.2f} of {os.cpu_count()} | {len(result.errors)} |"
    )


def bench(url: str, users: int, seconds: float, pause: float, context: ForkServerContext) -> tuple[Result, list[str]]:
    setup = set_up(url, users)
    result = run_load(url, setup, seconds=seconds, pause=pause, context=context)
    return result, check(url, setup, result.reports)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--pause", type=float, default=0.5, help="seconds between one person's operations")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    print(f"machine: {sys.platform}, Python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    results: list[tuple[Result, list[str]]] = []
    with tempfile.TemporaryDirectory(prefix="dpia-bench-load-") as folder:
        for i, pause in enumerate((0.0, args.pause)):  # a new database each time
            results.append(bench(f"sqlite:///{folder}/load-{i}.sqlite", args.users, args.seconds, pause, context))
    if not args.no_postgres:
        from benchmarks.bench_store import Postgres

        pg = Postgres()
        try:
            if pg.start() is None:
                print("PostgreSQL: skipped (no server and no server binaries)")
            else:
                for pause in (0.0, args.pause):
                    results.append(bench(pg.new_database(), args.users, args.seconds, pause, context))
        finally:
            pg.stop()
    print(f"load average at end: {os.getloadavg()[0]:.1f} (figures stretch when other work shares the CPUs)")
    print(
        f"{args.seconds:g} s per run; p50/p95: time of one operation (autosave, comment or opinion); pause: between "
        f"one person's operations (none: the store saturated, where an operation's mean time is the number of "
        f"people divided by the throughput)\n"
    )
    print("| backend | users | pause | ops | ops/s | p50 | p95 | CPUs busy | errors |")
    print("|---|---|---|---|---|---|---|---|---|")
    for result, _ in results:
        print(row(result))
    wrong = [p for _, problems in results for p in problems]
    for problem in wrong[:20]:
        print(f"WRONG: {problem}", file=sys.stderr)
    conflicts = sum(len(r.refused) for result, _ in results for r in result.reports)
    print(f"\nconflicts reported (and kept): {conflicts}; problems found by the check: {len(wrong)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
