"""Conditions as data: a tagged union of small models, evaluated in three values.

A condition is a one-key mapping whose key names the operator::

    all:
      - equals: {question: tech.cameras, value: true}
      - contains: {question: tech.analysis, value: emotions}
      - not: {answered: context.opt_out}

Operators over answers (``equals``, ``in``, ``contains``, ``answered``, ``gt``,
``gte``, ``lt``, ``lte``, ``any_row``) and over derived values (``criteria_count``,
``criterion``, ``art35_3``, ``national_list``, ``finding``, ``exemption``,
``risk_level``) are listed in :data:`OPERATOR_MODELS` and :data:`EVALUATORS`; nothing registers itself.

Evaluation follows Kleene's three-valued logic. A question that is visible but
unanswered makes a leaf UNKNOWN, and UNKNOWN propagates through ``all`` / ``any``
/ ``not`` honestly (``all`` of FALSE and UNKNOWN is FALSE; of TRUE and UNKNOWN is
UNKNOWN). A question that is hidden by its ``show_if`` does not apply, so a leaf
on it is FALSE. Every outcome carries the facts that decided it, which become a
finding's "fired because" trace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from dataclasses import field as dc_field
from enum import Enum
from operator import attrgetter
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

Scalar = str | bool | int | float
RiskLevelName = Literal["low", "medium", "high"]
RISK_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2}
MAX_CONDITIONS = 60


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


# --- arguments -----------------------------------------------------------------


class ValueArgs(_Model):
    """A question (or a field of a risk rating) compared with one value."""

    question: str
    value: Scalar
    field: str | None = Field(default=None, description="For a risk rating: likelihood_before, severity_after, ...")


class ValuesArgs(_Model):
    """A question whose answer must be one of ``values``."""

    question: str
    values: list[Scalar] = Field(min_length=1, max_length=200)


class NumberArgs(_Model):
    """A question (or risk-rating field) compared with a number."""

    question: str
    value: int | float
    field: str | None = None


class CountArgs(_Model):
    """Bounds on the number of WP248 criteria met; at least one bound."""

    gte: int | None = None
    gt: int | None = None
    lte: int | None = None
    lt: int | None = None
    equals: int | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> CountArgs:
        if all(v is None for v in (self.gte, self.gt, self.lte, self.lt, self.equals)):
            raise ValueError("give at least one of gte, gt, lte, lt, equals")
        return self


class RiskLevelArgs(_Model):
    """A risk rating's level, before or after measures, reaches ``at_least``."""

    question: str | None = Field(default=None, description="One risk rating, or any when omitted")
    phase: Literal["before", "after"] = "after"
    at_least: RiskLevelName = "high"


class AnyRowArgs(_Model):
    """Some row of a repeatable group meets ``where`` (sub-question ids are local)."""

    question: str
    where: Condition


# --- operators -------------------------------------------------------------------


class All(_Model):
    all: list[Condition] = Field(min_length=1, max_length=MAX_CONDITIONS)


class AnyOf(_Model):
    any: list[Condition] = Field(min_length=1, max_length=MAX_CONDITIONS)


class Not(_Model):
    not_: Condition = Field(alias="not")


class Equals(_Model):
    equals: ValueArgs


class In(_Model):
    in_: ValuesArgs = Field(alias="in")


class Contains(_Model):
    contains: ValueArgs


class Answered(_Model):
    answered: str


class Gt(_Model):
    gt: NumberArgs


class Gte(_Model):
    gte: NumberArgs


class Lt(_Model):
    lt: NumberArgs


class Lte(_Model):
    lte: NumberArgs


class AnyRow(_Model):
    any_row: AnyRowArgs


class CriteriaCount(_Model):
    criteria_count: CountArgs


class Criterion(_Model):
    criterion: str


class Art35Point(_Model):
    art35_3: Literal["a", "b", "c", "any"]


class NationalList(_Model):
    national_list: str = Field(description="A list id such as cnil_35_4, or 'any'")


