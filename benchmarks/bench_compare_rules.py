"""Rules compared: our conditions against CEL and JSON Logic on the same data, in one run.

A team could write the questionnaires' conditions in a general safe-expression language
instead of our YAML operators. This script translates every ``show_if`` (sections and
questions), every rule's ``when`` and every verdict-policy ``when`` of the real
questionnaires into

* CEL, run by cel-python (pure Python; both its tree interpreter and its transpiler to Python);
* JSON Logic, run by panzi-json-logic (pure Python);

checks that the translation is faithful, then times every condition of the largest
questionnaire on one answer set with each engine, next to our compiled conditions and our
full ``evaluate()``.

What is and is not compared:

* The foreign engines get the visible answers (hidden and unanswered questions are absent)
  and the derived values our engine computes while it runs (criteria met, findings fired,
  Art. 35(3) points, national-list items, exemption, risk levels), precomputed by our
  ``evaluate()`` into their data. They do not decide visibility or rule order themselves.
* CEL and JSON Logic have two truth values: an absent answer makes a leaf false. Ours has
  three (an unanswered question is UNKNOWN). Agreement is checked wherever ours is not
  UNKNOWN: by Kleene's logic such a value holds whatever the unknown answers turn out to be.
* Neither gives an explanation; ``check()`` builds our "fired because" facts and
  ``evaluate()`` also writes the localised findings, verdicts and risks.

Run: ``python benchmarks/bench_compare_rules.py`` (or ``python -m benchmarks compare_rules``).
Needs requirements-bench.txt (cel-python, panzi-json-logic); without them it says so and exits 0.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_engine import full_answers  # noqa: E402
from engine.answers import load_answers  # noqa: E402
from engine.conditions import (  # noqa: E402
    Condition,
    Context,
    Derived,
    Tri,
    argument,
    check,
    compile_condition,
    operator,
    record_rule,
)
from engine.loader import load_catalog  # noqa: E402
from engine.model import Questionnaire, RiskRating  # noqa: E402
from engine.scoring import evaluate  # noqa: E402
from tests.golden_cases import cases as golden_cases  # noqa: E402

QUESTIONNAIRES = ROOT / "questionnaires"
TIMED_ANSWERS = ROOT / "examples" / "hotel-emotion-cameras-dpia.yaml"
BUDGET_S = 3.0  # wall seconds of measurement per engine (at least MIN_RUNS runs)
MIN_RUNS = 15
MAX_RUNS = 3000
ROUNDS = 5  # the engines take turns, so a burst of other load hits all of them
_F, _U, _T = Tri.FALSE.value, Tri.UNKNOWN.value, Tri.TRUE.value


# --- the conditions and their data ---------------------------------------------------------------


@dataclass(frozen=True)
class Named:
    """A condition and where it comes from."""

    label: str
    cond: Condition


def conditions_of(q: Questionnaire) -> list[Named]:
    """Every section and question ``show_if``, rule ``when`` and verdict-policy ``when``."""
    out: list[Named] = []
    for section in q.sections:
        if section.show_if is not None:
            out.append(Named(f"section {section.id} show_if", section.show_if))
        for question in section.questions:
            if question.show_if is not None:
                out.append(Named(f"{question.id} show_if", question.show_if))
            for sub in getattr(question, "fields", []):
                if sub.show_if is not None:  # row-local: would need the row as context
                    raise SystemExit(f"{question.id}.{sub.id}: group-field show_if is not translated by this bench")
    out += [Named(f"rule {rule.id}", rule.when) for rule in q.rules]
    if q.verdict_policy:
        out += [Named(f"verdict {entry.id}", entry.when) for entry in q.verdict_policy.dpia]
    return out


@dataclass
class Prepared:
    """One answer set made ready for every engine."""

    ctx: Context  # ours: visible answers, hidden questions, derived values
    plain: dict[str, Any]  # the same as JSON data: {"a": answers by id, "d": derived values}
    fired: set[str]
    undecided: set[str]


def prepare(q: Questionnaire, answers: dict[str, Any]) -> Prepared:
    """Run our evaluate(), then lay its visible answers and derived values out for every engine."""
    ev = evaluate(q, answers)
    visible = set(ev.visible_questions)
    shown = {qid: v for qid, v in answers.items() if qid in visible and not _empty(v)}
    fired = {f.rule_id for f in ev.findings}
    undecided = {u.rule_id for u in ev.undecided}
    derived = Derived()
    for rule in q.rule_order:  # replay the rule outcomes, exactly as evaluate() records them
        value = Tri.TRUE if rule.id in fired else Tri.UNKNOWN if rule.id in undecided else Tri.FALSE
        if value is Tri.FALSE:
            derived.findings[rule.id] = value
        else:
            record_rule(derived, rule.id, value, rule.evidence)
    for risk in ev.risks:
        derived.risk_levels[risk.question] = {"before": risk.before.level, "after": risk.after.level}
    ctx = Context(shown, set(q.questions) - visible, q.kinds, derived)
    plain = {
        "a": {qid: _clean(v) for qid, v in shown.items()},
        "d": {
            # two-valued: only what is TRUE for our engine is true for theirs
            "criteria_count": len(derived.criteria_met),
            "criteria": sorted(derived.criteria_met),
            "findings": sorted(fired),
            "art35_3": sorted(k for k, v in derived.art35_3.items() if v is Tri.TRUE),
            "national_lists": sorted(k for k, v in derived.national_lists.items() if v is Tri.TRUE),
            "exemption": derived.exemption is Tri.TRUE,
            "risk": {
                qid: {phase: level for phase, level in levels.items() if level is not None}
                for qid, levels in derived.risk_levels.items()
            },
        },
    }
    return Prepared(ctx, plain, fired, undecided)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _clean(value: Any) -> Any:
    """Rows without their empty fields: for every engine, an empty field is an absent one."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [{k: v for k, v in row.items() if not _empty(v)} for row in value]
    return value


