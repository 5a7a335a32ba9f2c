"""The review workflow: transitions, comments, risk overrides, the DPO's opinion, approval with its PDF.

Every function looks its action up in :data:`store.workflow.WORKFLOW` (through
:func:`store.assessments.authorize`) and writes the audit entry in the same transaction as the change.

Approval renders the archival PDF (``report.render_pdf``) with the review inside the assessment, then
stores an immutable snapshot of the revision (answers, review, outcome, PDF and hashes). The PDF is
rendered outside the write transaction; the write re-checks the version, so what the DPO approved is
exactly what was rendered.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.answers import Assessment as EngineAssessment
from engine.answers import Metadata, check_answers
from engine.evaluation import Evaluation
from engine.model import RISK_FIELDS, SEVERITY_ORDER, RiskRating
from engine.review import Comment as ReviewComment
from engine.review import Review, SignOff
from engine.review import RiskOverride as ReviewOverride
from engine.scoring import evaluate
from store.assessments import AssessmentView, authorize, get_row, outcome_of, save_answer, view_of
from store.audit import record
from store.db import Store, now
from store.errors import ConflictError, NotFoundError, ReviewIncompleteError, StoreError
from store.models import Assessment, AssessmentVersion, Comment, RiskOverride, User
from store.workflow import ACTIONS

APPROVALS = ("approved", "approved_with_conditions")
DEFAULT_REVIEW_PERIOD = dt.timedelta(days=365)

Change = Callable[[Session, Assessment], dict[str, Any] | None]


@dataclass(frozen=True)
class CommentView:
    id: int
    assessment_id: str
    revision: int
    question_id: str | None
    author: str
    text: str
    verdict: str | None
    resolved: bool
    created: dt.datetime


@dataclass(frozen=True)
class OverrideView:
    id: int
    assessment_id: str
    revision: int
    target: str
    field: str | None
    value: Any
    previous: Any
    reason: str
    author: str
    created: dt.datetime


@dataclass(frozen=True)
class VersionView:
    """An approved, immutable revision (without its PDF bytes: see :func:`version_pdf`)."""

    assessment_id: str
    revision: int
    title: str
    questionnaire_id: str
    questionnaire_version: str | None
    answers: dict[str, Any]
    review: dict[str, Any]
    outcome: dict[str, Any]
    decision: str
    approved_by: str
    approved_at: dt.datetime
    assessment_sha256: str
    pdf_sha256: str | None


def canonical_sha256(data: Any) -> str:
    """SHA-256 of compact, key-sorted UTF-8 JSON (the form the archive record hashes too)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the engine's view of a stored assessment ------------------------------------------------------------


def _comment_view(c: Comment) -> CommentView:
    return CommentView(
        c.id, c.assessment_id, c.revision, c.question_id, c.author, c.text, c.verdict, c.resolved, c.created
    )


def _override_view(o: RiskOverride) -> OverrideView:
    return OverrideView(
        o.id,
        o.assessment_id,
        o.revision,
        o.target,
        o.field,
        o.value["value"],
        o.previous["value"],
        o.reason,
        o.author,
        o.created,
    )


def _review_of(session: Session, row: Assessment) -> Review:
    comments = session.scalars(
        select(Comment).where(Comment.assessment_id == row.id, Comment.revision == row.revision).order_by(Comment.id)
    )
    overrides = session.scalars(
        select(RiskOverride)
        .where(RiskOverride.assessment_id == row.id, RiskOverride.revision == row.revision)
        .order_by(RiskOverride.id)
    )
    stored = row.review
    return Review(
        reviewer=stored.get("reviewer"),
        comments=[
            ReviewComment(
                question=c.question_id,
                author=c.author,
                text=c.text,
                verdict=c.verdict,
                resolved=c.resolved,
                created=c.created.isoformat(),
            )
            for c in comments
        ],
        overrides=[
            ReviewOverride(
                target=o.target,
                field=o.field,
                value=o.value["value"],
                previous=o.previous["value"],
                reason=o.reason,
                author=o.author,
                created=o.created.isoformat(),
            )
            for o in overrides
        ],
        opinion=stored.get("opinion"),
        decision=stored.get("decision"),
        sign_off=SignOff(**stored["sign_off"]) if stored.get("sign_off") else None,
        review_date=row.review_date.isoformat() if row.review_date else None,
    )