class FindingFired(_Model):
    finding: str


class Exemption(_Model):
    exemption: Literal[True]


class RiskLevel(_Model):
    risk_level: RiskLevelArgs


OPERATOR_MODELS: dict[str, type[_Model]] = {
    "all": All,
    "any": AnyOf,
    "not": Not,
    "equals": Equals,
    "in": In,
    "contains": Contains,
    "answered": Answered,
    "gt": Gt,
    "gte": Gte,
    "lt": Lt,
    "lte": Lte,
    "any_row": AnyRow,
    "criteria_count": CriteriaCount,
    "criterion": Criterion,
    "art35_3": Art35Point,
    "national_list": NationalList,
    "finding": FindingFired,
    "exemption": Exemption,
    "risk_level": RiskLevel,
}

_ALIASES = {"not_": "not", "in_": "in"}


def _operator_of(value: Any) -> str | None:
    if isinstance(value, dict):
        if len(value) == 1:
            return str(next(iter(value)))
        return "<" + "+".join(sorted(map(str, value))) + ">" if value else "<empty>"
    if isinstance(value, BaseModel):
        name = next(iter(type(value).model_fields))
        return _ALIASES.get(name, name)
    return None


Condition = Annotated[
    Annotated[All, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Equals, Tag("equals")]
    | Annotated[In, Tag("in")]
    | Annotated[Contains, Tag("contains")]
    | Annotated[Answered, Tag("answered")]
    | Annotated[Gt, Tag("gt")]
    | Annotated[Gte, Tag("gte")]
    | Annotated[Lt, Tag("lt")]
    | Annotated[Lte, Tag("lte")]
    | Annotated[AnyRow, Tag("any_row")]
    | Annotated[CriteriaCount, Tag("criteria_count")]
    | Annotated[Criterion, Tag("criterion")]
    | Annotated[Art35Point, Tag("art35_3")]
    | Annotated[NationalList, Tag("national_list")]
    | Annotated[FindingFired, Tag("finding")]
    | Annotated[Exemption, Tag("exemption")]
    | Annotated[RiskLevel, Tag("risk_level")],
    Discriminator(
        _operator_of,
        custom_error_type="unknown_operator",
        custom_error_message=(
            "a condition is a mapping with exactly one operator key, one of: " + ", ".join(OPERATOR_MODELS)
        ),
    ),
]

for _model in (AnyRowArgs, All, AnyOf, Not):
    _model.model_rebuild()


def operator(cond: Condition) -> str:
    """The operator key of a condition (``all``, ``equals``, ...)."""
    name = next(iter(type(cond).model_fields))
    return _ALIASES.get(name, name)


def argument(cond: Condition) -> Any:
    """The single argument of a condition (its only field's value)."""
    return getattr(cond, next(iter(type(cond).model_fields)))


def walk(cond: Condition) -> Iterator[Condition]:
    """Every condition in the tree, parents first; ``any_row`` bodies included."""
    yield cond
    if isinstance(cond, All):
        for c in cond.all:
            yield from walk(c)
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            yield from walk(c)
    elif isinstance(cond, Not):
        yield from walk(cond.not_)
    elif isinstance(cond, AnyRow):
        yield from walk(cond.any_row.where)


def questions_named(cond: Condition) -> set[str]:
    """Ids of the top-level questions a condition reads (not sub-questions of rows)."""
    out: set[str] = set()
    _collect_questions(cond, out)
    return out


def _collect_questions(cond: Condition, out: set[str]) -> None:
    if isinstance(cond, All):
        for c in cond.all:
            _collect_questions(c, out)
    elif isinstance(cond, AnyOf):
        for c in cond.any:
            _collect_questions(c, out)
    elif isinstance(cond, Not):
        _collect_questions(cond.not_, out)
    elif isinstance(cond, AnyRow):
        out.add(cond.any_row.question)
    elif isinstance(cond, Answered):
        out.add(cond.answered)
    elif isinstance(cond, RiskLevel):
        if cond.risk_level.question:
            out.add(cond.risk_level.question)
    else:
        arg = argument(cond)
        question = getattr(arg, "question", None)
        if isinstance(question, str):
            out.add(question)