def nested(flat: dict[str, Any]) -> dict[str, Any]:
    """``{"tech.cameras": x}`` as ``{"tech": {"cameras": x}}``: JSON Logic's ``var`` reads dotted paths."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, last = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise SystemExit(f"{key}: an id is the prefix of another; JSON Logic paths would clash")
        if last in node:
            raise SystemExit(f"{key}: an id is the prefix of another; JSON Logic paths would clash")
        node[last] = value
    return out


def as_floats(value: Any) -> Any:
    """Every number as a float: CEL has no int/double comparison, so data and literals are all doubles."""
    if isinstance(value, bool) or not isinstance(value, int | float | list | dict):
        return value
    if isinstance(value, list):
        return [as_floats(v) for v in value]
    if isinstance(value, dict):
        return {k: as_floats(v) for k, v in value.items()}
    return float(value)


# --- translation ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Where a leaf reads its answer: the whole answer set, or one row of a group (``any_row``)."""

    kinds: dict[str, str]  # question (or row field) id -> kind
    depth: int = 0  # 0: the answers; n: the n-th nested row variable


def _row_scope(q: Questionnaire, question: str, depth: int) -> Scope:
    group = q.questions[question]
    return Scope({f.id: f.kind for f in group.fields}, depth + 1)


def _risk_names(q: Questionnaire, question: str | None) -> list[str]:
    return [question] if question else sorted(qid for qid, x in q.questions.items() if isinstance(x, RiskRating))


def _levels(at_least: str) -> list[str]:
    order = ["low", "medium", "high"]
    return order[order.index(at_least) :]


def _bounds(args: Any) -> list[tuple[str, int]]:
    return [(op, bound) for op, bound in args.model_dump(exclude_none=True).items()]


