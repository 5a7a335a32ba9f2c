"""The workflow table: every (status, role, action) is allowed or refused exactly as WORKFLOW says.

The cells are generated from the table itself, then a few key cells are checked against expectations
written by hand (so a wrong table cannot pass by agreeing with itself).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from store_helpers import (
    BACKENDS,
    HOTEL_ANSWERS,
    Databases,
    add_comment_row,
    add_users,
    force_status,
    new_assessment,
    to_review,
)

import store
from engine.model import Questionnaire
from store.workflow import ACTIONS, ROLES, STATUSES, WORKFLOW, allowed_actions, next_status

ACTOR = {"author": "alice", "reviewer": "dora", "admin": "adam"}

PARAMS: dict[str, dict[str, Any]] = {
    "edit": {"question_id": "context.people", "value": 42},
    "comment": {"text": "Why cameras?", "question_id": "tech.cameras", "verdict": "improvable"},
    "override": {"target": "risk.access", "field": "severity_after", "value": 2, "reason": "Encrypted at rest"},
    "record_opinion": {"opinion": "Looks proportionate."},
    "request_changes": {"opinion": "Say which cameras."},
    "approve": {"opinion": "Proportionate with the measures taken."},
    "reject": {"opinion": "Not necessary for the purpose."},
}


@pytest.fixture(scope="module", params=BACKENDS)
def shared_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, questionnaires: dict[str, Questionnaire]
) -> Iterator[store.Store]:
    """One database per backend for the whole table (each cell uses its own assessment)."""
    databases = Databases(request.param, request, Path(tmp_path_factory.mktemp("workflow")))
    opened = store.open_store(databases.new_url(), questionnaires=questionnaires)
    add_users(opened)
    yield opened
    opened.close()
    databases.drop_all()


def test_the_table_names_every_status_and_role_pair() -> None:
    assert set(WORKFLOW) == set(itertools.product(STATUSES, ROLES))
    for (_status, _role), actions in WORKFLOW.items():
        assert set(actions) <= set(ACTIONS)
        assert set(actions.values()) <= set(STATUSES)


_refusal_targets: dict[tuple[str, str], tuple[str, int]] = {}


def target(db: store.Store, status: str, fresh: bool) -> tuple[str, int]:
    """An assessment in ``status`` and a comment on it: a new one for an allowed action, else a shared one
    (a refused action must leave it unchanged, which every cell checks)."""
    key = (db.url, status)
    if fresh or key not in _refusal_targets:
        a = new_assessment(db, answers=HOTEL_ANSWERS)
        force_status(db, a.id, status)
        made = (a.id, add_comment_row(db, a.id))
        if fresh:
            return made
        _refusal_targets[key] = made
    return _refusal_targets[key]


def attempt(db: store.Store, status: str, role: str, action: str) -> tuple[Any, Any]:
    """Try ``action`` as ``role`` on an assessment in ``status``; return (assessment before, result)."""
    allowed = action in WORKFLOW[(status, role)]  # type: ignore[index]
    assessment_id, comment_id = target(db, status, fresh=allowed)
    params = dict(PARAMS.get(action, {}))
    if action == "resolve_comment":
        params["comment_id"] = comment_id
    before = store.get_assessment(db, assessment_id)
    version = before.version
    try:
        return before, store.perform(db, assessment_id, action, ACTOR[role], version, **params)
    except store.NotAllowedError as refused:
        return before, refused


CELLS = [
    pytest.param(status, role, action, id=f"{status}-{role}-{action}")
    for status, role, action in itertools.product(STATUSES, ROLES, ACTIONS)
]


@pytest.mark.parametrize(("status", "role", "action"), CELLS)
def test_each_cell_is_allowed_or_refused_as_the_table_says(
    shared_db: store.Store, status: str, role: str, action: str
) -> None:
    expected = WORKFLOW[(status, role)].get(action)  # type: ignore[index]
    before, result = attempt(shared_db, status, role, action)
    after = store.get_assessment(shared_db, before.id)
    if expected is None:
        assert isinstance(result, store.NotAllowedError), f"{action} should be refused"
        assert (result.status, result.action) == (status, action)
        assert (after.status, after.version, after.answers) == (before.status, before.version, before.answers)
    else:
        assert not isinstance(result, store.NotAllowedError), str(result)
        assert after.status == expected
        if action == "edit":
            assert after.answers["context.people"] == 42


# --- key cells, expectations written by hand --------------------------------------------------------------

KEY_CELLS = [
    ("draft", "author", "submit", "submitted"),
    ("draft", "author", "edit", "draft"),
    ("draft", "reviewer", "approve", None),
    ("draft", "admin", "edit", None),
    ("submitted", "author", "edit", None),
    ("submitted", "reviewer", "start_review", "in_review"),
    ("in_review", "author", "edit", None),
    ("in_review", "reviewer", "approve", "approved"),
    ("in_review", "reviewer", "request_changes", "changes_requested"),
    ("in_review", "admin", "approve", None),
    ("changes_requested", "author", "submit", "submitted"),
    ("approved", "author", "edit", "draft"),
    ("approved", "reviewer", "edit", None),
    ("approved", "admin", "archive", "archived"),
    ("rejected", "author", "edit", None),
    ("archived", "admin", "edit", None),
    ("archived", "reviewer", "approve", None),
]


@pytest.mark.parametrize(("status", "role", "action", "expected"), KEY_CELLS)
def test_key_cells_match_the_written_expectation(
    shared_db: store.Store, status: str, role: str, action: str, expected: str | None
) -> None:
    assert next_status(status, [role], action) == expected
    before, result = attempt(shared_db, status, role, action)
    after = store.get_assessment(shared_db, before.id)
    if expected is None:
        assert isinstance(result, store.NotAllowedError)
        assert after.status == status
    else:
        assert after.status == expected
    if (status, action, expected) == ("approved", "edit", "draft"):
        assert after.revision == before.revision + 1


def test_nothing_is_allowed_once_archived() -> None:
    assert allowed_actions("archived", ROLES) == {}


def test_when_another_author_edits_then_refused(db: store.Store) -> None:
    a = new_assessment(db, owner="alice")
    with pytest.raises(store.NotAllowedError, match=r"bob .*not the owner"):
        store.save_answer(db, a.id, "context.people", 3, a.version, "bob")


def test_when_one_user_holds_every_role_then_they_can_run_the_whole_workflow(db: store.Store) -> None:
    store.ensure_user(db, "solo", ["author", "reviewer", "admin"])
    a = store.create_assessment(db, "sample", "Solo", "solo", answers=HOTEL_ANSWERS)
    a = store.submit(db, a.id, "solo", a.version)
    a = store.start_review(db, a.id, "solo", a.version)
    store.approve(db, a.id, "solo", a.version, opinion="Fine.")
    a = store.archive(db, a.id, "solo", store.get_assessment(db, a.id).version)
    assert a.status == "archived"


def test_when_approving_without_opinion_then_refused_and_nothing_changes(db: store.Store) -> None:
    a = to_review(db)
    with pytest.raises(store.ReviewIncompleteError, match="opinion"):
        store.approve(db, a.id, "dora", a.version)
    assert store.get_assessment(db, a.id).status == "in_review"
    assert store.versions(db, a.id) == []


def test_when_rejecting_without_opinion_then_refused(db: store.Store) -> None:
    a = to_review(db)
    with pytest.raises(store.ReviewIncompleteError):
        store.reject(db, a.id, "dora", a.version)


def test_when_an_override_has_no_reason_then_refused(db: store.Store) -> None:
    a = to_review(db)
    with pytest.raises(store.ReviewIncompleteError, match="reason"):
        store.add_override(db, a.id, "dora", "risk.access", 2, "  ", field="severity_after")
    assert store.overrides(db, a.id) == []


def test_when_a_transition_uses_a_stale_version_then_conflict(db: store.Store) -> None:
    a = new_assessment(db)
    saved = store.save_answer(db, a.id, "context.people", 7, a.version, "alice")
    with pytest.raises(store.ConflictError):
        store.submit(db, a.id, "alice", a.version)
    assert store.submit(db, a.id, "alice", saved.version).status == "submitted"


def test_every_transition_override_and_sign_off_is_in_the_audit_log(db: store.Store) -> None:
    a = to_review(db)
    store.add_override(db, a.id, "dora", "R-EMO-001", "high", "Opt-in only", field="severity")
    store.approve(db, a.id, "dora", a.version, opinion="Fine with the opt-in.")
    entries = [(e.actor, e.action, e.from_value, e.to_value) for e in store.audit_log(db, a.id)]
    assert entries == [
        ("alice", "create", None, "draft"),
        ("alice", "submit", "draft", "submitted"),
        ("dora", "start_review", "submitted", "in_review"),
        ("dora", "override", "critical", "high"),
        ("dora", "approve", "in_review", "approved"),
        ("dora", "sign_off", None, "Dora"),
    ]


def test_decide_maps_each_decision_to_its_action(db: store.Store) -> None:
    a = to_review(db)
    a = store.decide(db, a.id, "dora", a.version, "changes_requested", opinion="Say which cameras.")
    assert (a.status, a.review["decision"]) == ("changes_requested", "changes_requested")
    a = store.submit(db, a.id, "alice", a.version)
    a = store.start_review(db, a.id, "dora", a.version)
    a = store.decide(db, a.id, "dora", a.version, "approved_with_conditions", opinion="Only with opt-in.")
    assert (a.status, a.review["decision"], a.review["sign_off"]["name"]) == (
        "approved",
        "approved_with_conditions",
        "Dora",
    )
    with pytest.raises(store.ReviewIncompleteError, match="one of"):
        store.decide(db, a.id, "dora", a.version, "maybe")


# --- users and roles ---------------------------------------------------------------------------------------


def test_the_first_admin_can_be_created_by_anyone_then_only_admins_change_roles(db: store.Store) -> None:
    # the db fixture already has adam (admin): nobody else may change roles now
    with pytest.raises(store.NotAllowedError, match="only an admin"):
        store.set_roles(db, "alice", ["author", "reviewer"], actor="alice")
    store.set_roles(db, "alice", ["author", "reviewer"], actor="adam")
    assert store.user_roles(db, "alice") == ("author", "reviewer")
    store.set_roles(db, "alice", ["author"], actor="adam")
    assert store.user_roles(db, "alice") == ("author",)
    with pytest.raises(store.NotAllowedError, match="last admin"):
        store.set_roles(db, "adam", ["reviewer"], actor="adam")
    assert [(e.action, e.from_value, e.to_value) for e in store.audit_log(db)][-2:] == [
        ("set_roles", "author", "author,reviewer"),
        ("set_roles", "author,reviewer", "author"),
    ]


def test_when_no_admin_exists_the_first_one_can_be_made(tmp_path: Path, questionnaires: dict) -> None:
    opened = store.open_store(f"sqlite:///{tmp_path}/fresh.sqlite", questionnaires=questionnaires)
    try:
        store.set_roles(opened, "root", ["admin"], actor="installer")
        assert store.user_roles(opened, "root") == ("admin",)
        with pytest.raises(store.StoreError, match="unknown role"):
            store.set_roles(opened, "x", ["superuser"], actor="root")
    finally:
        opened.close()


def test_an_author_without_the_role_cannot_create(db: store.Store) -> None:
    with pytest.raises(store.NotAllowedError, match="author role"):
        store.create_assessment(db, "sample", "X", "dora")


# --- any sequence of attempts follows the table ------------------------------------------------------------

STEP_ACTIONS = [a for a in ACTIONS if a != "approve"]  # approval renders a PDF: covered cell by cell above
TRANSITIONS = {"submit", "withdraw", "start_review", "request_changes", "reject", "archive"}


def allowed_steps(status: str) -> list[tuple[str, str]]:
    return [(role, action) for role in ROLES for action in WORKFLOW[(status, role)] if action in STEP_ACTIONS]  # type: ignore[index]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_sequence_of_attempts_follows_the_table_and_audits_each_transition(
    sqlite_db: store.Store, data: st.DataObject
) -> None:
    a = new_assessment(sqlite_db, answers=HOTEL_ANSWERS)
    status, transitions = "draft", 0
    any_step = st.tuples(st.sampled_from(ROLES), st.sampled_from(STEP_ACTIONS))
    for _ in range(data.draw(st.integers(1, 12), label="steps")):
        allowed = allowed_steps(status)
        # mostly follow the table (to reach deep states), sometimes try anything
        follow = allowed and data.draw(st.integers(0, 3), label="follow") < 3
        role, action = data.draw(st.sampled_from(allowed) if follow else any_step, label="step")
        current = store.get_assessment(sqlite_db, a.id)
        params = dict(PARAMS.get(action, {}))
        if action == "resolve_comment":
            params["comment_id"] = add_comment_row(sqlite_db, a.id)
        expected = WORKFLOW[(status, role)].get(action)  # type: ignore[index]
        try:
            store.perform(sqlite_db, a.id, action, ACTOR[role], current.version, **params)
        except store.NotAllowedError:
            assert expected is None, f"{role} {action} in {status} should be allowed"
            continue
        assert expected is not None, f"{role} {action} in {status} should be refused"
        status = expected
        transitions += action in TRANSITIONS
        assert store.get_assessment(sqlite_db, a.id).status == status
    audited = [e for e in store.audit_log(sqlite_db, a.id) if e.action in TRANSITIONS]
    assert len(audited) == transitions
    assert all(e.from_value != e.to_value for e in audited)


@pytest.fixture
def sqlite_db(tmp_path: Path, questionnaires: dict[str, Questionnaire]) -> Iterator[store.Store]:
    opened = store.open_store(f"sqlite:///{tmp_path}/steps.sqlite", questionnaires=questionnaires)
    add_users(opened)
    yield opened
    opened.close()