# --- three-valued evaluation ---------------------------------------------------------


class Tri(Enum):
    """Kleene's three truth values."""

    FALSE = 0
    UNKNOWN = 1
    TRUE = 2

    def __invert__(self) -> Tri:
        return _INVERT[self]

    # Members are singletons compared by identity: the identity hash is right, and it is
    # computed in C (Enum's own hashes the name in Python, on the scorer's hot path).
    __hash__ = object.__hash__


TRUE, FALSE, UNKNOWN = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN
_INVERT = {FALSE: TRUE, TRUE: FALSE, UNKNOWN: UNKNOWN}
_BY_VALUE = {0: FALSE, 1: UNKNOWN, 2: TRUE}
_VALUE_OF = {FALSE: 0, UNKNOWN: 1, TRUE: 2}  # faster than ``Tri.value`` (an enum property)


class Fact(NamedTuple):
    """One leaf that decided an outcome: what was asked of which answer.

    ``negated`` is set when the leaf sits under an odd number of ``not``, so
    "not (opt_out = app)" reads as a fact about the answer, not a double negative.
    """

    op: str
    subject: str
    expected: Any
    actual: Any
    result: Tri
    negated: bool = False
    field: str | None = None
    row: int | None = None


class Outcome(NamedTuple):
    value: Tri
    facts: tuple[Fact, ...]


NO_HIDDEN: frozenset[str] = frozenset()  # a group row: its fields are never hidden as questions


class Context:
    """What a condition can read: visible answers and derived values so far.

    ``hidden`` may be any set-like container (``NO_HIDDEN`` for a group's row).

    Args:
        answers: Answers by question id, already restricted to visible questions.
        hidden: Ids of questions that do not apply (their ``show_if`` is not TRUE).
        kinds: Question kind by id (``yes_no``, ``multi_choice``, ...).
    """

    __slots__ = ("answers", "derived", "hidden", "kinds")

    def __init__(
        self,
        answers: dict[str, Any],
        hidden: AbstractSet[str],
        kinds: dict[str, str],
        derived: Derived | None = None,
    ) -> None:
        self.answers = answers
        self.hidden = hidden
        self.kinds = kinds
        self.derived = derived if derived is not None else Derived()


@dataclass
class Derived:
    """Values computed from rules, readable by later rules and the verdict policy.

    ``criteria_met`` and ``criteria_undecided`` hold, per criterion, the rule ids
    that fired or are undecided; the other maps hold the best truth value so far.
    """

    criteria_met: dict[str, list[str]] = dc_field(default_factory=dict)
    criteria_undecided: dict[str, list[str]] = dc_field(default_factory=dict)
    findings: dict[str, Tri] = dc_field(default_factory=dict)
    art35_3: dict[str, Tri] = dc_field(default_factory=dict)
    national_lists: dict[str, Tri] = dc_field(default_factory=dict)
    exemption: Tri = FALSE
    risk_levels: dict[str, dict[str, str | None]] = dc_field(default_factory=dict)


def _merge_tri(values: dict[str, Tri], key: str, value: Tri) -> None:
    old = values.get(key, FALSE)
    values[key] = _BY_VALUE[max(_VALUE_OF[old], _VALUE_OF[value])]


def record_rule(derived: Derived, rule_id: str, value: Tri, evidences: RuleEvidence) -> None:
    """Fold one rule's outcome into the derived values that later conditions read."""
    derived.findings[rule_id] = value
    if value is FALSE:
        return
    target = derived.criteria_met if value is TRUE else derived.criteria_undecided
    for criterion in evidences.criteria:
        target.setdefault(criterion, []).append(rule_id)
    for point in evidences.art35_3:
        _merge_tri(derived.art35_3, point, value)
    for item in evidences.national_lists:
        _merge_tri(derived.national_lists, item, value)
    if evidences.exemption:
        derived.exemption = _BY_VALUE[max(_VALUE_OF[derived.exemption], _VALUE_OF[value])]