class CelText:
    """Our conditions as CEL source. Answers are ``a["id"]``, rows ``rN["field"]``, derived values ``d[...]``."""

    COMPARE: ClassVar[dict[str, str]] = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "equals": "=="}

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.ops: dict[str, Callable[[Any, Scope], str]] = {
            "all": lambda c, s: "(" + " && ".join(self.text(x, s) for x in c.all) + ")",
            "any": lambda c, s: "(" + " || ".join(self.text(x, s) for x in c.any) + ")",
            "not": lambda c, s: "!(" + self.text(c.not_, s) + ")",
            "equals": self.equals,
            "in": self.in_,
            "contains": self.contains,
            "answered": lambda c, s: self.present(s, c.answered),
            "gt": self.compare,
            "gte": self.compare,
            "lt": self.compare,
            "lte": self.compare,
            "any_row": self.any_row,
            "criteria_count": lambda c, s: (
                "("
                + " && ".join(
                    f'd["criteria_count"] {self.COMPARE[op]} {float(n)!r}' for op, n in _bounds(c.criteria_count)
                )
                + ")"
            ),
            "criterion": lambda c, s: f'{self.lit(c.criterion)} in d["criteria"]',
            "art35_3": lambda c, s: self.member("art35_3", c.art35_3),
            "national_list": lambda c, s: self.member("national_lists", c.national_list),
            "finding": lambda c, s: f'{self.lit(c.finding)} in d["findings"]',
            "exemption": lambda c, s: 'd["exemption"]',
            "risk_level": self.risk_level,
        }

    def text(self, cond: Condition, scope: Scope) -> str:
        return self.ops[operator(cond)](cond, scope)

    @staticmethod
    def lit(value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float):
            return repr(float(value))
        return json.dumps(value)  # a CEL string literal for the characters our ids and options use

    @staticmethod
    def var(scope: Scope) -> str:
        return f"r{scope.depth}" if scope.depth else "a"

    def present(self, scope: Scope, key: str, field: str | None = None) -> str:
        text = f"{self.lit(key)} in {self.var(scope)}"
        return text if field is None else f"{text} && {self.lit(field)} in {self.get(scope, key)}"

    def get(self, scope: Scope, key: str, field: str | None = None) -> str:
        text = f"{self.var(scope)}[{self.lit(key)}]"
        return text if field is None else f"{text}[{self.lit(field)}]"

    def leaf(self, scope: Scope, a: Any, test: str) -> str:
        return f"({self.present(scope, a.question, a.field)} && {self.get(scope, a.question, a.field)}{test})"

    def equals(self, c: Any, scope: Scope) -> str:
        return self.leaf(scope, c.equals, f" == {self.lit(c.equals.value)}")

    def in_(self, c: Any, scope: Scope) -> str:
        a = c.in_
        values = ", ".join(self.lit(v) for v in a.values)
        return f"({self.present(scope, a.question)} && {self.get(scope, a.question)} in [{values}])"

    def contains(self, c: Any, scope: Scope) -> str:
        a = c.contains
        if a.field is None and scope.kinds.get(a.question) == "multi_choice":
            return f"({self.present(scope, a.question)} && {self.lit(a.value)} in {self.get(scope, a.question)})"
        return self.leaf(scope, a, f".contains({self.lit(str(a.value))})")

    def compare(self, c: Any, scope: Scope) -> str:
        op = operator(c)
        a = argument(c)
        return self.leaf(scope, a, f" {self.COMPARE[op]} {self.lit(a.value)}")

    def any_row(self, c: Any, scope: Scope) -> str:
        a = c.any_row
        inner = _row_scope(self.q, a.question, scope.depth)
        where = self.text(a.where, inner)
        return (
            f"({self.present(scope, a.question)} && {self.get(scope, a.question)}.exists({self.var(inner)}, {where}))"
        )

    def member(self, table: str, key: str) -> str:
        return f'size(d["{table}"]) > 0' if key == "any" else f'{self.lit(key)} in d["{table}"]'

    def risk_level(self, c: Any, scope: Scope) -> str:
        a = c.risk_level
        levels = ", ".join(self.lit(x) for x in _levels(a.at_least))
        parts = [
            f'({self.lit(n)} in d["risk"] && {self.lit(a.phase)} in d["risk"][{self.lit(n)}] '
            f'&& d["risk"][{self.lit(n)}][{self.lit(a.phase)}] in [{levels}])'
            for n in _risk_names(self.q, a.question)
        ]
        return "(" + " || ".join(parts) + ")" if parts else "false"