def _engine_assessment(session: Session, row: Assessment, review: Review | None = None) -> EngineAssessment:
    meta = Metadata.model_validate({**row.meta, "assessment_id": row.id})
    review = review if review is not None else _review_of(session, row)
    has_review = review != Review()
    return EngineAssessment(
        questionnaire=row.questionnaire_id,
        version=row.questionnaire_version,
        metadata=meta,
        answers=dict(row.answers),
        review=review if has_review else None,
    )


def engine_assessment(store: Store, assessment_id: str, revision: int | None = None) -> EngineAssessment:
    """The stored assessment as the engine (and the PDF) sees it, review included.

    Args:
        revision: An approved revision (from its snapshot); default the live assessment.
    """
    with store.read() as session:
        if revision is None:
            return _engine_assessment(session, get_row(session, assessment_id))
        snap = _snapshot(session, assessment_id, revision)
        meta = Metadata.model_validate({**snap.meta, "assessment_id": assessment_id})
        return EngineAssessment(
            questionnaire=snap.questionnaire_id,
            version=snap.questionnaire_version,
            metadata=meta,
            answers=dict(snap.answers),
            review=Review.model_validate(snap.review),
        )


def evaluation_of(store: Store, assessment_id: str, lang: str | None = None) -> Evaluation:
    """Score the live assessment under the store's current questionnaire."""
    view = _read_view(store, assessment_id)
    questionnaire = store.questionnaire(view.questionnaire_id)
    answers, _problems = check_answers(questionnaire, view.answers)
    return evaluate(questionnaire, answers, lang)


def _read_view(store: Store, assessment_id: str) -> AssessmentView:
    with store.read() as session:
        return view_of(get_row(session, assessment_id))


def comments(store: Store, assessment_id: str, *, revision: int | None = None) -> list[CommentView]:
    """Comments on the current revision (or the given one), oldest first."""
    with store.read() as session:
        rev = revision or get_row(session, assessment_id).revision
        query = select(Comment).where(Comment.assessment_id == assessment_id, Comment.revision == rev)
        return [_comment_view(c) for c in session.scalars(query.order_by(Comment.id))]


def overrides(store: Store, assessment_id: str, *, revision: int | None = None) -> list[OverrideView]:
    """Risk overrides on the current revision (or the given one), oldest first."""
    with store.read() as session:
        rev = revision or get_row(session, assessment_id).revision
        query = select(RiskOverride).where(RiskOverride.assessment_id == assessment_id, RiskOverride.revision == rev)
        return [_override_view(o) for o in session.scalars(query.order_by(RiskOverride.id))]


# --- transitions ---------------------------------------------------------------------------------------


def _check_version(row: Assessment, expected_version: int, action: str) -> None:
    if row.version != expected_version:
        raise ConflictError(
            row.id,
            question_id=None,
            yours=action,
            stored=row.status,
            expected_version=expected_version,
            stored_version=row.version,
        )


def _display_name(session: Session, user: str) -> str:
    found = session.get(User, user)
    return (found.name if found and found.name else None) or user


def _transition(
    store: Store,
    assessment_id: str,
    action: str,
    user: str,
    expected_version: int,
    change: Change | None = None,
) -> AssessmentView:
    with store.write() as session:
        row = get_row(session, assessment_id, lock=True)
        to = authorize(session, user, row, action)
        _check_version(row, expected_version, action)
        before = row.status
        detail = change(session, row) if change else None
        row.status = to
        row.updated = now()
        session.flush()
        record(session, user, action, row.id, from_value=before, to_value=to, detail=detail)
        return view_of(row)


def submit(store: Store, assessment_id: str, user: str, expected_version: int) -> AssessmentView:
    """Hand the assessment to the reviewer (DPO)."""
    return _transition(store, assessment_id, "submit", user, expected_version)


def withdraw(store: Store, assessment_id: str, user: str, expected_version: int) -> AssessmentView:
    """Take a submitted assessment back to draft."""
    return _transition(store, assessment_id, "withdraw", user, expected_version)