@dataclass(frozen=True)
class RuleEvidence:
    """What a fired rule evidences, in the shape :func:`record_rule` needs."""

    criteria: tuple[str, ...] = ()
    art35_3: tuple[str, ...] = ()
    national_lists: tuple[str, ...] = ()
    exemption: bool = False


def check(cond: Condition, ctx: Context) -> Outcome:
    """Evaluate ``cond`` against ``ctx`` in three values, with the deciding facts."""
    return EVALUATORS[type(cond)](cond, ctx)


def _all(cond: Any, ctx: Context) -> Outcome:
    outcomes = [check(c, ctx) for c in cond.all]
    return _combine(outcomes, FALSE, TRUE)


def _any(cond: Any, ctx: Context) -> Outcome:
    outcomes = [check(c, ctx) for c in cond.any]
    return _combine(outcomes, TRUE, FALSE)


def _combine(outcomes: list[Outcome], dominant: Tri, neutral: Tri) -> Outcome:
    """Shared logic of all/any: a dominant child decides; else unknown; else neutral."""
    deciding = [o for o in outcomes if o.value is dominant]
    if deciding:
        return Outcome(dominant, tuple(f for o in deciding for f in o.facts))
    unknown = [o for o in outcomes if o.value is UNKNOWN]
    if unknown:
        return Outcome(UNKNOWN, tuple(f for o in unknown for f in o.facts))
    return Outcome(neutral, tuple(f for o in outcomes for f in o.facts))


def _not(cond: Any, ctx: Context) -> Outcome:
    inner = check(cond.not_, ctx)
    facts = tuple(
        Fact(f.op, f.subject, f.expected, f.actual, ~f.result, not f.negated, f.field, f.row) for f in inner.facts
    )
    return Outcome(~inner.value, facts)


_MISSING = object()


def _value_of(ctx: Context, question: str, field: str | None) -> Any:
    """The answer, ``_MISSING`` if unanswered, or ``None`` if the question is hidden."""
    if question in ctx.hidden:
        return None
    value = ctx.answers.get(question, _MISSING)
    if value is _MISSING or value is None or value == "" or value == []:
        return _MISSING
    if field is not None:
        sub = value.get(field) if isinstance(value, dict) else None
        return _MISSING if sub is None else sub
    return value


def _leaf(
    op: str, question: str, expected: Any, field: str | None, ctx: Context, test: Callable[[Any], bool]
) -> Outcome:
    actual = _value_of(ctx, question, field)
    if actual is None:
        return Outcome(FALSE, (Fact(op, question, expected, "not asked", FALSE, field=field),))
    if actual is _MISSING:
        return Outcome(UNKNOWN, (Fact(op, question, expected, None, UNKNOWN, field=field),))
    result = TRUE if test(actual) else FALSE
    return Outcome(result, (Fact(op, question, expected, actual, result, field=field),))


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    return bool(actual == expected)


def _equals(cond: Any, ctx: Context) -> Outcome:
    a = cond.equals
    return _leaf("equals", a.question, a.value, a.field, ctx, lambda v: _same(v, a.value))


def _in(cond: Any, ctx: Context) -> Outcome:
    a = cond.in_
    return _leaf("in", a.question, a.values, None, ctx, lambda v: any(_same(v, x) for x in a.values))


def _contains(cond: Any, ctx: Context) -> Outcome:
    a = cond.contains
    return _leaf(
        "contains", a.question, a.value, a.field, ctx, lambda v: a.value in v if isinstance(v, (list, str)) else False
    )