class JsonLogicRule:
    """Our conditions as JSON Logic. Answers are ``a.<id>`` (dotted ids nest), rows are ``some``'s items."""

    COMPARE: ClassVar[dict[str, str]] = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "equals": "==="}

    def __init__(self, q: Questionnaire) -> None:
        self.q = q
        self.ops: dict[str, Callable[[Any, Scope], Any]] = {
            "all": lambda c, s: {"and": [self.rule(x, s) for x in c.all]},
            "any": lambda c, s: {"or": [self.rule(x, s) for x in c.any]},
            "not": lambda c, s: {"!": [self.rule(c.not_, s)]},
            "equals": lambda c, s: {"===": [self.var(s, c.equals.question, c.equals.field), c.equals.value]},
            "in": lambda c, s: {"in": [self.var(s, c.in_.question), list(c.in_.values)]},
            "contains": lambda c, s: {"in": [c.contains.value, self.var(s, c.contains.question, c.contains.field)]},
            "answered": lambda c, s: {"!": [{"missing": [self.path(s, c.answered)]}]},
            "gt": self.compare,
            "gte": self.compare,
            "lt": self.compare,
            "lte": self.compare,
            "any_row": lambda c, s: {
                "some": [
                    self.var(s, c.any_row.question),
                    self.rule(c.any_row.where, _row_scope(q, c.any_row.question, s.depth)),
                ]
            },
            "criteria_count": lambda c, s: {
                "and": [{self.COMPARE[op]: [{"var": "d.criteria_count"}, n]} for op, n in _bounds(c.criteria_count)]
            },
            "criterion": lambda c, s: {"in": [c.criterion, {"var": "d.criteria"}]},
            "art35_3": lambda c, s: self.member("art35_3", c.art35_3),
            "national_list": lambda c, s: self.member("national_lists", c.national_list),
            "finding": lambda c, s: {"in": [c.finding, {"var": "d.findings"}]},
            "exemption": lambda c, s: {"!!": [{"var": "d.exemption"}]},
            "risk_level": lambda c, s: {
                "or": [
                    {"in": [{"var": f"d.risk.{n}.{c.risk_level.phase}"}, _levels(c.risk_level.at_least)]}
                    for n in _risk_names(q, c.risk_level.question)
                ]
                or [False]
            },
        }

    def rule(self, cond: Condition, scope: Scope) -> Any:
        return self.ops[operator(cond)](cond, scope)

    @staticmethod
    def path(scope: Scope, key: str, field: str | None = None) -> str:
        base = key if scope.depth else f"a.{key}"
        return base if field is None else f"{base}.{field}"

    def var(self, scope: Scope, key: str, field: str | None = None) -> dict[str, Any]:
        return {"var": self.path(scope, key, field)}

    def compare(self, c: Any, scope: Scope) -> dict[str, Any]:
        a = argument(c)
        path = self.path(scope, a.question, a.field)
        # a missing answer reads as null, which JSON Logic compares as 0: test presence first
        return {"and": [{"!": [{"missing": [path]}]}, {self.COMPARE[operator(c)]: [{"var": path}, a.value]}]}

    @staticmethod
    def member(table: str, key: str) -> dict[str, Any]:
        if key == "any":
            return {"!!": [{"var": f"d.{table}"}]}
        return {"in": [key, {"var": f"d.{table}"}]}


# --- the engines ---------------------------------------------------------------------------------


@dataclass
class Engine:
    """One way to evaluate every condition of a questionnaire on one prepared answer set."""

    name: str
    what: str
    run: Callable[[Prepared], list[Any]]  # one value per condition (ours: 0/1/2; theirs: bool)
    compile_s: float = 0.0