def start_review(store: Store, assessment_id: str, user: str, expected_version: int) -> AssessmentView:
    """The reviewer takes the assessment; they are recorded as its reviewer."""

    def take(session: Session, row: Assessment) -> None:
        row.review = {**row.review, "reviewer": _display_name(session, user)}

    return _transition(store, assessment_id, "start_review", user, expected_version, take)


def _set_decision(opinion: str | None, decision: str, required: bool) -> Change:
    def change(session: Session, row: Assessment) -> dict[str, Any]:
        text = (opinion if opinion is not None else row.review.get("opinion")) or ""
        if required and not text.strip():
            raise ReviewIncompleteError(f"{decision} needs the DPO's opinion (Art. 35(2)); record it first")
        row.review = {**row.review, "opinion": text or None, "decision": decision}
        return {"decision": decision}

    return change


def request_changes(
    store: Store, assessment_id: str, user: str, expected_version: int, *, opinion: str | None = None
) -> AssessmentView:
    """Send the assessment back to its author (comments say what to change)."""
    change = _set_decision(opinion, "changes_requested", required=False)
    return _transition(store, assessment_id, "request_changes", user, expected_version, change)


def reject(
    store: Store, assessment_id: str, user: str, expected_version: int, *, opinion: str | None = None
) -> AssessmentView:
    """Reject the processing; needs the DPO's opinion (given here or recorded before)."""
    change = _set_decision(opinion, "rejected", required=True)
    return _transition(store, assessment_id, "reject", user, expected_version, change)


def archive(store: Store, assessment_id: str, user: str, expected_version: int) -> AssessmentView:
    """Retire an approved or rejected assessment (its snapshots stay)."""
    return _transition(store, assessment_id, "archive", user, expected_version)


def record_opinion(
    store: Store, assessment_id: str, user: str, opinion: str, expected_version: int | None = None
) -> AssessmentView:
    """The DPO's opinion (Art. 35(2)), recorded before the decision."""
    with store.write() as session:
        row = get_row(session, assessment_id, lock=True)
        authorize(session, user, row, "record_opinion")
        if expected_version is not None:
            _check_version(row, expected_version, "record_opinion")
        before = row.review.get("opinion")
        row.review = {**row.review, "opinion": opinion}
        row.updated = now()
        session.flush()
        record(session, user, "opinion", row.id, from_value=before, to_value=opinion)
        return view_of(row)


# --- comments and overrides -------------------------------------------------------------------------------


def add_comment(
    store: Store,
    assessment_id: str,
    user: str,
    text: str,
    *,
    question_id: str | None = None,
    verdict: str | None = None,
) -> CommentView:
    """A reviewer's comment on one question (or on the whole assessment), with an optional verdict."""
    if verdict is not None and verdict not in ("acceptable", "improvable", "to_correct"):
        raise StoreError(f"verdict {verdict!r}: use acceptable, improvable or to_correct")
    with store.write() as session:
        row = get_row(session, assessment_id, lock=True)
        authorize(session, user, row, "comment")
        if question_id is not None:
            questionnaire = store.questionnaire(row.questionnaire_id)
            if question_id not in questionnaire.questions:
                raise StoreError(f"unknown question {question_id!r} in {questionnaire.id}")
        comment = Comment(
            assessment_id=row.id,
            revision=row.revision,
            question_id=question_id,
            author=user,
            text=text,
            verdict=verdict,
            resolved=False,
            created=now(),
        )
        session.add(comment)
        session.flush()
        record(
            session, user, "comment", row.id, to_value=verdict, detail={"comment": comment.id, "question": question_id}
        )
        return _comment_view(comment)


def resolve_comment(store: Store, comment_id: int, user: str) -> CommentView:
    """Mark a comment resolved (the reviewer during review, the author when changes were requested)."""
    with store.write() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            raise NotFoundError(f"no comment {comment_id}")
        row = get_row(session, comment.assessment_id, lock=True)
        authorize(session, user, row, "resolve_comment")
        comment.resolved, comment.resolved_by, comment.resolved_at = True, user, now()
        session.flush()
        record(session, user, "resolve_comment", row.id, detail={"comment": comment.id})
        return _comment_view(comment)