def _compare(op: str, test: Callable[[float, float], bool]) -> Callable[[Any, Context], Outcome]:
    def evaluate(cond: Any, ctx: Context) -> Outcome:
        a = getattr(cond, op)
        return _leaf(
            op,
            a.question,
            a.value,
            a.field,
            ctx,
            lambda v: isinstance(v, int | float) and not isinstance(v, bool) and test(v, a.value),
        )

    return evaluate


def _answered(cond: Any, ctx: Context) -> Outcome:
    question = cond.answered
    actual = _value_of(ctx, question, None)
    if actual is None:
        return Outcome(FALSE, (Fact("answered", question, None, "not asked", FALSE),))
    result = FALSE if actual is _MISSING else TRUE
    return Outcome(result, (Fact("answered", question, None, None if actual is _MISSING else actual, result),))


def _any_row(cond: Any, ctx: Context) -> Outcome:
    a = cond.any_row
    rows = _value_of(ctx, a.question, None)
    if rows is None:
        return Outcome(FALSE, (Fact("any_row", a.question, None, "not asked", FALSE),))
    if rows is _MISSING:
        return Outcome(UNKNOWN, (Fact("any_row", a.question, None, None, UNKNOWN),))
    outcomes = []
    for index, row in enumerate(rows):
        row_ctx = Context(row if isinstance(row, dict) else {}, NO_HIDDEN, ctx.kinds, ctx.derived)
        outcome = check(a.where, row_ctx)
        facts = tuple(
            Fact(f.op, f"{a.question}.{f.subject}", f.expected, f.actual, f.result, f.negated, f.field, index + 1)
            for f in outcome.facts
        )
        outcomes.append(Outcome(outcome.value, facts))
    return _combine(outcomes, TRUE, FALSE)


def _criteria_count(cond: Any, ctx: Context) -> Outcome:
    a = cond.criteria_count
    met, value = _count_value(a, ctx.derived)
    expected = a.model_dump(exclude_none=True)
    return Outcome(value, (Fact("criteria_count", "criteria", expected, met, value),))


def _count_value(a: Any, derived: Derived) -> tuple[int, Tri]:
    """The number of criteria met, and whether it meets ``a``'s bounds.

    The count can still grow from the criteria met up to those met or undecided, as
    answers arrive: the value is UNKNOWN when the bounds hold for part of that range.
    """
    met = len(derived.criteria_met)
    possible = met + sum(1 for c in derived.criteria_undecided if c not in derived.criteria_met)

    def ok(n: int) -> bool:
        return (
            (a.gte is None or n >= a.gte)
            and (a.gt is None or n > a.gt)
            and (a.lte is None or n <= a.lte)
            and (a.lt is None or n < a.lt)
            and (a.equals is None or n == a.equals)
        )

    results = {ok(n) for n in range(met, possible + 1)}
    return met, TRUE if results == {True} else FALSE if results == {False} else UNKNOWN


def _criterion(cond: Any, ctx: Context) -> Outcome:
    name = cond.criterion
    if name in ctx.derived.criteria_met:
        value = TRUE
    elif name in ctx.derived.criteria_undecided:
        value = UNKNOWN
    else:
        value = FALSE
    return Outcome(value, (Fact("criterion", name, True, value is TRUE, value),))


def _tri_lookup(op: str, table: dict[str, Tri], key: str) -> Outcome:
    value = _BY_VALUE[max((v.value for v in table.values()), default=0)] if key == "any" else table.get(key, FALSE)
    return Outcome(value, (Fact(op, key, True, value is TRUE, value),))


def _art35(cond: Any, ctx: Context) -> Outcome:
    return _tri_lookup("art35_3", ctx.derived.art35_3, cond.art35_3)


def _national_list(cond: Any, ctx: Context) -> Outcome:
    return _tri_lookup("national_list", ctx.derived.national_lists, cond.national_list)


def _finding(cond: Any, ctx: Context) -> Outcome:
    return _tri_lookup("finding", ctx.derived.findings, cond.finding)


