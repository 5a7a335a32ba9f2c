"""Conditions are data evaluated in three values; each operator, table-driven."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from engine.conditions import Condition, Context, Derived, Tri, check, compile_condition

T, F, U = Tri.TRUE, Tri.FALSE, Tri.UNKNOWN
KINDS = {"yes": "yes_no", "choice": "single_choice", "multi": "multi_choice", "n": "number", "rows": "group"}
ADAPTER: TypeAdapter[Any] = TypeAdapter(Condition)


def run(
    cond: dict[str, Any], answers: dict[str, Any], hidden: set[str] | None = None, derived: Derived | None = None
) -> Tri:
    """Evaluate with facts (check) and as a compiled value; both must agree."""
    model = ADAPTER.validate_python(cond)
    ctx = Context(answers, hidden or set(), KINDS, derived)
    value = check(model, ctx).value
    assert compile_condition(model)(ctx) == value.value, "compiled and explained evaluation disagree"
    return value


YES = {"equals": {"question": "yes", "value": True}}
MULTI_A = {"contains": {"question": "multi", "value": "a"}}


@pytest.mark.parametrize(
    ("cond", "answers", "expected"),
    [
        (YES, {"yes": True}, T),
        (YES, {"yes": False}, F),
        (YES, {}, U),
        ({"equals": {"question": "choice", "value": "lobby"}}, {"choice": "lobby"}, T),
        ({"equals": {"question": "choice", "value": "lobby"}}, {"choice": "bar"}, F),
        ({"in": {"question": "choice", "values": ["lobby", "bar"]}}, {"choice": "bar"}, T),
        ({"in": {"question": "choice", "values": ["lobby", "bar"]}}, {"choice": "home"}, F),
        ({"in": {"question": "choice", "values": ["lobby"]}}, {}, U),
        (MULTI_A, {"multi": ["a", "b"]}, T),
        (MULTI_A, {"multi": ["b"]}, F),
        (MULTI_A, {"multi": []}, U),
        ({"answered": "yes"}, {"yes": False}, T),
        ({"answered": "yes"}, {}, F),
        ({"gt": {"question": "n", "value": 10}}, {"n": 11}, T),
        ({"gt": {"question": "n", "value": 10}}, {"n": 10}, F),
        ({"gte": {"question": "n", "value": 10}}, {"n": 10}, T),
        ({"lt": {"question": "n", "value": 10}}, {"n": 9.5}, T),
        ({"lte": {"question": "n", "value": 10}}, {"n": 11}, F),
        ({"lte": {"question": "n", "value": 10}}, {}, U),
        # a yes/no answer is never equal to the number 1
        ({"equals": {"question": "yes", "value": 1}}, {"yes": True}, F),
    ],
)
def test_leaf_operators(cond: dict[str, Any], answers: dict[str, Any], expected: Tri) -> None:
    assert run(cond, answers) is expected


# Kleene's tables: every combination of TRUE / FALSE / UNKNOWN through all, any, not.
VALUES = {T: {"yes": True}, F: {"yes": False}, U: {}}


@pytest.mark.parametrize("left", [T, F, U])
@pytest.mark.parametrize("right", [T, F, U])
def test_all_and_any_follow_kleene_logic(left: Tri, right: Tri) -> None:
    cond_left = {"equals": {"question": "yes", "value": True}}
    cond_right = {"equals": {"question": "choice", "value": "x"}}
    answers: dict[str, Any] = dict(VALUES[left])
    if right is T:
        answers["choice"] = "x"
    elif right is F:
        answers["choice"] = "y"
    expected_all = Tri(min(left.value, right.value))
    expected_any = Tri(max(left.value, right.value))
    assert run({"all": [cond_left, cond_right]}, answers) is expected_all
    assert run({"any": [cond_left, cond_right]}, answers) is expected_any


@pytest.mark.parametrize(("inner", "expected"), [(T, F), (F, T), (U, U)])
def test_not_flips_true_and_false_and_keeps_unknown(inner: Tri, expected: Tri) -> None:
    assert run({"not": YES}, VALUES[inner]) is expected


def test_when_question_is_hidden_then_leaf_is_false_not_unknown() -> None:
    assert run(YES, {}, hidden={"yes"}) is F
    assert run({"answered": "yes"}, {"yes": True}, hidden={"yes"}) is F


def test_any_row_true_when_one_row_matches_and_unknown_when_rows_lack_the_field() -> None:
    cond = {"any_row": {"question": "rows", "where": {"equals": {"question": "needed", "value": False}}}}
    assert run(cond, {"rows": [{"needed": True}, {"needed": False}]}) is T
    assert run(cond, {"rows": [{"needed": True}]}) is F
    assert run(cond, {"rows": [{"needed": True}, {}]}) is U
    assert run(cond, {}) is U


def test_criteria_count_is_unknown_while_undecided_criteria_could_change_it() -> None:
    derived = Derived(criteria_met={"a": ["R-1"]}, criteria_undecided={"b": ["R-2"]})
    assert run({"criteria_count": {"gte": 2}}, {}, derived=derived) is U
    assert run({"criteria_count": {"gte": 1}}, {}, derived=derived) is T
    assert run({"criteria_count": {"gte": 3}}, {}, derived=derived) is F
    assert run({"criteria_count": {"equals": 1}}, {}, derived=derived) is U


@pytest.mark.parametrize(
    ("cond", "derived", "expected"),
    [
        ({"criterion": "a"}, Derived(criteria_met={"a": ["R-1"]}), T),
        ({"criterion": "a"}, Derived(criteria_undecided={"a": ["R-1"]}), U),
        ({"criterion": "a"}, Derived(), F),
        ({"finding": "R-1"}, Derived(findings={"R-1": T}), T),
        ({"finding": "R-1"}, Derived(findings={"R-1": U}), U),
        ({"art35_3": "c"}, Derived(art35_3={"c": T}), T),
        ({"art35_3": "any"}, Derived(art35_3={"a": F, "b": U}), U),
        ({"national_list": "cnil_35_4"}, Derived(national_lists={"cnil_35_4": T}), T),
        ({"national_list": "any"}, Derived(), F),
        ({"exemption": True}, Derived(exemption=T), T),
        ({"risk_level": {"phase": "after", "at_least": "high"}}, Derived(risk_levels={"r": {"after": "high"}}), T),
        ({"risk_level": {"phase": "after", "at_least": "high"}}, Derived(risk_levels={"r": {"after": "medium"}}), F),
        ({"risk_level": {"phase": "after", "at_least": "medium"}}, Derived(risk_levels={"r": {"after": None}}), U),
    ],
)
def test_derived_value_operators(cond: dict[str, Any], derived: Derived, expected: Tri) -> None:
    assert run(cond, {}, derived=derived) is expected


AFTER_HIGH = {"phase": "after", "at_least": "high"}
TWO_RATINGS = {"r": {"after": None}, "s": {"after": "high"}}


@pytest.mark.parametrize(
    ("cond", "hidden", "expected"),
    [
        ({"risk_level": AFTER_HIGH}, set(), T),  # one rating reaches the threshold: TRUE despite the unrated one
        ({"risk_level": AFTER_HIGH}, {"s"}, U),  # the high one does not apply; the other is unrated
        ({"risk_level": AFTER_HIGH}, {"r", "s"}, F),  # no rating applies
        ({"risk_level": {**AFTER_HIGH, "question": "r"}}, set(), U),
        ({"risk_level": {**AFTER_HIGH, "question": "r"}}, {"r"}, F),
        ({"risk_level": {**AFTER_HIGH, "question": "t"}}, set(), U),  # not rated at all yet
    ],
)
def test_risk_level_over_several_ratings_some_hidden(cond: dict[str, Any], hidden: set[str], expected: Tri) -> None:
    assert run(cond, {}, hidden=hidden, derived=Derived(risk_levels=TWO_RATINGS)) is expected


def test_fired_because_trace_names_each_deciding_answer() -> None:
    cond = ADAPTER.validate_python({"all": [YES, {"not": MULTI_A}]})
    outcome = check(cond, Context({"yes": True, "multi": ["b"]}, set(), KINDS))
    assert outcome.value is T
    assert [(f.subject, f.negated) for f in outcome.facts] == [("yes", False), ("multi", True)]


def test_false_all_traces_only_the_failing_leaves() -> None:
    cond = ADAPTER.validate_python({"all": [YES, MULTI_A]})
    outcome = check(cond, Context({"yes": False, "multi": ["a"]}, set(), KINDS))
    assert [f.subject for f in outcome.facts] == ["yes"]


@pytest.mark.parametrize(
    "bad",
    [
        {"between": {"question": "n"}},
        {"equals": {"question": "n", "value": 1}, "in": {"question": "n", "values": [1]}},
        {},
        "equals",
        {"all": []},
        {"criteria_count": {}},
    ],
)
def test_malformed_conditions_are_refused(bad: Any) -> None:
    with pytest.raises(ValidationError):
        ADAPTER.validate_python(bad)
