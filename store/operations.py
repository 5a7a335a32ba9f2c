"""Operations over many assessments: list and filter, diff two versions, re-score, export and import.

Re-scoring streams the assessments (``yield_per``: a server-side cursor on PostgreSQL) and writes the
changed outcomes in batches on a second connection, so memory stays flat however many there are.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine.answers import Assessment as EngineAssessment
from engine.answers import check_answers
from engine.errors import AnswersError, DpiaError, Problem, UnknownQuestionnaireError
from engine.scoring import outcome
from store.assessments import (
    OUTCOME_KEYS,
    check_all_answers,
    checked_metadata,
    get_row,
    new_id,
    outcome_changes,
    score,
    set_outcome,
)
from store.audit import record
from store.db import Store, now
from store.errors import NotFoundError, StoreError
from store.models import Assessment, AssessmentVersion, AuditEntry, Comment, RiskOverride, User, UserRole, table_of
from store.review import APPROVALS, canonical_sha256

EXPORT_FORMAT = "dpia-store-export"
EXPORT_VERSION = 1
CLOSED = ("archived", "rejected")

# --- list and filter ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    id: str
    title: str
    owner: str
    questionnaire_id: str
    status: str
    revision: int
    version: int
    dpia_verdict: str | None
    ai_act_status: str | None
    review_date: dt.date | None
    updated: dt.datetime
    overdue: bool


def list_assessments(
    store: Store,
    *,
    status: str | Iterable[str] | None = None,
    owner: str | None = None,
    verdict: str | Iterable[str] | None = None,
    ai_act: str | Iterable[str] | None = None,
    overdue: bool | None = None,
    today: dt.date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Summary]:
    """Assessments matching every filter given, most recently updated first.

    Args:
        status, verdict, ai_act: One value or several (any of them matches).
        overdue: True: only those whose review date has passed (and that are not archived or rejected);
            False: only the others.
        today: The date ``overdue`` compares with (default: today in UTC).
    """
    today = today or now().date()
    cols = table_of(Assessment).c
    query = select(
        cols.id,
        cols.title,
        cols.owner_id,
        cols.questionnaire_id,
        cols.status,
        cols.revision,
        cols.version,
        cols.dpia_verdict,
        cols.ai_act_status,
        cols.review_date,
        cols.updated,
    )
    for column, wanted in ((cols.status, status), (cols.dpia_verdict, verdict), (cols.ai_act_status, ai_act)):
        if wanted is not None:
            query = query.where(column.in_([wanted] if isinstance(wanted, str) else list(wanted)))
    if owner is not None:
        query = query.where(cols.owner_id == owner)
    is_overdue = (cols.review_date < today) & cols.status.not_in(CLOSED)
    if overdue is True:
        query = query.where(is_overdue)
    elif overdue is False:
        query = query.where(or_(cols.review_date.is_(None), cols.review_date >= today, cols.status.in_(CLOSED)))
    query = query.order_by(cols.updated.desc(), cols.id).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with store.read() as session:
        return [
            Summary(
                r.id,
                r.title,
                r.owner_id,
                r.questionnaire_id,
                r.status,
                r.revision,
                r.version,
                r.dpia_verdict,
                r.ai_act_status,
                r.review_date,
                r.updated,
                r.review_date is not None and r.review_date < today and r.status not in CLOSED,
            )
            for r in session.execute(query)
        ]


# --- diff --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerChange:
    question: str
    before: Any
    after: Any


@dataclass(frozen=True)
class VersionDiff:
    """What changed between two versions of one assessment: answers, then outcome."""

    assessment_id: str
    old: int | str
    new: int | str
    answers: list[AnswerChange]
    outcome: list[str]
    outcome_before: dict[str, Any] | None
    outcome_after: dict[str, Any] | None

    @property
    def changed(self) -> bool:
        return bool(self.answers or self.outcome)


def _side(session: Session, assessment_id: str, which: int | str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    if which == "current":
        row = get_row(session, assessment_id)
        return dict(row.answers), row.outcome
    snap = session.scalar(
        select(AssessmentVersion).where(
            AssessmentVersion.assessment_id == assessment_id, AssessmentVersion.revision == int(which)
        )
    )
    if snap is None:
        raise NotFoundError(f"assessment {assessment_id} has no approved revision {which}")
    return dict(snap.answers), dict(snap.outcome)


def diff_versions(
    store: Store, assessment_id: str, old: int | str | None = None, new: int | str = "current"
) -> VersionDiff:
    """Answers and outcome changes between two versions.

    Args:
        old: An approved revision number; default the latest approved revision before ``new``.
        new: An approved revision number or ``"current"`` (the live assessment, the default).
    """
    with store.read() as session:
        if old is None:
            query = select(AssessmentVersion.revision).where(AssessmentVersion.assessment_id == assessment_id)
            if new != "current":
                query = query.where(AssessmentVersion.revision < int(new))
            old = session.scalar(query.order_by(AssessmentVersion.revision.desc()).limit(1))
            if old is None:
                raise NotFoundError(f"assessment {assessment_id} has no earlier approved revision to compare with")
        before, outcome_before = _side(session, assessment_id, old)
        after, outcome_after = _side(session, assessment_id, new)
    changes = [
        AnswerChange(q, before.get(q), after.get(q))
        for q in sorted(set(before) | set(after))
        if before.get(q) != after.get(q)
    ]
    outcome = outcome_changes(outcome_before, outcome_after or {})
    return VersionDiff(assessment_id, old, new, changes, outcome, outcome_before, outcome_after)


# --- re-score ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RescoreChange:
    """An assessment whose outcome under the current questionnaires differs from the stored one."""

    assessment_id: str
    title: str
    status: str
    questionnaire_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[str]
    error: str | None = None


@dataclass
class RescoreStats:
    seen: int = 0
    changed: int = 0
    errors: int = 0
    written: int = 0
    stale: int = field(default=0, metadata={"doc": "changed by someone while re-scoring; left for their save"})


def rescore(
    store: Store,
    *,
    dry_run: bool = True,
    batch_size: int = 500,
    progress: Callable[[RescoreStats], None] | None = None,
    stats: RescoreStats | None = None,
    actor: str = "rescore",
) -> Iterator[RescoreChange]:
    """Re-score every stored assessment under the store's current questionnaires; yield those that change.

    Rows are streamed ``batch_size`` at a time. Unless ``dry_run``, each batch's new outcomes are written
    (only where the assessment's version did not move meanwhile) with one audit entry per change.
    Approved snapshots are never touched: their outcome stays what was approved.

    Args:
        progress: Called after each batch with the running counts.
        stats: Filled in as the run goes (seen, changed, errors, written).
    """
    stats = stats if stats is not None else RescoreStats()
    cols = table_of(Assessment).c
    query = select(
        cols.id, cols.title, cols.status, cols.questionnaire_id, cols.answers, cols.outcome, cols.version
    ).order_by(cols.id)
    pending: list[tuple[RescoreChange, int]] = []
    with store.read() as reader:
        result = reader.execute(query.execution_options(yield_per=batch_size))
        for partition in result.partitions():
            for row in partition:
                stats.seen += 1
                change = _rescore_one(store, row)
                if change is None:
                    continue
                stats.changed += 1
                stats.errors += change.error is not None
                if not dry_run and change.after is not None:
                    pending.append((change, row.version))
                yield change
            if pending:
                _write_outcomes(store, pending, actor, stats)
                pending = []
            if progress:
                progress(stats)


def _rescore_one(store: Store, row: Any) -> RescoreChange | None:
    def change(after: dict[str, Any] | None, lines: list[str], error: str | None = None) -> RescoreChange:
        return RescoreChange(row.id, row.title, row.status, row.questionnaire_id, row.outcome, after, lines, error)

    questionnaire = store.questionnaires.get(row.questionnaire_id)
    if questionnaire is None:
        return change(None, [], f"questionnaire {row.questionnaire_id!r} is not loaded")
    answers, problems = check_answers(questionnaire, row.answers)
    if problems:
        return change(None, [], "answers no longer fit: " + "; ".join(p.message for p in problems[:5]))
    after = outcome(questionnaire, answers)
    before = row.outcome or {}
    if all(before.get(k) == after.get(k) for k in OUTCOME_KEYS):
        return None
    return change(after, outcome_changes(before, after))


def _write_outcomes(store: Store, pending: list[tuple[RescoreChange, int]], actor: str, stats: RescoreStats) -> None:
    table = table_of(Assessment)
    statement = (
        update(table)
        .where(table.c.id == bindparam("b_id"), table.c.version == bindparam("b_version"))
        .values(outcome=bindparam("b_outcome"), dpia_verdict=bindparam("b_dpia"), ai_act_status=bindparam("b_ai"))
    )
    at = now()
    with store.begin() as connection:
        written = []
        for change, version in pending:
            assert change.after is not None
            params = {
                "b_id": change.assessment_id,
                "b_version": version,
                "b_outcome": change.after,
                "b_dpia": change.after["dpia"],
                "b_ai": change.after["ai_act"],
            }
            if connection.execute(statement, params).rowcount == 1:
                written.append(change)
            else:
                stats.stale += 1
        if written:
            connection.execute(
                insert(table_of(AuditEntry)),
                [
                    {
                        "at": at,
                        "actor": actor,
                        "assessment_id": c.assessment_id,
                        "action": "rescore",
                        "from_value": (c.before or {}).get("dpia"),
                        "to_value": c.after["dpia"] if c.after else None,
                        "detail": {"changes": c.changes[:50]},
                    }
                    for c in written
                ],
            )
        stats.written += len(written)


# --- export ----------------------------------------------------------------------------------------------


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_records(
    store: Store, assessment_ids: Iterable[str] | None = None, *, include_pdfs: bool = True
) -> Iterator[dict[str, Any]]:
    """One JSON-ready record per assessment: the live row, its comments, overrides, versions and audit."""
    with store.read() as session:
        query = select(Assessment.id).order_by(Assessment.id)
        if assessment_ids is not None:
            query = query.where(Assessment.id.in_(list(assessment_ids)))
        ids = list(session.scalars(query))
    for assessment_id in ids:
        with store.read() as session:
            yield _export_one(session, assessment_id, include_pdfs)


def _export_one(session: Session, assessment_id: str, include_pdfs: bool) -> dict[str, Any]:
    row = get_row(session, assessment_id)
    comments = session.scalars(select(Comment).where(Comment.assessment_id == row.id).order_by(Comment.id))
    overrides = session.scalars(
        select(RiskOverride).where(RiskOverride.assessment_id == row.id).order_by(RiskOverride.id)
    )
    snapshots = session.scalars(
        select(AssessmentVersion).where(AssessmentVersion.assessment_id == row.id).order_by(AssessmentVersion.revision)
    )
    audit = session.scalars(select(AuditEntry).where(AuditEntry.assessment_id == row.id).order_by(AuditEntry.id))
    owner = session.get(User, row.owner_id)
    return {
        "id": row.id,
        "title": row.title,
        "owner": row.owner_id,
        "owner_name": owner.name if owner else None,
        "questionnaire": row.questionnaire_id,
        "questionnaire_version": row.questionnaire_version,
        "status": row.status,
        "version": row.version,
        "revision": row.revision,
        "review_date": _iso(row.review_date),
        "created": _iso(row.created),
        "updated": _iso(row.updated),
        "metadata": row.meta,
        "answers": row.answers,
        "review": row.review,
        "outcome": row.outcome,
        "comments": [
            {
                "revision": c.revision,
                "question": c.question_id,
                "author": c.author,
                "text": c.text,
                "verdict": c.verdict,
                "resolved": c.resolved,
                "resolved_by": c.resolved_by,
                "resolved_at": _iso(c.resolved_at),
                "created": _iso(c.created),
            }
            for c in comments
        ],
        "overrides": [
            {
                "revision": o.revision,
                "target": o.target,
                "field": o.field,
                "value": o.value["value"],
                "previous": o.previous["value"],
                "reason": o.reason,
                "author": o.author,
                "created": _iso(o.created),
            }
            for o in overrides
        ],
        "versions": [
            {
                "revision": s.revision,
                "title": s.title,
                "questionnaire": s.questionnaire_id,
                "questionnaire_version": s.questionnaire_version,
                "metadata": s.meta,
                "answers": s.answers,
                "review": s.review,
                "outcome": s.outcome,
                "decision": s.decision,
                "approved_by": s.approved_by,
                "approved_at": _iso(s.approved_at),
                "assessment_sha256": s.assessment_sha256,
                "pdf_sha256": s.pdf_sha256,
                "pdf_base64": base64.b64encode(s.pdf).decode("ascii") if include_pdfs and s.pdf else None,
            }
            for s in snapshots
        ],
        "audit": [
            {
                "at": _iso(e.at),
                "actor": e.actor,
                "action": e.action,
                "from": e.from_value,
                "to": e.to_value,
                "detail": e.detail,
            }
            for e in audit
        ],
    }


def write_export(
    store: Store,
    out: IO[str],
    assessment_ids: Iterable[str] | None = None,
    *,
    include_pdfs: bool = True,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a JSON export, one assessment at a time (memory stays flat). Returns how many were written."""
    header = {"format": EXPORT_FORMAT, "format_version": EXPORT_VERSION, "exported": _iso(now())}
    out.write(json.dumps(header, ensure_ascii=False)[:-1] + ', "assessments": [\n')
    count = 0
    for item in export_records(store, assessment_ids, include_pdfs=include_pdfs):
        out.write(",\n" if count else "")
        out.write(json.dumps(item, ensure_ascii=False, sort_keys=True))
        count += 1
        if progress:
            progress(count)
    out.write("\n]}\n")
    return count


# --- import ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportResult:
    source: str
    assessment_id: str | None
    imported: bool
    message: str


def _time(text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _signed_at(text: str | None, default: dt.datetime) -> dt.datetime:
    """When an imported PDF was signed (its sign-off date), or ``default`` when that date is unreadable."""
    try:
        return _time(text) or default
    except ValueError:
        return default


def _ensure_owner(session: Session, user_id: str, name: str | None = None) -> None:
    if session.get(User, user_id) is None:
        session.add(User(id=user_id, name=name, created=now()))
        session.flush()
        session.add(UserRole(user_id=user_id, role="author"))


def import_export(store: Store, data: Mapping[str, Any], *, actor: str, source: str = "<export>") -> list[ImportResult]:
    """Import every assessment of a JSON export; one already in the store (same id) is skipped."""
    if data.get("format") != EXPORT_FORMAT:
        raise StoreError(f"{source}: not a {EXPORT_FORMAT} file")
    if data.get("format_version") != EXPORT_VERSION:
        raise StoreError(f"{source}: export format version {data.get('format_version')!r}; this store reads 1")
    records = data.get("assessments", [])
    if not isinstance(records, list):
        raise StoreError(f"{source}: 'assessments' is not a list")
    results = []
    for index, item in enumerate(records, start=1):
        try:
            results.append(_import_record(store, item, actor, source))
        except DpiaError:
            raise
        except (LookupError, TypeError, ValueError, AttributeError, AssertionError, SQLAlchemyError) as e:
            # a damaged or hand-edited export: say which record, not a traceback (nothing of it was written)
            cause = getattr(e, "orig", None) or e  # the database's own words, without SQLAlchemy's SQL dump
            words = " ".join(str(cause).split())
            what = f"missing {e}" if isinstance(e, KeyError) else f"{type(cause).__name__}: {words}"
            raise StoreError(f"{source}: assessment {index} is not a valid export record ({what[:300]})") from e
    return results


def _mappings_or_fail(item: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    """Refuse a record whose JSON columns are not mappings: stored, they could never be read back."""
    for key in (*required, *optional):
        if not isinstance(item.get(key) if key in required else item.get(key) or {}, dict):
            raise TypeError(f"{key!r} is not a mapping")


def _import_record(store: Store, item: Mapping[str, Any], actor: str, source: str) -> ImportResult:
    _mappings_or_fail(item, ("metadata", "answers"), ("review", "outcome"))
    for v in item.get("versions", []):
        _mappings_or_fail(v, ("metadata", "answers", "review", "outcome"), ())
    assessment_id = item["id"]
    with store.write() as session:
        if session.get(Assessment, assessment_id) is not None:
            return ImportResult(source, assessment_id, False, "already in the store: skipped")
        _ensure_owner(session, item["owner"], item.get("owner_name"))
        created, updated = _time(item["created"]), _time(item["updated"])
        assert created is not None and updated is not None
        row = Assessment(
            id=assessment_id,
            title=item["title"],
            owner_id=item["owner"],
            questionnaire_id=item["questionnaire"],
            questionnaire_version=item.get("questionnaire_version"),
            meta=item["metadata"],
            answers=item["answers"],
            review=item.get("review") or {},
            status=item["status"],
            version=item["version"],
            revision=item["revision"],
            review_date=dt.date.fromisoformat(item["review_date"]) if item.get("review_date") else None,
            created=created,
            updated=updated,
        )
        if item.get("outcome"):
            set_outcome(row, item["outcome"])
        session.add(row)
        session.flush()
        # the ORM's version counter starts at 1 on insert; keep the exported one
        session.execute(update(table_of(Assessment)).where(Assessment.id == row.id).values(version=item["version"]))
        for c in item.get("comments", []):
            session.add(
                Comment(
                    assessment_id=assessment_id,
                    revision=c["revision"],
                    question_id=c.get("question"),
                    author=c["author"],
                    text=c["text"],
                    verdict=c.get("verdict"),
                    resolved=c.get("resolved", False),
                    resolved_by=c.get("resolved_by"),
                    resolved_at=_time(c.get("resolved_at")),
                    created=_time(c["created"]),
                )
            )
        for o in item.get("overrides", []):
            session.add(
                RiskOverride(
                    assessment_id=assessment_id,
                    revision=o["revision"],
                    target=o["target"],
                    field=o.get("field"),
                    value={"value": o["value"]},
                    previous={"value": o.get("previous")},
                    reason=o["reason"],
                    author=o["author"],
                    created=_time(o["created"]),
                )
            )
        for v in item.get("versions", []):
            pdf = base64.b64decode(v["pdf_base64"]) if v.get("pdf_base64") else None
            if pdf is not None and hashlib.sha256(pdf).hexdigest() != v.get("pdf_sha256"):
                raise StoreError(f"{source}: {assessment_id} revision {v['revision']}: the PDF does not match its hash")
            session.add(
                AssessmentVersion(
                    assessment_id=assessment_id,
                    revision=v["revision"],
                    title=v["title"],
                    questionnaire_id=v["questionnaire"],
                    questionnaire_version=v.get("questionnaire_version"),
                    meta=v["metadata"],
                    answers=v["answers"],
                    review=v["review"],
                    outcome=v["outcome"],
                    decision=v["decision"],
                    approved_by=v["approved_by"],
                    approved_at=_time(v["approved_at"]),
                    assessment_sha256=v["assessment_sha256"],
                    pdf=pdf,
                    pdf_sha256=v.get("pdf_sha256"),
                )
            )
        for e in item.get("audit", []):
            record(
                session,
                e["actor"],
                e["action"],
                assessment_id,
                from_value=e.get("from"),
                to_value=e.get("to"),
                detail=e.get("detail"),
                at=_time(e["at"]),
            )
        record(session, actor, "import", assessment_id, to_value=item["status"], detail={"source": source})
        session.flush()
    return ImportResult(source, assessment_id, True, f"imported ({item['status']}, revision {item['revision']})")


def import_assessment(
    store: Store,
    assessment: EngineAssessment,
    *,
    owner: str,
    source: str,
    pdf: bytes | None = None,
    pdf_status: str = "",
    record_sha256: str | None = None,
    revision: int = 1,
) -> ImportResult:
    """Import one engine Assessment (an answers file, or the record read back from an archived PDF).

    With ``pdf`` (an archived PDF printed as approved, with an approving decision in its review), the
    assessment is stored as approved with the PDF as its immutable snapshot; otherwise it becomes a draft.
    A PDF already in the store (same SHA-256) is skipped.
    """
    questionnaire = store.questionnaire(assessment.questionnaire)
    answers = check_all_answers(questionnaire, assessment.answers, source)
    meta = checked_metadata(assessment.metadata.feature, assessment.metadata.model_dump(exclude_none=True), source)
    meta.pop("assessment_id", None)
    review = assessment.review
    approved = (
        pdf is not None
        and pdf_status in ("approved", "archived")
        and review is not None
        and review.decision in APPROVALS
    )
    pdf_digest = hashlib.sha256(pdf).hexdigest() if pdf is not None else None
    with store.write() as session:
        if pdf_digest is not None:
            already = session.scalar(
                select(AssessmentVersion.assessment_id).where(AssessmentVersion.pdf_sha256 == pdf_digest)
            )
            if already is not None:
                return ImportResult(source, already, False, "this PDF is already in the store: skipped")
        wanted = assessment.metadata.assessment_id
        assessment_id = wanted if wanted and session.get(Assessment, wanted) is None else new_id()
        _ensure_owner(session, owner)
        at = now()
        row = Assessment(
            id=assessment_id,
            title=meta["feature"],
            owner_id=owner,
            questionnaire_id=questionnaire.id,
            questionnaire_version=assessment.version or questionnaire.version,
            meta=meta,
            answers=answers,
            review={},
            status="draft",
            revision=revision,
            review_date=None,
            created=at,
            updated=at,
        )
        outcome = score(questionnaire, answers)
        set_outcome(row, outcome)
        if approved:
            assert review is not None and pdf is not None
            review_data = review.model_dump(mode="json", exclude_none=True)
            row.status = "approved"
            kept = ("reviewer", "opinion", "decision", "sign_off")
            row.review = {k: review_data[k] for k in kept if k in review_data}
            row.review_date = dt.date.fromisoformat(review.review_date) if review.review_date else None
            signer = review.sign_off.name if review.sign_off else (review.reviewer or "unknown")
            session.add(row)
            session.flush()
            session.add(
                AssessmentVersion(
                    assessment_id=assessment_id,
                    revision=revision,
                    title=row.title,
                    questionnaire_id=questionnaire.id,
                    questionnaire_version=row.questionnaire_version,
                    meta=meta,
                    answers=answers,
                    review=review_data,
                    outcome=outcome,
                    decision=review.decision or "approved",
                    approved_by=signer,
                    approved_at=_signed_at(review.sign_off.date if review.sign_off else None, at),
                    assessment_sha256=record_sha256 or canonical_sha256(assessment.to_data()),
                    pdf=pdf,
                    pdf_sha256=pdf_digest,
                )
            )
        else:
            session.add(row)
            session.flush()
        record(
            session,
            owner,
            "import",
            assessment_id,
            to_value=row.status,
            detail={"source": source, "pdf_sha256": pdf_digest},
        )
    return ImportResult(source, assessment_id, True, f"imported as {row.status}")


def import_archive(store: Store, pdf: bytes, *, owner: str, source: str = "<pdf>") -> ImportResult:
    """Import an archived PDF (``report.read_archive``): approved ones keep the PDF as their snapshot."""
    from report import read_archive

    archive = read_archive(pdf)
    revision = archive.report.get("version")
    return import_assessment(
        store,
        archive.assessment,
        owner=owner,
        source=source,
        pdf=pdf,
        pdf_status=str(archive.report.get("status", "")),
        record_sha256=archive.attachment_sha256,
        revision=revision if isinstance(revision, int) and not isinstance(revision, bool) and revision >= 1 else 1,
    )


def import_file(store: Store, path: str | Path, *, owner: str) -> list[ImportResult]:
    """Import an archived PDF, a store export (JSON) or an answers file (JSON or YAML, engine shape)."""
    path = Path(path)
    raw = path.read_bytes()
    source = str(path)
    if raw.startswith(b"%PDF"):
        return [import_archive(store, raw, owner=owner, source=source)]
    if raw.lstrip()[:1] == b"{" and f'"{EXPORT_FORMAT}"'.encode() in raw[:4096]:
        # a store export: the operator's own file, as big as the store (answers files stay size-capped)
        try:
            return import_export(store, json.loads(raw.decode("utf-8")), actor=owner, source=source)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise StoreError(f"{source}: not valid JSON: {e}") from e
    from engine.answers import read_answers_document

    doc = read_answers_document(raw, source)
    data = doc.data
    if isinstance(data, dict) and data.get("format") == EXPORT_FORMAT:
        return import_export(store, data, actor=owner, source=source)
    if isinstance(data, dict) and data.get("format") == "dpia-archive":
        data = data.get("assessment")
    if not isinstance(data, dict) or "questionnaire" not in data:
        raise AnswersError([Problem(source, 0, 0, "", "not an archived PDF, a store export or an answers file")])
    try:
        assessment = EngineAssessment.model_validate(data)
    except ValueError as e:
        raise AnswersError([Problem(source, 0, 0, "", f"not an answers file: {e}")]) from e
    if assessment.questionnaire not in store.questionnaires:
        raise UnknownQuestionnaireError(f"{source}: questionnaire {assessment.questionnaire!r} is not loaded")
    return [import_assessment(store, assessment, owner=owner, source=source)]


__all__ = [
    "EXPORT_FORMAT",
    "AnswerChange",
    "ImportResult",
    "RescoreChange",
    "RescoreStats",
    "Summary",
    "VersionDiff",
    "diff_versions",
    "export_records",
    "import_archive",
    "import_assessment",
    "import_export",
    "import_file",
    "list_assessments",
    "rescore",
    "write_export",
]