def _exemption(cond: Any, ctx: Context) -> Outcome:
    value = ctx.derived.exemption
    return Outcome(value, (Fact("exemption", "exemption", True, value is TRUE, value),))


def _risk_level(cond: Any, ctx: Context) -> Outcome:
    a = cond.risk_level
    levels = ctx.derived.risk_levels
    names = [a.question] if a.question else sorted(levels)
    threshold = RISK_ORDER[a.at_least]
    outcomes = []
    for name in names:
        level = levels.get(name, {}).get(a.phase)
        if name in ctx.hidden:
            outcomes.append(Outcome(FALSE, (Fact("risk_level", name, a.at_least, "not asked", FALSE, field=a.phase),)))
        elif level is None:
            outcomes.append(Outcome(UNKNOWN, (Fact("risk_level", name, a.at_least, None, UNKNOWN, field=a.phase),)))
        else:
            result = TRUE if RISK_ORDER[level] >= threshold else FALSE
            outcomes.append(Outcome(result, (Fact("risk_level", name, a.at_least, level, result, field=a.phase),)))
    if not outcomes:
        return Outcome(FALSE, ())
    return _combine(outcomes, TRUE, FALSE)


EVALUATORS: dict[type[Any], Callable[[Any, Context], Outcome]] = {
    All: _all,
    AnyOf: _any,
    Not: _not,
    Equals: _equals,
    In: _in,
    Contains: _contains,
    Answered: _answered,
    Gt: _compare("gt", lambda v, x: v > x),
    Gte: _compare("gte", lambda v, x: v >= x),
    Lt: _compare("lt", lambda v, x: v < x),
    Lte: _compare("lte", lambda v, x: v <= x),
    AnyRow: _any_row,
    CriteriaCount: _criteria_count,
    Criterion: _criterion,
    Art35Point: _art35,
    NationalList: _national_list,
    FindingFired: _finding,
    Exemption: _exemption,
    RiskLevel: _risk_level,
}


# --- compiled evaluation (values only) ----------------------------------------------------
#
# ``check`` builds the facts of a trace; most conditions only need their value (a
# question's visibility, a rule that stays silent). Compiling a condition once into
# nested closures makes that value cheap; ``evaluate`` asks ``check`` for facts only
# for the rules that fire or stay undecided. Both must agree: a test checks them on
# every operator.

ValueFn = Callable[[Context], int]
_F, _U, _T = 0, 1, 2


def compile_condition(cond: Condition) -> ValueFn:
    """A function giving the condition's value as 0 (FALSE), 1 (UNKNOWN) or 2 (TRUE)."""
    return _COMPILERS.get(type(cond), _compile_generic)(cond)


def _compile_generic(cond: Any) -> ValueFn:
    def value(ctx: Context) -> int:
        return check(cond, ctx).value.value

    return value


def _compile_all(cond: Any) -> ValueFn:
    return compile_all([compile_condition(c) for c in cond.all])


def compile_all(parts: list[ValueFn]) -> ValueFn:
    """The value of all ``parts`` together (Kleene AND)."""
    if len(parts) == 1:
        return parts[0]

    def value(ctx: Context) -> int:
        result = _T
        for part in parts:
            v = part(ctx)
            if v == _F:
                return _F
            if v < result:
                result = v
        return result

    return value


def _compile_any(cond: Any) -> ValueFn:
    parts = [compile_condition(c) for c in cond.any]

    def value(ctx: Context) -> int:
        result = _F
        for part in parts:
            v = part(ctx)
            if v == _T:
                return _T
            if v > result:
                result = v
        return result

    return value


def _compile_not(cond: Any) -> ValueFn:
    inner = compile_condition(cond.not_)

    def value(ctx: Context) -> int:
        return _T - inner(ctx)

    return value