def our_engines(named: list[Named]) -> list[Engine]:
    conds = [n.cond for n in named]
    start = time.perf_counter()
    compiled = [compile_condition(c) for c in conds]
    compile_s = time.perf_counter() - start
    return [
        Engine(
            "ours, compiled",
            "values only, three-valued (what evaluate() runs for every condition)",
            lambda p: [fn(p.ctx) for fn in compiled],
            compile_s,
        ),
        Engine(
            "ours, check()",
            "three-valued with the deciding facts (the explanation)",
            lambda p: [check(c, p.ctx).value.value for c in conds],
        ),
    ]


def cel_engines(q: Questionnaire, named: list[Named]) -> tuple[list[Engine], list[str], str]:
    import celpy
    from celpy import celparser, json_to_cel

    translator = CelText(q)
    sources = [translator.text(n.cond, Scope(q.kinds)) for n in named]
    engines = []
    for runner, label in ((celpy.InterpretedRunner, "interpreted"), (celpy.CompiledRunner, "transpiled")):
        celparser.CELParser.CEL_PARSER = None  # the parser is shared and built for one runner's tree class
        env = celpy.Environment(runner_class=runner)
        start = time.perf_counter()
        programs = [env.program(env.compile(src)) for src in sources]
        compile_s = time.perf_counter() - start

        def run(p: Prepared, programs: list[Any] = programs) -> list[Any]:
            activation = {"a": json_to_cel(as_floats(p.plain["a"])), "d": json_to_cel(as_floats(p.plain["d"]))}
            return [bool(program.evaluate(activation)) for program in programs]

        engines.append(
            Engine(
                f"CEL (cel-python, {label})", "two-valued; includes converting the data to CEL values", run, compile_s
            )
        )
    return engines, sources, celpy.__name__


def json_logic_engine(q: Questionnaire, named: list[Named]) -> tuple[Engine, list[Any]]:
    from json_logic import jsonLogic

    translator = JsonLogicRule(q)
    rules = [{"!!": [translator.rule(n.cond, Scope(q.kinds))]} for n in named]

    def run(p: Prepared) -> list[Any]:
        data = {"a": nested(p.plain["a"]), "d": dict(p.plain["d"], risk=nested(p.plain["d"]["risk"]))}
        return [jsonLogic(rule, data) for rule in rules]

    return Engine("JSON Logic (panzi-json-logic)", "two-valued; includes nesting the answers by dotted id", run), rules


# --- faithfulness --------------------------------------------------------------------------------


@dataclass
class Tally:
    evaluations: int = 0
    unknown: int = 0  # ours UNKNOWN: not compared
    agree: int = 0
    disagree: list[str] | None = None


def answer_sets(catalog: dict[str, Questionnaire], largest: Questionnaire) -> list[tuple[str, Questionnaire, Any]]:
    """The examples, every golden case, and two extremes (everything answered, nothing answered)."""
    out = []
    for path in sorted((ROOT / "examples").glob("*.yaml")):
        loaded = load_answers(path, catalog)
        out.append((f"examples/{path.name}", loaded.questionnaire, loaded.assessment.answers))
    for case in golden_cases():
        if case.answers_path.parent.name == case.name:  # the examples are golden cases too: counted once
            loaded = load_answers(case.answers_path, catalog)
            out.append((f"golden/{case.name}", loaded.questionnaire, loaded.assessment.answers))
    out.append((f"{largest.id}: every question answered", largest, full_answers(largest)))
    out.append((f"{largest.id}: nothing answered", largest, {}))
    return out