def add_override(
    store: Store,
    assessment_id: str,
    user: str,
    target: str,
    value: str | int,
    reason: str,
    *,
    field: str | None = None,
) -> OverrideView:
    """Change a risk rating (``target`` a risk question, ``field`` e.g. severity_after, ``value`` a level)
    or a finding's severity (``target`` a rule id, ``value`` info..critical). The reason is required."""
    if not reason or not reason.strip():
        raise ReviewIncompleteError("a risk override needs a reason")
    with store.write() as session:
        row = get_row(session, assessment_id, lock=True)
        authorize(session, user, row, "override")
        field, previous = _override_target(store, row, target, field, value)
        override = RiskOverride(
            assessment_id=row.id,
            revision=row.revision,
            target=target,
            field=field,
            value={"value": value},
            previous={"value": previous},
            reason=reason,
            author=user,
            created=now(),
        )
        session.add(override)
        session.flush()
        record(
            session,
            user,
            "override",
            row.id,
            from_value=previous,
            to_value=value,
            detail={"target": target, "field": field, "reason": reason},
        )
        return _override_view(override)


def _override_target(store: Store, row: Assessment, target: str, field: str | None, value: Any) -> tuple[str, Any]:
    questionnaire = store.questionnaire(row.questionnaire_id)
    question = questionnaire.questions.get(target)
    if isinstance(question, RiskRating):
        if field not in RISK_FIELDS:
            raise StoreError(f"override of risk {target}: field must be one of {', '.join(RISK_FIELDS)}")
        scale_id = question.likelihood_scale if field.startswith("likelihood") else question.severity_scale
        levels = [level.value for level in questionnaire.scales_by_id[scale_id].levels]
        if isinstance(value, bool) or value not in levels:
            raise StoreError(f"override of {target}.{field}: {value!r} is not a level of {scale_id}: {levels}")
        return field, (row.answers.get(target) or {}).get(field)
    rule = questionnaire.rules_by_id.get(target)
    if rule is not None:
        field = field or "severity"
        if field != "severity" or value not in SEVERITY_ORDER:
            raise StoreError(f"override of rule {target}: set its severity to one of {', '.join(SEVERITY_ORDER)}")
        fired = (row.outcome or {}).get("findings", {})
        return field, fired.get(target, rule.severity)
    raise StoreError(f"override target {target!r} is neither a risk question nor a rule of {questionnaire.id}")


# --- approval --------------------------------------------------------------------------------------------