def _compile_leaf(question: str, field: str | None, test: Callable[[Any], bool]) -> ValueFn:
    def value(ctx: Context) -> int:
        if question in ctx.hidden:
            return _F
        actual = ctx.answers.get(question)
        if actual is None or actual == "" or actual == []:
            return _U
        if field is not None:
            actual = actual.get(field) if isinstance(actual, dict) else None
            if actual is None:
                return _U
        return _T if test(actual) else _F

    return value


def _compile_equals(cond: Any) -> ValueFn:
    a = cond.equals
    if a.field is not None:
        expected_any = a.value
        return _compile_leaf(a.question, a.field, lambda v: _same(v, expected_any))
    question, expected = a.question, a.value
    if isinstance(expected, bool):
        # the hot path: `x is True` needs no function call per answer
        def value_bool(ctx: Context) -> int:
            if question in ctx.hidden:
                return _F
            actual = ctx.answers.get(question)
            if actual is None or actual == "" or actual == []:
                return _U
            return _T if actual is expected else _F

        return value_bool

    def value(ctx: Context) -> int:
        if question in ctx.hidden:
            return _F
        actual = ctx.answers.get(question)
        if actual is None or actual == "" or actual == []:
            return _U
        return _T if actual == expected and not isinstance(actual, bool) else _F

    return value


def _compile_in(cond: Any) -> ValueFn:
    a = cond.in_
    values = list(a.values)
    if all(isinstance(v, str) for v in values):
        question, allowed = a.question, frozenset(values)

        def value(ctx: Context) -> int:
            if question in ctx.hidden:
                return _F
            actual = ctx.answers.get(question)
            if actual is None or actual == "" or actual == []:
                return _U
            return _T if isinstance(actual, str) and actual in allowed else _F

        return value
    return _compile_leaf(a.question, None, lambda v: any(_same(v, x) for x in values))


def _compile_contains(cond: Any) -> ValueFn:
    a = cond.contains
    question, expected = a.question, a.value
    if a.field is not None:
        return _compile_leaf(question, a.field, lambda v: expected in v if isinstance(v, (list, str)) else False)

    def value(ctx: Context) -> int:
        if question in ctx.hidden:
            return _F
        actual = ctx.answers.get(question)
        if actual is None or actual == "" or actual == []:
            return _U
        return _T if isinstance(actual, (list, str)) and expected in actual else _F

    return value


def _compile_compare(op: str, test: Callable[[float, float], bool]) -> Callable[[Any], ValueFn]:
    def build(cond: Any) -> ValueFn:
        a = getattr(cond, op)
        bound = a.value
        return _compile_leaf(
            a.question,
            a.field,
            lambda v: isinstance(v, int | float) and not isinstance(v, bool) and test(v, bound),
        )

    return build


def _compile_answered(cond: Any) -> ValueFn:
    question = cond.answered

    def value(ctx: Context) -> int:
        if question in ctx.hidden:
            return _F
        actual = ctx.answers.get(question)
        return _F if actual is None or actual == "" or actual == [] else _T

    return value


_COMPILERS: dict[type[Any], Callable[[Any], ValueFn]] = {
    All: _compile_all,
    AnyOf: _compile_any,
    Not: _compile_not,
    Equals: _compile_equals,
    In: _compile_in,
    Contains: _compile_contains,
    Answered: _compile_answered,
    Gt: _compile_compare("gt", lambda v, x: v > x),
    Gte: _compile_compare("gte", lambda v, x: v >= x),
    Lt: _compile_compare("lt", lambda v, x: v < x),
    Lte: _compile_compare("lte", lambda v, x: v <= x),
}


def _compile_any_row(cond: Any) -> ValueFn:
    a = cond.any_row
    question = a.question
    where = compile_condition(a.where)

    def value(ctx: Context) -> int:
        if question in ctx.hidden:
            return _F
        rows = ctx.answers.get(question)
        if rows is None or rows == "" or rows == []:
            return _U
        result = _F
        for row in rows:
            v = where(Context(row if isinstance(row, dict) else {}, NO_HIDDEN, ctx.kinds, ctx.derived))
            if v == _T:
                return _T
            if v > result:
                result = v
        return result

    return value


