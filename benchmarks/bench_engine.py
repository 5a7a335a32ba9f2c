"""Engine figures: loading questionnaires, evaluate() on the largest one, hostile YAML refusal.

Targets (issue #2): evaluate on the largest questionnaire median < 1 ms; loading every
questionnaire < 200 ms; an alias bomb or a 10 MB file refused in < 1 s and < 100 MB.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.timing import cpu_timed, timed  # noqa: E402
from engine.answers import load_answers  # noqa: E402
from engine.loader import load_catalog  # noqa: E402
from engine.model import Questionnaire  # noqa: E402
from engine.scoring import evaluate, outcome  # noqa: E402


def full_answers(q: Questionnaire) -> dict[str, Any]:
    """An answer to every question: the first option, yes, a number, a row per group."""
    answers: dict[str, Any] = {}
    for qid, question in q.questions.items():
        answers[qid] = sample_value(q, question)
    return answers


def sample_value(q: Questionnaire, question: Any) -> Any:
    kind = question.kind
    if kind == "yes_no":
        return True
    if kind == "single_choice":
        return question.options[0].value
    if kind == "multi_choice":
        return [o.value for o in question.options[:3]]
    if kind in ("short_text", "long_text"):
        return "text"
    if kind == "number":
        return int(question.max or 1000)
    if kind == "date":
        return "2026-11-29"
    if kind == "scale":
        return q.scales_by_id[question.scale].levels[-1].value
    if kind == "risk_rating":
        return {"likelihood_before": 4, "severity_before": 4, "likelihood_after": 2, "severity_after": 3}
    if kind == "group":
        return [{f.id: sample_value(q, f) for f in question.fields} for _ in range(5)]
    raise ValueError(kind)


def refusal(kind: str) -> tuple[float, float]:
    """Seconds and peak MB for loading a hostile file, in a fresh process."""
    code = f"""
import resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from engine.loader import load_text
from engine.errors import QuestionnaireError
if {kind!r} == "bomb":
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{{i}}: &a{{i}} [{{', '.join([f'*a{{i-1}}'] * 9)}}]" for i in range(1, 10)]
    data = "\\n".join(lines).encode()