def approve(
    store: Store,
    assessment_id: str,
    user: str,
    expected_version: int,
    *,
    opinion: str | None = None,
    decision: str = "approved",
    review_date: dt.date | None = None,
    lang: str = "en",
) -> VersionView:
    """The DPO approves: opinion and decision recorded, signed off, archival PDF stored, revision frozen.

    Args:
        opinion: The DPO's opinion; default the one recorded with :func:`record_opinion` (one is required).
        decision: ``approved`` or ``approved_with_conditions``.
        review_date: When to review again (Art. 35(11)); default one year from today.
        lang: Language of the PDF.

    Raises:
        ReviewIncompleteError: no opinion, or a decision that is not an approval.
        ConflictError: the assessment changed since ``expected_version`` (nothing is approved).
    """
    if decision not in APPROVALS:
        raise ReviewIncompleteError(f"decision {decision!r}: an approval is one of {', '.join(APPROVALS)}")
    approved_at = now()
    day = approved_at.date()
    review_date = review_date or day + DEFAULT_REVIEW_PERIOD
    with store.read() as session:  # check and render outside the write lock
        row = get_row(session, assessment_id)
        authorize(session, user, row, "approve")
        _check_version(row, expected_version, "approve")
        text = (opinion if opinion is not None else row.review.get("opinion")) or ""
        if not text.strip():
            raise ReviewIncompleteError("approval needs the DPO's opinion (Art. 35(2)); record it first")
        signer = _display_name(session, user)
        base = _review_of(session, row)
        review = base.model_copy(
            update={
                "reviewer": base.reviewer or signer,
                "opinion": text,
                "decision": decision,
                "sign_off": SignOff(name=signer, role="DPO", date=day.isoformat()),
                "review_date": review_date.isoformat(),
            }
        )
        assessment = _engine_assessment(session, row, review)
        revision = row.revision
    questionnaire = store.questionnaire(assessment.questionnaire)
    answers, problems = check_answers(questionnaire, assessment.answers)
    if problems:
        raise ReviewIncompleteError(
            "the answers no longer fit the questionnaire: " + "; ".join(p.message for p in problems)
        )
    evaluation = evaluate(questionnaire, answers, lang)
    from report import read_archive, render_pdf

    pdf = render_pdf(
        questionnaire,
        assessment,
        evaluation,
        lang=lang,
        status="approved",
        version=revision,
        generated=approved_at.isoformat(),
    )
    archived = read_archive(pdf)  # what an auditor will read back: it must be what was approved
    if archived.assessment != assessment:
        raise StoreError(f"assessment {assessment_id}: the rendered PDF does not carry the approved assessment")
    review_data = review.model_dump(mode="json", exclude_none=True)
    with store.write() as session:
        row = get_row(session, assessment_id, lock=True)
        authorize(session, user, row, "approve")
        _check_version(row, expected_version, "approve")
        snapshot = AssessmentVersion(
            assessment_id=row.id,
            revision=row.revision,
            title=row.title,
            questionnaire_id=row.questionnaire_id,
            questionnaire_version=row.questionnaire_version,
            meta=dict(row.meta),
            answers=dict(row.answers),
            review=review_data,
            outcome=outcome_of(evaluation),
            decision=decision,
            approved_by=user,
            approved_at=approved_at,
            assessment_sha256=archived.attachment_sha256,
            pdf=pdf,
            pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        )
        session.add(snapshot)
        row.review = {
            "reviewer": review.reviewer,
            "opinion": text,
            "decision": decision,
            "sign_off": review_data["sign_off"],
        }
        row.review_date = review_date
        row.status = "approved"
        row.updated = approved_at
        session.flush()
        record(
            session,
            user,
            "approve",
            row.id,
            from_value="in_review",
            to_value="approved",
            at=approved_at,
            detail={"decision": decision, "revision": row.revision, "pdf_sha256": snapshot.pdf_sha256},
        )
        record(
            session,
            user,
            "sign_off",
            row.id,
            to_value=signer,
            at=approved_at,
            detail={"role": "DPO", "date": day.isoformat(), "revision": row.revision},
        )
        return _version_view(snapshot)


def decide(
    store: Store,
    assessment_id: str,
    user: str,
    expected_version: int,
    decision: str,
    *,
    opinion: str | None = None,
    review_date: dt.date | None = None,
    lang: str = "en",
) -> AssessmentView:
    """The DPO's decision, by name: ``approved`` or ``approved_with_conditions`` (see :func:`approve`),
    ``changes_requested`` or ``rejected``."""
    if decision in APPROVALS:
        approve(
            store,
            assessment_id,
            user,
            expected_version,
            opinion=opinion,
            decision=decision,
            review_date=review_date,
            lang=lang,
        )
        return _read_view(store, assessment_id)
    if decision == "changes_requested":
        return request_changes(store, assessment_id, user, expected_version, opinion=opinion)
    if decision == "rejected":
        return reject(store, assessment_id, user, expected_version, opinion=opinion)
    raise ReviewIncompleteError(
        f"decision {decision!r}: one of {', '.join((*APPROVALS, 'changes_requested', 'rejected'))}"
    )


def _version_view(s: AssessmentVersion) -> VersionView:
    return VersionView(
        s.assessment_id,
        s.revision,
        s.title,
        s.questionnaire_id,
        s.questionnaire_version,
        dict(s.answers),
        dict(s.review),
        dict(s.outcome),
        s.decision,
        s.approved_by,
        s.approved_at,
        s.assessment_sha256,
        s.pdf_sha256,
    )


def _snapshot(session: Session, assessment_id: str, revision: int) -> AssessmentVersion:
    found = session.scalar(
        select(AssessmentVersion).where(
            AssessmentVersion.assessment_id == assessment_id, AssessmentVersion.revision == revision
        )
    )
    if found is None:
        raise NotFoundError(f"assessment {assessment_id} has no approved revision {revision}")
    return found