def _compile_derived(read: Callable[[Derived], Tri]) -> ValueFn:
    def value(ctx: Context) -> int:
        return _VALUE_OF[read(ctx.derived)]

    return value


def _compile_criteria_count(cond: Any) -> ValueFn:
    bounds = cond.criteria_count

    def value(ctx: Context) -> int:
        return _VALUE_OF[_count_value(bounds, ctx.derived)[1]]

    return value


def _compile_risk_level(cond: Any) -> ValueFn:
    a = cond.risk_level
    question, phase, threshold = a.question, a.phase, RISK_ORDER[a.at_least]

    def value(ctx: Context) -> int:
        # as ``_risk_level``: TRUE if one rating reaches the threshold, else UNKNOWN if one
        # (not hidden) is unrated, else FALSE
        levels = ctx.derived.risk_levels
        result = _F
        for name in [question] if question else levels:
            if name in ctx.hidden:
                continue
            level = levels.get(name, {}).get(phase)
            if level is None:
                result = _U
            elif RISK_ORDER[level] >= threshold:
                return _T
        return result

    return value


def _criterion_value(name: str) -> Callable[[Derived], Tri]:
    def read(d: Derived) -> Tri:
        return TRUE if name in d.criteria_met else UNKNOWN if name in d.criteria_undecided else FALSE

    return read


def _table_value(table: str, key: str) -> Callable[[Derived], Tri]:
    values_of = attrgetter(table)
    if key == "any":

        def read_any(d: Derived) -> Tri:
            return _BY_VALUE[max((_VALUE_OF[v] for v in values_of(d).values()), default=0)]

        return read_any

    def read(d: Derived) -> Tri:
        return values_of(d).get(key, FALSE)  # type: ignore[no-any-return]

    return read


_COMPILERS[AnyRow] = _compile_any_row
_COMPILERS[CriteriaCount] = _compile_criteria_count
_COMPILERS[RiskLevel] = _compile_risk_level
_COMPILERS[Criterion] = lambda c: _compile_derived(_criterion_value(c.criterion))
_COMPILERS[FindingFired] = lambda c: _compile_derived(_table_value("findings", c.finding))
_COMPILERS[Art35Point] = lambda c: _compile_derived(_table_value("art35_3", c.art35_3))
_COMPILERS[NationalList] = lambda c: _compile_derived(_table_value("national_lists", c.national_list))
_COMPILERS[Exemption] = lambda c: _compile_derived(lambda d: d.exemption)


def derived_key_function(cond: Condition) -> Callable[[Derived], tuple[Any, ...]]:
    """A function giving the derived values ``cond`` reads, as a hashable key.

    Two evaluations with the same answers read and the same key explain a rule the
    same way, so ``evaluate`` can reuse the explanation.
    """
    readers: list[Callable[[Derived], Any]] = []
    for leaf in walk(cond):
        if isinstance(leaf, CriteriaCount):
            readers.append(lambda d: (len(d.criteria_met), len(d.criteria_undecided.keys() - d.criteria_met.keys())))
        elif isinstance(leaf, Criterion):
            readers.append(_criterion_value(leaf.criterion))
        elif isinstance(leaf, FindingFired):
            readers.append(_table_value("findings", leaf.finding))
        elif isinstance(leaf, Art35Point):
            readers.append(_table_value("art35_3", leaf.art35_3))
        elif isinstance(leaf, NationalList):
            readers.append(_table_value("national_lists", leaf.national_list))
        elif isinstance(leaf, Exemption):
            readers.append(lambda d: d.exemption)
        elif isinstance(leaf, RiskLevel):
            readers.append(lambda d: repr(sorted(d.risk_levels.items())))

    if len(readers) == 1:
        (only,) = readers
        return lambda derived: (only(derived),)

    def key(derived: Derived) -> tuple[Any, ...]:
        return tuple([read(derived) for read in readers])

    return key
