"""Static analysis of a questionnaire: dependency orders, cycles, satisfiability.

Used by the loader (cycles, unreachable questions), by ``evaluate`` (the order
in which to decide visibility and rules) and by ``dpia lint`` (rules that can
never fire). Nothing here evaluates user input; it reasons about the YAML.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from engine.conditions import (
    AnyRow,
    Art35Point,
    Condition,
    Context,
    CriteriaCount,
    Criterion,
    Derived,
    Exemption,
    FindingFired,
    NationalList,
    RiskLevel,
    Tri,
    argument,
    compile_condition,
    questions_named,
    walk,
)
from engine.model import Questionnaire, Rule

MAX_COMBINATIONS = 50_000


def show_if_of(q: Questionnaire, question_id: str) -> list[Condition]:
    """The conditions that must hold for a question to be visible (section and own)."""
    section = q.section_of[question_id]
    own = q.questions[question_id].show_if
    return [c for c in (section.show_if, own) if c is not None]


def visibility_deps(q: Questionnaire) -> dict[str, set[str]]:
    """For each question, the questions its visibility reads (computed once per questionnaire)."""
    return q.visibility_deps


def compute_visibility_deps(q: Questionnaire) -> dict[str, set[str]]:
    deps: dict[str, set[str]] = {}
    for qid in q.questions:
        names: set[str] = set()
        for cond in show_if_of(q, qid):
            names |= questions_named(cond)
        deps[qid] = names & set(q.questions)
    return deps


def topological(nodes: Iterable[str], deps: dict[str, set[str]]) -> tuple[list[str], list[list[str]]]:
    """Order ``nodes`` so each comes after its dependencies; also return the cycles.

    Ties keep the input order, so the result is deterministic.
    """
    order: list[str] = []
    state: dict[str, int] = {}
    cycles: list[list[str]] = []
    stack: list[str] = []

    def visit(node: str) -> None:
        mark = state.get(node, 0)
        if mark == 2:
            return
        if mark == 1:
            cycle = [*stack[stack.index(node) :], node]
            cycles.append(cycle)
            return
        state[node] = 1
        stack.append(node)
        for dep in sorted(deps.get(node, ())):
            visit(dep)
        stack.pop()
        state[node] = 2
        order.append(node)

    for node in nodes:
        visit(node)
    return order, cycles


def _derived_leaves(cond: Condition) -> Iterator[Condition]:
    for c in walk(cond):
        if isinstance(c, CriteriaCount | Criterion | Art35Point | NationalList | FindingFired | Exemption | RiskLevel):
            yield c


def reads_derived(cond: Condition) -> bool:
    """Whether a condition reads values derived from other rules (criteria, findings, risks)."""
    return next(_derived_leaves(cond), None) is not None


def rule_deps(q: Questionnaire) -> dict[str, set[str]]:
    """For each rule, the rules whose outcome its ``when`` reads (through derived values)."""
    deps: dict[str, set[str]] = {}
    derived_rules = [r for r in q.rules if r.criteria or r.art35_3 or r.national_lists or r.exemption]
    for rule in q.rules:
        needed: set[str] = set()
        for leaf in _derived_leaves(rule.when):
            if isinstance(leaf, FindingFired):
                needed.add(leaf.finding)
            else:
                needed |= {r.id for r in derived_rules if _feeds(r, leaf)}
        deps[rule.id] = needed & set(q.rules_by_id)
    return deps


def _feeds(rule: Rule, leaf: Condition) -> bool:
    if isinstance(leaf, FindingFired):
        return rule.id == leaf.finding
    if isinstance(leaf, CriteriaCount):
        return bool(rule.criteria)
    if isinstance(leaf, Criterion):
        return leaf.criterion in rule.criteria
    if isinstance(leaf, Art35Point):
        return bool(rule.art35_3) and (leaf.art35_3 == "any" or leaf.art35_3 in rule.art35_3)
    if isinstance(leaf, NationalList):
        return any(leaf.national_list in ("any", item.list) for item in rule.national_lists)
    if isinstance(leaf, Exemption):
        return rule.exemption
    return False


# --- satisfiability -------------------------------------------------------------------


class _Unset:
    def __repr__(self) -> str:
        return "unanswered"


UNSET = _Unset()


def _domain(q: Questionnaire, qid: str, conditions: list[Condition]) -> list[Any]:
    """Values worth trying for one question: those the conditions mention, and neighbours."""
    question = q.questions[qid]
    mentioned: list[Any] = []
    for cond in conditions:
        for leaf in walk(cond):
            arg = argument(leaf)
            if getattr(arg, "question", None) == qid:
                if hasattr(arg, "values"):
                    mentioned.extend(arg.values)
                elif hasattr(arg, "value"):
                    mentioned.append(arg.value)
    kind = question.kind
    values: list[Any] = [UNSET]
    if kind == "yes_no":
        values += [True, False]
    elif kind == "single_choice":
        values += [o.value for o in question.options]
    elif kind == "multi_choice":
        # every option a condition names alone, every pair, all of them, and an unnamed one:
        # enough for the conjunctions and negations questionnaires write, without 2^n subsets
        named = sorted({m for m in mentioned if isinstance(m, str)})
        values += [[m] for m in named]
        values += [list(pair) for pair in itertools.combinations(named, 2)]
        if len(named) > 2:
            values.append(named)
        values.append(["__other__"])
    elif kind in ("number", "scale"):
        numbers = {float(m) for m in mentioned if isinstance(m, int | float) and not isinstance(m, bool)}
        if kind == "scale" and question.scale in q.scales_by_id:
            numbers |= {float(level.value) for level in q.scales_by_id[question.scale].levels}
        values += sorted({n + d for n in numbers for d in (-1, 0, 1)} or {0.0})
    elif kind == "risk_rating":
        values += [
            {f: v for f in ("likelihood_before", "severity_before", "likelihood_after", "severity_after")}
            for v in (1, 4)
        ]
    elif kind == "group":
        values += [[{}]]  # any_row bodies are not searched; see satisfiable()
    else:
        values += sorted({m for m in mentioned if isinstance(m, str)} | {"x"})
    return values


# key -> (result, the objects whose ids the key holds: kept alive so no id is reused)
_MEMO: dict[tuple[Any, ...], tuple[bool | None, tuple[Any, ...]]] = {}


def satisfiable(q: Questionnaire, target: list[Condition], also_visible: Iterable[str] = ()) -> bool | None:
    """Whether some answers make every condition in ``target`` TRUE.

    Questions only count as answered when visible, so a condition on a question
    that can never be shown is unsatisfiable. Derived leaves (criteria, findings)
    are treated as free. Returns None when the search space is too large to try.
    Results are memoised on everything they depend on, so a questionnaire that
    includes another does not search its included questions again.
    """
    also_visible = tuple(also_visible)
    closure = _closure(q, target, also_visible)
    ordered = sorted(closure)
    # Loaded models are frozen and an included questionnaire's questions are the same objects
    # in the including one, so object identity is a sound and cheap key.
    refs = (*target, *(q.questions[qid] for qid in ordered), *(q.section_of[qid] for qid in ordered))
    key = (also_visible, tuple(ordered), tuple(map(id, refs)))
    hit = _MEMO.get(key)
    if hit is None:
        if len(_MEMO) > 20_000:
            _MEMO.clear()
        hit = _MEMO[key] = (_search(q, target, also_visible, closure, ordered), refs)
    return hit[0]


def _search(
    q: Questionnaire, target: list[Condition], also_visible: tuple[str, ...], closure: set[str], ordered: list[str]
) -> bool | None:
    deps_conditions = list(target)
    for qid in ordered:
        deps_conditions += show_if_of(q, qid)
    domains = [_domain(q, qid, deps_conditions) for qid in ordered]
    size = 1
    for d in domains:
        size *= len(d)
        if size > MAX_COMBINATIONS:
            return None
    order, _ = topological(ordered, {k: v & closure for k, v in visibility_deps(q).items() if k in closure})
    shown = [(qid, [compile_condition(c) for c in show_if_of(q, qid)]) for qid in order]
    goals = [compile_condition(c) for c in target]
    switches = _derived_switches(target + [c for qid in ordered for c in show_if_of(q, qid)])
    for derived_combo in itertools.product(*(values for _, values in switches)):
        derived = _derived_from(switches, derived_combo)
        for combo in itertools.product(*domains):
            if _satisfied_by(q, goals, also_visible, shown, ordered, combo, derived):
                return True
    # rows of repeatable groups are not enumerated: do not claim "never" for them
    return None if any(mentions_any_row(c) for c in target) else False


_TRUE = Tri.TRUE.value


def _satisfied_by(
    q: Questionnaire,
    goals: list[Any],
    also_visible: tuple[str, ...],
    shown: list[tuple[str, list[Any]]],
    ordered: list[str],
    combo: tuple[Any, ...],
    derived: Derived,
) -> bool:
    raw = {qid: v for qid, v in zip(ordered, combo, strict=True) if v is not UNSET}
    hidden: set[str] = set()
    answers: dict[str, Any] = {}
    ctx = Context(answers, hidden, q.kinds, derived)
    for qid, conditions in shown:
        if all(c(ctx) == _TRUE for c in conditions):
            if qid in raw:
                answers[qid] = raw[qid]
        else:
            hidden.add(qid)
    if any(qid in hidden for qid in also_visible):
        return False
    return all(goal(ctx) == _TRUE for goal in goals)


def _closure(q: Questionnaire, target: list[Condition], extra: Iterable[str]) -> set[str]:
    pending = set(extra)
    for cond in target:
        pending |= {n for n in questions_named(cond) if n in q.questions}
    seen: set[str] = set()
    deps = visibility_deps(q)
    while pending:
        qid = pending.pop()
        if qid in seen:
            continue
        seen.add(qid)
        pending |= deps.get(qid, set())
    return seen


def _derived_switches(conditions: list[Condition]) -> list[tuple[tuple[str, str], list[Any]]]:
    """Each derived value the conditions read, with the values worth trying for it."""
    switches: dict[tuple[str, str], list[Any]] = {}
    for cond in conditions:
        for leaf in _derived_leaves(cond):
            if isinstance(leaf, CriteriaCount):
                switches[("count", "")] = [0, 1, 2, 3, 9]
            elif isinstance(leaf, Criterion):
                switches[("criterion", leaf.criterion)] = [False, True]
            elif isinstance(leaf, FindingFired):
                switches[("finding", leaf.finding)] = [False, True]
            elif isinstance(leaf, Art35Point):
                switches[("art35", leaf.art35_3)] = [False, True]
            elif isinstance(leaf, NationalList):
                switches[("list", leaf.national_list)] = [False, True]
            elif isinstance(leaf, Exemption):
                switches[("exemption", "")] = [False, True]
            elif isinstance(leaf, RiskLevel):
                name = leaf.risk_level.question or "*"
                switches[("risk", f"{name}@before")] = ["low", "high"]
                switches[("risk", f"{name}@after")] = ["low", "high"]
    return sorted(switches.items())


def _derived_from(switches: list[tuple[tuple[str, str], list[Any]]], values: tuple[Any, ...]) -> Derived:
    derived = Derived()
    for ((kind, key), _), value in zip(switches, values, strict=True):
        tri = Tri.TRUE if value else Tri.FALSE
        if kind == "count":
            for i in range(value):
                derived.criteria_met.setdefault(f"__count{i}", ["*"])
        elif kind == "criterion" and value:
            derived.criteria_met[key] = ["*"]
        elif kind == "finding":
            derived.findings[key] = tri
        elif kind == "art35":
            derived.art35_3[key] = tri
        elif kind == "list":
            derived.national_lists[key] = tri
        elif kind == "exemption":
            derived.exemption = tri
        elif kind == "risk":
            name, _, phase = key.partition("@")
            derived.risk_levels.setdefault(name, {})[phase] = value
    return derived


def mentions_any_row(cond: Condition) -> bool:
    return any(isinstance(c, AnyRow) for c in walk(cond))