else:
    data = b"id: x\\n" + b"# padding line\\n" * (10 * 1024 * 1024 // 15)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    load_text(data, "hostile.yaml")
except QuestionnaireError:
    pass
took = time.perf_counter() - start
print(took, (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - base) / 1024)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def first_load() -> tuple[float, float]:
    """Wall and CPU seconds for the first load_catalog of the questionnaires in a fresh process (imports done)."""
    code = f"""
import sys, time
sys.path.insert(0, {str(ROOT)!r})
from engine.loader import load_catalog
start, cpu = time.perf_counter(), time.process_time()
load_catalog([{str(ROOT / "questionnaires")!r}])
print(time.perf_counter() - start, time.process_time() - cpu)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), float(out[1])


def variants(q: Questionnaire, base: dict[str, Any], count: int, seed: int = 7) -> list[dict[str, Any]]:
    """``count`` answer sets, each with about half the answers drawn at random: new to the memo."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        answers = dict(base)
        for qid, question in q.questions.items():
            if rng.random() >= 0.5:
                continue
            if question.kind == "yes_no":
                answers[qid] = rng.random() < 0.5
            elif question.kind == "single_choice":
                answers[qid] = rng.choice(question.options).value
            elif question.kind == "multi_choice":
                answers[qid] = [o.value for o in question.options if rng.random() < 0.4] or None
            elif question.kind == "number":
                answers[qid] = rng.randint(0, 100_000)
        out.append(answers)
    return out


def row(label: str, fn: Callable[[], Any], repeat: int, target: str = "") -> None:
    """Median and p99 wall time, and the median CPU time (steadier when the machine is shared)."""
    runs = sorted(timed(fn, repeat))
    cpu = cpu_timed(fn, repeat)
    p99 = runs[max(0, int(len(runs) * 0.99) - 1)]
    print(
        f"| {label} | {statistics.median(runs) * 1e3:.3f} ms | {p99 * 1e3:.3f} ms | "
        f"{statistics.median(cpu) * 1e3:.3f} ms | {target} |"
    )


def main() -> None:
    folder = ROOT / "questionnaires"
    firsts = [first_load() for _ in range(7)]
    load_catalog([folder])  # warm imports
    loads = timed(lambda: load_catalog([folder]), 7)
    load_cpu = cpu_timed(lambda: load_catalog([folder]), 7)
    catalog = load_catalog([folder])
    if catalog.errors:
        raise SystemExit("questionnaires do not load: " + "; ".join(map(str, catalog.errors)))
    if not catalog.questionnaires:
        catalog = load_catalog([ROOT / "tests" / "fixtures" / "sample.yaml"])
    largest = max(catalog.questionnaires.values(), key=lambda q: (len(q.questions), len(q.rules)))
    full = full_answers(largest)

    cases: list[tuple[str, dict[str, Any]]] = [("every question answered", full)]
    example = ROOT / "examples" / "hotel-emotion-cameras-dpia.yaml"
    if example.exists():
        loaded = load_answers(example, catalog.questionnaires)
        if loaded.questionnaire.id == largest.id:
            cases.append(("hotel example", loaded.assessment.answers))
    cases.append(("nothing answered", {}))

    print(f"machine: {sys.platform}, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}")
    print(
        f"questionnaires: {', '.join(f'{q.id} ({len(q.questions)} q, {len(q.rules)} rules)' for q in catalog.questionnaires.values())}"
    )
    print()
    print("| measure | median | p99 | CPU median | target |")
    print("|---|---|---|---|---|")
    print(
        f"| load every questionnaire ({len(catalog.questionnaires)} files), first in a fresh process | "
        f"{statistics.median(w for w, _ in firsts) * 1e3:.1f} ms | {max(w for w, _ in firsts) * 1e3:.1f} ms (max of 7) | "
        f"{statistics.median(c for _, c in firsts) * 1e3:.1f} ms | < 200 ms |"
    )
    print(
        f"| load every questionnaire again, same process | {statistics.median(loads) * 1e3:.1f} ms | "
        f"{max(loads) * 1e3:.1f} ms (max of 7) | {statistics.median(load_cpu) * 1e3:.1f} ms | < 200 ms |"
    )
    for label, answers in cases:
        evaluate(largest, answers)
        row(f"evaluate {largest.id}, {label}, rerun", lambda a=answers: evaluate(largest, a), 2000, "< 1 ms")

    # The app's case: one answer changes between two evaluations.
    toggles = [qid for qid, question in largest.questions.items() if question.kind == "yes_no"]
    flips = [{**full, toggles[i % len(toggles)]: bool(i // len(toggles) % 2)} for i in range(4000)]
    it = iter(flips)
    row(
        f"evaluate {largest.id}, one answer changed since the last", lambda: evaluate(largest, next(it)), 2000, "< 1 ms"
    )

    it = iter(variants(largest, full, 1000))
    row(f"evaluate {largest.id}, a new answer set (half the answers random)", lambda: evaluate(largest, next(it)), 500)

    def cold() -> None:
        largest.render_cache.clear()  # nothing memoised: the first evaluation in a new process
        evaluate(largest, full)

    row(f"evaluate {largest.id}, nothing memoised", cold, 150)
    it = iter(variants(largest, full, 2000, seed=8))
    row(
        f"outcome {largest.id} (re-scoring, no explanations), a new answer set",
        lambda: outcome(largest, next(it)),
        1000,
    )

    start = time.perf_counter()
    count = 0
    while time.perf_counter() - start < 2.0:
        evaluate(largest, flips[count % len(flips)])
        count += 1
    print(f"| evaluations per second ({largest.id}, one answer changed each time) | {count / 2.0:,.0f}/s | | |")
    for kind, label in (("bomb", "alias bomb (9 levels x 9 aliases)"), ("big", "10 MB file")):
        seconds, mb = refusal(kind)
        print(f"| refuse {label} | {seconds * 1e3:.2f} ms | +{mb:.1f} MB peak | < 1 s, < 100 MB |")
    print()
    print(json.dumps({"largest": largest.id}))


if __name__ == "__main__":
    main()
