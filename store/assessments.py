"""Assessments: create, read, autosave one answer at a time, conflicts, users and roles.

Every write is one short transaction that locks the assessment row (``SELECT ... FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), checks the caller's ``expected_version`` against the stored
one, and then writes; the ORM's version counter adds ``WHERE version = :old`` to the UPDATE as a second
guard. A stale save writes nothing to the assessment: the attempted value is kept in the conflicts
table and :class:`store.errors.ConflictError` carries both values.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from engine.answers import Metadata, check_answers, normalise
from engine.errors import AnswersError, Problem
from engine.model import Questionnaire
from engine.scoring import OUTCOME_KEYS, outcome, outcome_of
from store.audit import record
from store.db import Store, now
from store.errors import ConflictError, NotAllowedError, NotFoundError, StoreError
from store.models import Assessment, Conflict, User, UserRole, table_of
from store.workflow import ROLES, allowed_actions, starts_new_revision

# --- outcome: what a re-score compares ------------------------------------------------------------


def outcome_changes(before: Mapping[str, Any] | None, after: Mapping[str, Any]) -> list[str]:
    """What changed between two outcomes, one short line each (empty when the outcome is the same)."""
    before = before or {}
    lines: list[str] = []
    for key in OUTCOME_KEYS:
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "findings":
            old_f, new_f = dict(old or {}), dict(new or {})
            lines += [f"finding {r} now fires ({new_f[r]})" for r in sorted(set(new_f) - set(old_f))]
            lines += [f"finding {r} no longer fires" for r in sorted(set(old_f) - set(new_f))]
            lines += [
                f"finding {r} severity {old_f[r]} -> {new_f[r]}"
                for r in sorted(set(old_f) & set(new_f))
                if old_f[r] != new_f[r]
            ]
        elif isinstance(new, list) or isinstance(old, list):
            added, removed = sorted(set(new or ()) - set(old or ())), sorted(set(old or ()) - set(new or ()))
            lines += [f"{key} +{item}" for item in added] + [f"{key} -{item}" for item in removed]
        else:
            lines.append(f"{key}: {old} -> {new}")
    return lines


def score(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """The outcome of these (already normalised) answers (see :func:`engine.scoring.outcome`)."""
    return outcome(questionnaire, answers)


# --- plain views, detached from any session ---------------------------------------------------------


@dataclass(frozen=True)
class AssessmentView:
    """An assessment as stored, read in one transaction. ``version`` is what the next save must pass."""

    id: str
    title: str
    owner: str
    questionnaire_id: str
    questionnaire_version: str | None
    metadata: dict[str, Any]
    answers: dict[str, Any]
    review: dict[str, Any]
    outcome: dict[str, Any] | None
    dpia_verdict: str | None
    ai_act_status: str | None
    status: str
    version: int
    revision: int
    review_date: dt.date | None
    created: dt.datetime
    updated: dt.datetime


def view_of(row: Assessment) -> AssessmentView:
    return AssessmentView(
        id=row.id,
        title=row.title,
        owner=row.owner_id,
        questionnaire_id=row.questionnaire_id,
        questionnaire_version=row.questionnaire_version,
        metadata=dict(row.meta),
        answers=dict(row.answers),
        review=dict(row.review),
        outcome=dict(row.outcome) if row.outcome is not None else None,
        dpia_verdict=row.dpia_verdict,
        ai_act_status=row.ai_act_status,
        status=row.status,
        version=row.version,
        revision=row.revision,
        review_date=row.review_date,
        created=row.created,
        updated=row.updated,
    )


@dataclass(frozen=True)
class Saved:
    """The result of an autosave: the new version to send with the next save, and the new outcome."""

    assessment_id: str
    question_id: str
    value: Any
    version: int
    revision: int
    status: str
    outcome: dict[str, Any]


@dataclass(frozen=True)
class ConflictView:
    id: int
    assessment_id: str
    question_id: str | None
    author: str
    attempted: Any
    stored: Any
    expected_version: int
    stored_version: int
    created: dt.datetime
    resolved: bool


# --- users and roles ---------------------------------------------------------------------------------


def _check_roles(roles: Iterable[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(roles))
    unknown = [r for r in out if r not in ROLES]
    if unknown:
        raise StoreError(f"unknown role(s) {', '.join(unknown)}; roles: {', '.join(ROLES)}")
    return out


def ensure_user(
    store: Store, user_id: str, roles: Iterable[str] = ("author",), *, name: str | None = None, actor: str = "system"
) -> tuple[str, ...]:
    """Create the user with ``roles`` if missing; an existing user keeps their roles.

    An operator-level call (the app's start-up, the CLI): it does not check who calls it.

    Returns:
        The user's roles.
    """
    wanted = _check_roles(roles)
    if not user_id.strip():
        raise StoreError("a user id cannot be empty")
    with store.write() as session:
        if session.get(User, user_id) is None:
            session.add(User(id=user_id, name=name, created=now()))
            session.flush()
            session.add_all(UserRole(user_id=user_id, role=r) for r in wanted)
            record(session, actor, "add_user", to_value=",".join(wanted), detail={"user": user_id})
            return wanted
        return _user_roles(session, user_id)


def set_roles(store: Store, user_id: str, roles: Iterable[str], *, actor: str, name: str | None = None) -> None:
    """Give ``user_id`` exactly these roles.

    Only an admin may do this, except while no admin exists (to make the first one); the last admin
    cannot lose the role, so the store never falls back to that open state.
    """
    wanted = _check_roles(roles)
    with store.write() as session:
        any_admin = session.scalar(select(UserRole.user_id).where(UserRole.role == "admin").limit(1))
        if any_admin is not None and "admin" not in _user_roles(session, actor):
            raise NotAllowedError(
                f"{actor} may not change roles: only an admin may", status="-", roles=(), action="set_roles"
            )
        user = session.get(User, user_id)
        if user is None:
            session.add(User(id=user_id, name=name, created=now()))
            session.flush()
            before: tuple[str, ...] = ()
        else:
            before = _user_roles(session, user_id)
            if name is not None:
                user.name = name
        if "admin" in before and "admin" not in wanted:
            others = select(UserRole.user_id).where(UserRole.role == "admin", UserRole.user_id != user_id)
            if session.scalar(others.limit(1)) is None:
                raise NotAllowedError(
                    f"{user_id} is the last admin: make someone else admin first",
                    status="-",
                    roles=before,
                    action="set_roles",
                )
        for role in set(before) - set(wanted):
            session.delete(session.get(UserRole, (user_id, role)))
        session.add_all(UserRole(user_id=user_id, role=r) for r in wanted if r not in before)
        record(
            session,
            actor,
            "set_roles",
            from_value=",".join(sorted(before)),
            to_value=",".join(sorted(wanted)),
            detail={"user": user_id},
        )


def user_roles(store: Store, user_id: str) -> tuple[str, ...]:
    with store.read() as session:
        return _user_roles(session, user_id)


_ROLES_OF = select(table_of(UserRole).c.role).where(table_of(UserRole).c.user_id == bindparam("user_id"))


def _user_roles(session: Session | Connection, user_id: str) -> tuple[str, ...]:
    connection = session.connection() if isinstance(session, Session) else session
    return tuple(sorted(connection.execute(_ROLES_OF, {"user_id": user_id}).scalars()))


def roles_on(session: Session | Connection, user_id: str, row: Any) -> tuple[str, ...]:
    """The user's roles that apply to this assessment (an ORM row or a Core row with ``owner_id``):
    the author role counts only for the assessment's owner."""
    roles = _user_roles(session, user_id)
    return tuple(r for r in roles if r != "author" or row.owner_id == user_id)


def authorize(session: Session | Connection, user_id: str, row: Any, action: str) -> str:
    """The status ``action`` leads to, after checking the workflow table; raises NotAllowedError."""
    roles = roles_on(session, user_id, row)
    allowed = allowed_actions(row.status, roles)
    if action not in allowed:
        if not roles:
            owned = _user_roles(session, user_id)
            who = f"{user_id} ({'author, not the owner' if owned else 'no role'})"
        else:
            who = f"{user_id} ({', '.join(roles)})"
        choices = ", ".join(sorted(allowed)) or "nothing"
        raise NotAllowedError(
            f"{who} may not {action} assessment {row.id} in status {row.status}; allowed: {choices}",
            status=row.status,
            roles=roles,
            action=action,
        )
    return allowed[action]


# --- create and read -------------------------------------------------------------------------------------


def new_id() -> str:
    return uuid.uuid4().hex


def checked_metadata(title: str, metadata: Mapping[str, Any] | None, name: str) -> dict[str, Any]:
    data = {**(metadata or {}), "feature": title}
    try:
        checked = Metadata.model_validate(data)
    except ValidationError as e:
        raise AnswersError(
            [Problem(name, 0, 0, ".".join(map(str, err["loc"])), err["msg"]) for err in e.errors()]
        ) from e
    return checked.model_dump(mode="json", exclude_none=True)


def check_all_answers(questionnaire: Questionnaire, answers: Mapping[str, Any], name: str) -> dict[str, Any]:
    from engine.yamlsafe import Document

    checked, problems = check_answers(questionnaire, dict(answers), Document(dict(answers), {}, name), ("answers",))
    if problems:
        raise AnswersError(problems)
    return checked


def create_assessment(
    store: Store,
    questionnaire_id: str,
    title: str,
    owner: str,
    *,
    metadata: Mapping[str, Any] | None = None,
    answers: Mapping[str, Any] | None = None,
    review_date: dt.date | None = None,
    assessment_id: str | None = None,
) -> AssessmentView:
    """A new draft owned by ``owner`` (who must hold the author role).

    Args:
        metadata: engine ``Metadata`` fields besides ``feature`` (which is ``title``): owner, date, description.
        answers: Initial answers, checked against the questionnaire.
    """
    questionnaire = store.questionnaire(questionnaire_id)
    meta = checked_metadata(title, metadata, "<new assessment>")
    checked = check_all_answers(questionnaire, answers or {}, "<new assessment>")
    created = now()
    with store.write() as session:
        if "author" not in _user_roles(session, owner):
            raise NotAllowedError(
                f"{owner} may not create an assessment: it needs the author role",
                status="-",
                roles=_user_roles(session, owner),
                action="create",
            )
        row = Assessment(
            id=assessment_id or new_id(),
            title=meta["feature"],
            owner_id=owner,
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            meta=meta,
            answers=checked,
            review={},
            status="draft",
            revision=1,
            review_date=review_date,
            created=created,
            updated=created,
        )
        set_outcome(row, score(questionnaire, checked))
        session.add(row)
        session.flush()
        record(session, owner, "create", row.id, to_value="draft", detail={"questionnaire": questionnaire.id})
        return view_of(row)


def get_assessment(store: Store, assessment_id: str) -> AssessmentView:
    with store.read() as session:
        return view_of(get_row(session, assessment_id))


def get_row(session: Session, assessment_id: str, *, lock: bool = False) -> Assessment:
    row = session.get(Assessment, assessment_id, with_for_update=lock)
    if row is None:
        raise NotFoundError(f"no assessment {assessment_id!r}")
    return row


def set_outcome(row: Assessment, outcome: dict[str, Any]) -> None:
    row.outcome = outcome
    row.dpia_verdict = outcome["dpia"]
    row.ai_act_status = outcome["ai_act"]


# --- autosave -------------------------------------------------------------------------------------------


def save_answer(
    store: Store, assessment_id: str, question_id: str, value: Any, expected_version: int, user: str
) -> Saved:
    """Save one answer in its own short transaction (the app's autosave).

    ``value`` is checked with :func:`engine.answers.normalise`; None, "" or [] clears the answer.
    Saving into an approved assessment starts a new revision (status draft).

    Raises:
        ConflictError: ``expected_version`` is not the stored version; nothing was overwritten and the
            attempted value is kept in the conflicts table.
        AnswersError: the value does not fit the question.
        NotAllowedError: the user may not edit in this status.
    """
    # The app's hot path: prepared Core statements on one connection (no ORM unit of work).
    conflict: ConflictError | None = None
    with store.begin() as connection:  # SQLite: BEGIN IMMEDIATE
        row = connection.execute(_ROW_FOR_SAVE, {"b_id": assessment_id}).one_or_none()
        if row is None:
            raise NotFoundError(f"no assessment {assessment_id!r}")
        to = authorize(connection, user, row, "edit")
        questionnaire = store.questionnaire(row.questionnaire_id)
        normal = _normalise_one(questionnaire, question_id, value)
        if row.version != expected_version:
            conflict = _keep_conflict(connection, row, question_id, normal, expected_version, user)
        else:
            answers = dict(row.answers)
            if normal is None:
                answers.pop(question_id, None)
            else:
                answers[question_id] = normal
            outcome = score(questionnaire, answers)
            values: dict[str, Any] = {
                "b_id": assessment_id,
                "b_version": row.version,
                "answers": answers,
                "questionnaire_version": questionnaire.version,
                "outcome": outcome,
                "dpia_verdict": outcome["dpia"],
                "ai_act_status": outcome["ai_act"],
                "updated": now(),
                "version": row.version + 1,
            }
            status, revision = row.status, row.revision
            if starts_new_revision(row.status, to):
                _record_revise(connection, user, row.id, row.revision)
                status, revision = to, row.revision + 1
                done = connection.execute(
                    _SAVE_REVISING, values | {"status": status, "revision": revision, "review": {}}
                )
            else:
                done = connection.execute(_SAVE, values)
            assert done.rowcount == 1  # the row is locked: its version cannot have moved
            return Saved(assessment_id, question_id, normal, row.version + 1, revision, status, outcome)
    assert conflict is not None
    raise conflict


_COLS = table_of(Assessment).c
_ROW_FOR_SAVE = (
    select(_COLS.id, _COLS.owner_id, _COLS.status, _COLS.version, _COLS.revision, _COLS.questionnaire_id, _COLS.answers)
    .where(_COLS.id == bindparam("b_id"))
    .with_for_update()
)
_SAVE_COLUMNS = ("answers", "questionnaire_version", "outcome", "dpia_verdict", "ai_act_status", "updated", "version")
_SAVE = (
    update(table_of(Assessment))
    .where(_COLS.id == bindparam("b_id"), _COLS.version == bindparam("b_version"))
    .values({name: bindparam(name) for name in _SAVE_COLUMNS})
)
_SAVE_REVISING = _SAVE.values({name: bindparam(name) for name in ("status", "revision", "review")})


def save_answers(
    store: Store, assessment_id: str, answers: Mapping[str, Any], expected_version: int, user: str
) -> AssessmentView:
    """Save several answers at once (one transaction); None clears an answer. Same checks as save_answer."""
    conflict: ConflictError | None = None
    with store.write() as session:
        row = get_row(session, assessment_id, lock=True)
        to = authorize(session, user, row, "edit")
        questionnaire = store.questionnaire(row.questionnaire_id)
        normal = {qid: _normalise_one(questionnaire, qid, v) for qid, v in answers.items()}
        if row.version != expected_version:
            conflict = _keep_conflict(session, row, None, normal, expected_version, user)
        else:
            merged = {**row.answers, **{q: v for q, v in normal.items() if v is not None}}
            for qid in (q for q, v in normal.items() if v is None):
                merged.pop(qid, None)
            _apply(session, row, to, user, answers=merged, questionnaire=questionnaire)
            return view_of(row)
    assert conflict is not None
    raise conflict


def save_metadata(
    store: Store,
    assessment_id: str,
    expected_version: int,
    user: str,
    *,
    title: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    review_date: dt.date | None = None,
) -> AssessmentView:
    """Change the title, other metadata fields (None clears one) or the review date."""
    conflict: ConflictError | None = None
    with store.write() as session:
        row = get_row(session, assessment_id, lock=True)
        to = authorize(session, user, row, "edit")
        if row.version != expected_version:
            day = review_date.isoformat() if review_date else None
            changes = {"title": title, "metadata": dict(metadata or {}), "review_date": day}
            conflict = _keep_conflict(session, row, None, changes, expected_version, user)
        else:
            merged = {**row.meta, **(metadata or {})}
            meta = checked_metadata(title or row.title, {k: v for k, v in merged.items() if v is not None}, row.id)
            _apply(session, row, to, user, meta=meta, review_date=review_date)
            return view_of(row)
    assert conflict is not None
    raise conflict


def _normalise_one(questionnaire: Questionnaire, question_id: str, value: Any) -> Any:
    question = questionnaire.questions.get(question_id)
    where = f"answers.{question_id}"
    if question is None:
        raise AnswersError([Problem("<save>", 0, 0, where, f"unknown question {question_id!r} in {questionnaire.id}")])
    normal, errors = normalise(questionnaire, question, value)
    if errors:
        raise AnswersError(
            [Problem("<save>", 0, 0, ".".join([where, *map(str, sub)]), f"{question_id}: {m}") for sub, m in errors]
        )
    return normal


def _keep_conflict(
    session: Session | Connection,
    row: Any,
    question_id: str | None,
    attempted: Any,
    expected: int,
    user: str,
) -> ConflictError:
    stored = row.answers.get(question_id) if question_id else None
    connection = session.connection() if isinstance(session, Session) else session
    kept = connection.execute(
        insert(table_of(Conflict)),
        {
            "assessment_id": row.id,
            "question_id": question_id,
            "author": user,
            "attempted": {"value": attempted},
            "stored": {"value": stored},
            "expected_version": expected,
            "stored_version": row.version,
            "created": now(),
            "resolved": False,
        },
    )
    return ConflictError(
        row.id,
        question_id=question_id,
        yours=attempted,
        stored=stored,
        expected_version=expected,
        stored_version=row.version,
        conflict_id=(kept.inserted_primary_key or (None,))[0],
    )


def _apply(
    session: Session,
    row: Assessment,
    to: str,
    user: str,
    *,
    answers: dict[str, Any] | None = None,
    questionnaire: Questionnaire | None = None,
    meta: dict[str, Any] | None = None,
    review_date: dt.date | None = None,
) -> None:
    """Write an edit to the locked row; an edit of an approved assessment starts a new revision."""
    if starts_new_revision(row.status, to):
        _record_revise(session, user, row.id, row.revision)
        row.revision += 1
        row.review = {}
        row.status = to
    if answers is not None:
        assert questionnaire is not None
        row.answers = answers
        row.questionnaire_version = questionnaire.version
        set_outcome(row, score(questionnaire, answers))
    if meta is not None:
        row.meta = meta
        row.title = meta["feature"]
    if review_date is not None:
        row.review_date = review_date
    row.updated = now()
    session.flush()  # the version counter moves here (UPDATE ... WHERE version = :old)


def _record_revise(session: Session | Connection, user: str, assessment_id: str, revision: int) -> None:
    record(
        session,
        user,
        "revise",
        assessment_id,
        from_value="approved",
        to_value="draft",
        detail={"from_revision": revision, "to_revision": revision + 1},
    )


# --- conflicts ----------------------------------------------------------------------------------------


def list_conflicts(store: Store, assessment_id: str, *, include_resolved: bool = False) -> list[ConflictView]:
    """Saves that lost a race on this assessment, oldest first."""
    query = select(Conflict).where(Conflict.assessment_id == assessment_id).order_by(Conflict.id)
    if not include_resolved:
        query = query.where(Conflict.resolved.is_(False))
    with store.read() as session:
        return [
            ConflictView(
                c.id,
                c.assessment_id,
                c.question_id,
                c.author,
                c.attempted["value"],
                c.stored["value"],
                c.expected_version,
                c.stored_version,
                c.created,
                c.resolved,
            )
            for c in session.scalars(query)
        ]


def resolve_conflict(
    store: Store, conflict_id: int, user: str, *, keep_mine: bool, expected_version: int | None = None
) -> Saved | None:
    """Close a conflict: ``keep_mine`` saves the attempted answer now (at ``expected_version``), else drops it.

    Returns:
        The save, when the attempted answer was saved.
    """
    with store.read() as session:
        kept = session.get(Conflict, conflict_id)
        if kept is None:
            raise NotFoundError(f"no conflict {conflict_id}")
        question_id, attempted, assessment_id = kept.question_id, kept.attempted["value"], kept.assessment_id
    saved = None
    if keep_mine:
        if question_id is None or expected_version is None:
            raise StoreError("only a conflict on one answer can be re-applied, with the current expected_version")
        saved = save_answer(store, assessment_id, question_id, attempted, expected_version, user)
    with store.write() as session:
        kept = session.get(Conflict, conflict_id)
        assert kept is not None
        kept.resolved, kept.resolved_by, kept.resolved_at = True, user, now()
    return saved


__all__ = [
    "OUTCOME_KEYS",
    "AssessmentView",
    "ConflictView",
    "Saved",
    "authorize",
    "check_all_answers",
    "checked_metadata",
    "create_assessment",
    "ensure_user",
    "get_assessment",
    "get_row",
    "list_conflicts",
    "outcome_changes",
    "outcome_of",
    "resolve_conflict",
    "roles_on",
    "save_answer",
    "save_answers",
    "save_metadata",
    "score",
    "set_outcome",
    "set_roles",
    "user_roles",
    "view_of",
]