def versions(store: Store, assessment_id: str) -> list[VersionView]:
    """The approved revisions of an assessment, oldest first."""
    with store.read() as session:
        query = select(AssessmentVersion).where(AssessmentVersion.assessment_id == assessment_id)
        return [_version_view(s) for s in session.scalars(query.order_by(AssessmentVersion.revision))]


def version_pdf(store: Store, assessment_id: str, revision: int) -> bytes:
    """The archival PDF of an approved revision, checked against its stored SHA-256."""
    with store.read() as session:
        snap = _snapshot(session, assessment_id, revision)
        pdf, digest = snap.pdf, snap.pdf_sha256
    if pdf is None:
        raise NotFoundError(f"assessment {assessment_id} revision {revision} was imported without its PDF")
    if hashlib.sha256(pdf).hexdigest() != digest:
        raise StoreError(f"assessment {assessment_id} revision {revision}: the PDF does not match its SHA-256")
    return pdf


# --- one entry point per action (for generic callers and the table-driven tests) ----------------------------


def _edit(store: Store, assessment_id: str, user: str, expected_version: int, **params: Any) -> Any:
    return save_answer(store, assessment_id, params["question_id"], params["value"], expected_version, user)


def _resolve(store: Store, assessment_id: str, user: str, expected_version: int, **params: Any) -> Any:
    with store.read() as session:
        comment = session.get(Comment, params["comment_id"])
        if comment is None or comment.assessment_id != assessment_id:
            raise NotFoundError(f"assessment {assessment_id} has no comment {params['comment_id']}")
    return resolve_comment(store, params["comment_id"], user)


ACTION_HANDLERS: dict[str, Callable[..., Any]] = {
    "edit": _edit,
    "submit": lambda store, aid, user, v, **_: submit(store, aid, user, v),
    "withdraw": lambda store, aid, user, v, **_: withdraw(store, aid, user, v),
    "start_review": lambda store, aid, user, v, **_: start_review(store, aid, user, v),
    "comment": lambda store, aid, user, v, **p: add_comment(
        store, aid, user, p.get("text", ""), question_id=p.get("question_id"), verdict=p.get("verdict")
    ),
    "resolve_comment": _resolve,
    "override": lambda store, aid, user, v, **p: add_override(
        store, aid, user, p["target"], p["value"], p["reason"], field=p.get("field")
    ),
    "record_opinion": lambda store, aid, user, v, **p: record_opinion(store, aid, user, p["opinion"], v),
    "request_changes": lambda store, aid, user, v, **p: request_changes(store, aid, user, v, opinion=p.get("opinion")),
    "approve": lambda store, aid, user, v, **p: approve(
        store, aid, user, v, opinion=p.get("opinion"), decision=p.get("decision", "approved"), lang=p.get("lang", "en")
    ),
    "reject": lambda store, aid, user, v, **p: reject(store, aid, user, v, opinion=p.get("opinion")),
    "archive": lambda store, aid, user, v, **_: archive(store, aid, user, v),
}
assert set(ACTION_HANDLERS) == set(ACTIONS), "every workflow action needs a handler"


def perform(store: Store, assessment_id: str, action: str, user: str, expected_version: int, **params: Any) -> Any:
    """Run any workflow action by name (``params`` as the action's function takes them)."""
    handler = ACTION_HANDLERS.get(action)
    if handler is None:
        raise StoreError(f"unknown action {action!r}; actions: {', '.join(ACTIONS)}")
    return handler(store, assessment_id, user, expected_version, **params)


__all__ = [
    "ACTION_HANDLERS",
    "CommentView",
    "OverrideView",
    "VersionView",
    "add_comment",
    "add_override",
    "approve",
    "archive",
    "canonical_sha256",
    "comments",
    "decide",
    "engine_assessment",
    "evaluation_of",
    "overrides",
    "perform",
    "record_opinion",
    "reject",
    "request_changes",
    "resolve_comment",
    "start_review",
    "submit",
    "version_pdf",
    "versions",
    "withdraw",
]