def check_faithful(
    sets: list[tuple[str, Questionnaire, Any]], engines_for: Callable[[Questionnaire], list[Engine]]
) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {}
    for label, q, answers in sets:
        named = conditions_of(q)
        prepared = prepare(q, answers)
        engines = engines_for(q)
        ours = engines[0].run(prepared)
        explained = engines[1].run(prepared)
        for n, value, again in zip(named, ours, explained, strict=True):
            if value != again:
                raise SystemExit(f"{label}, {n.label}: compiled {value} but check() {again}")
            if n.label.startswith("rule "):
                rule_id = n.label.removeprefix("rule ")
                expected = _T if rule_id in prepared.fired else _U if rule_id in prepared.undecided else _F
                if value != expected:
                    raise SystemExit(f"{label}, {n.label}: {value} on the final context, {expected} in evaluate()")
        for engine in engines[2:]:
            tally = tallies.setdefault(engine.name, Tally(disagree=[]))
            for n, value, theirs in zip(named, ours, engine.run(prepared), strict=True):
                tally.evaluations += 1
                if value == _U:
                    tally.unknown += 1
                elif (value == _T) == theirs:
                    tally.agree += 1
                else:
                    assert tally.disagree is not None
                    tally.disagree.append(f"{label}: {n.label}: ours {value == _T}, {engine.name} {theirs}")
    return tallies


# --- timing --------------------------------------------------------------------------------------


@dataclass
class Figures:
    name: str
    what: str
    runs: int
    median: float
    p99: float
    cpu: float


@dataclass
class Case:
    name: str
    what: str
    fn: Callable[[], Any]


def measure(cases: list[Case]) -> list[Figures]:
    """Wall and CPU time of the same calls, the cases taking turns in ROUNDS rounds.

    Taking turns spreads a burst of other work over every case, so the ratios hold better than
    the absolute figures on a shared machine. Each case gets about BUDGET_S seconds, and one
    untimed call at the start of each of its rounds (the other cases ran in between).
    """
    counts = []
    for case in cases:
        case.fn()  # warm: imports, caches, first-call costs
        start = time.perf_counter()
        case.fn()
        once = max(time.perf_counter() - start, 1e-6)
        counts.append(math.ceil(max(MIN_RUNS, min(MAX_RUNS, int(BUDGET_S / once))) / ROUNDS))
    wall: list[list[float]] = [[] for _ in cases]
    cpu: list[list[float]] = [[] for _ in cases]
    for _ in range(ROUNDS):
        for index, case in enumerate(cases):
            case.fn()
            for _ in range(counts[index]):
                w, c = time.perf_counter(), time.process_time()
                case.fn()
                cpu[index].append(time.process_time() - c)
                wall[index].append(time.perf_counter() - w)
    out = []
    for case, walls, cpus in zip(cases, wall, cpu, strict=True):
        walls.sort()
        p99 = walls[max(0, math.ceil(0.99 * len(walls)) - 1)]
        out.append(Figures(case.name, case.what, len(walls), statistics.median(walls), p99, statistics.median(cpus)))
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.3f}" if seconds < 0.01 else f"{seconds * 1e3:.1f}"


def main() -> int:
    try:
        import celpy  # noqa: F401
        import json_logic  # noqa: F401
    except ImportError as e:
        print(f"skipped: {e.name} is not installed (pip install -r requirements-bench.txt)")
        return 0
    from importlib.metadata import version

    catalog = load_catalog([QUESTIONNAIRES])
    if catalog.errors:
        raise SystemExit("questionnaires do not load: " + "; ".join(map(str, catalog.errors)))
    largest = max(catalog.questionnaires.values(), key=lambda q: (len(q.questions), len(q.rules)))

    engines_by_q: dict[str, list[Engine]] = {}
    sources_by_q: dict[str, tuple[list[str], list[Any]]] = {}

    def engines_for(q: Questionnaire) -> list[Engine]:
        if q.id not in engines_by_q:
            named = conditions_of(q)
            cel, sources, _ = cel_engines(q, named)
            jl, rules = json_logic_engine(q, named)
            engines_by_q[q.id] = [*our_engines(named), *cel, jl]
            sources_by_q[q.id] = (sources, rules)
        return engines_by_q[q.id]

    print(
        f"Python {sys.version.split()[0]}; cel-python {version('cel-python')}, "
        f"panzi-json-logic {version('panzi-json-logic')}, lark {version('lark')}"
    )
    for q in catalog.questionnaires.values():
        named = conditions_of(q)
        kinds: dict[str, int] = {}
        for n in named:
            kind = n.label.split(" ")[0] if not n.label.endswith("show_if") else "show_if"
            kinds[kind] = kinds.get(kind, 0) + 1
        print(f"{q.id}: {len(named)} conditions translated ({', '.join(f'{v} {k}' for k, v in sorted(kinds.items()))})")

    named = conditions_of(largest)
    engines = engines_for(largest)
    sources, rules = sources_by_q[largest.id]
    sample = max(range(len(named)), key=lambda i: len(sources[i]) if len(sources[i]) < 400 else 0)
    print(f"\nexample, {largest.id} {named[sample].label}:")
    print(f"  ours: {json.dumps(named[sample].cond.model_dump(by_alias=True, exclude_none=True))}")
    print(f"  CEL:  {sources[sample]}")
    print(f"  JSON Logic: {json.dumps(rules[sample])}")

    print("\n### Faithfulness: the same two-valued truth wherever ours is not UNKNOWN\n")
    sets = answer_sets(catalog.questionnaires, largest)
    tallies = check_faithful(sets, engines_for)
    print(f"{len(sets)} answer sets (examples, tests/golden, every question answered, nothing answered)\n")
    print("| engine | condition evaluations | ours UNKNOWN (not compared) | compared | agree |")
    print("|---|---|---|---|---|")
    failed = False
    for name, t in tallies.items():
        compared = t.evaluations - t.unknown
        print(f"| {name} | {t.evaluations} | {t.unknown} | {compared} | {t.agree} |")
        for line in (t.disagree or [])[:10]:
            print(f"  DISAGREE {line}")
        failed |= bool(t.disagree)
    if failed:
        print("\nthe translation is not faithful: no timing")
        return 1

    loaded = load_answers(TIMED_ANSWERS, catalog.questionnaires)
    q, answers = loaded.questionnaire, loaded.assessment.answers
    if q.id != largest.id:
        raise SystemExit(f"{TIMED_ANSWERS.name} answers {q.id}, not {largest.id}")
    prepared = prepare(q, answers)
    decided = sum(v != _U for v in engines[0].run(prepared))
    print(
        f"\n### Timing: all {len(named)} conditions of {q.id}, one answer set "
        f"(examples/{TIMED_ANSWERS.name}: {decided} decided, {len(named) - decided} UNKNOWN in ours)\n"
    )

    def cold() -> None:
        q.render_cache.clear()
        evaluate(q, answers)

    figures = measure(
        [
            *(Case(e.name, e.what, lambda e=e: e.run(prepared)) for e in engines),
            Case("ours, evaluate() cold", "the whole Evaluation, nothing memoised", cold),
            Case(
                "ours, evaluate() warm",
                "the whole Evaluation, findings memoised (an app rerun)",
                lambda: evaluate(q, answers),
            ),
        ]
    )
    base = figures[0].cpu
    full = next(f.cpu for f in figures if f.name == "ours, evaluate() cold")
    print("ratios are of CPU medians (wall times suffer from other load on a shared machine)\n")
    print(
        "| engine | what it does | runs | median ms | p99 ms | CPU median ms | × ours compiled | × our evaluate() cold |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for f in figures:
        print(
            f"| {f.name} | {f.what} | {f.runs} | {ms(f.median)} | {ms(f.p99)} | {ms(f.cpu)} | "
            f"{f.cpu / base:,.1f} | {f.cpu / full:,.2f} |"
        )
    print("\none-off set-up (parse and compile every condition of the questionnaire):")
    for e in engines:
        if e.compile_s:
            print(f"  {e.name}: {e.compile_s * 1e3:.1f} ms")
    print("  JSON Logic (panzi-json-logic): none (the rule is interpreted as data on every run)")
    print(
        f"\np99 with fewer than 100 runs is the slowest run. About {BUDGET_S:.0f} s per engine, "
        f"in {ROUNDS} rounds taken in turn; load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
