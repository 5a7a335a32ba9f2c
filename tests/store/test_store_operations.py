"""List and filter, diff versions, re-score under a newer questionnaire, export/import round trip."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from store_helpers import HOTEL_ANSWERS, Databases, add_users, approved, new_assessment, to_review

import store
from engine.errors import DpiaError
from engine.loader import load_text
from engine.model import Questionnaire

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


# --- list and filter ------------------------------------------------------------------------------------


def test_list_filters_by_status_owner_verdict_ai_act_and_overdue(db: store.Store) -> None:
    hotel = new_assessment(db, "Hotel", answers=HOTEL_ANSWERS)
    small = new_assessment(db, "Small", owner="bob", answers={"context.people": 10})
    late = new_assessment(db, "Late")
    yesterday = dt.date.today() - dt.timedelta(days=1)
    store.save_metadata(db, late.id, late.version, "alice", review_date=yesterday)
    store.submit(db, small.id, "bob", small.version)

    def ids(**filters: object) -> set[str]:
        return {s.id for s in store.list_assessments(db, **filters)}  # type: ignore[arg-type]

    assert ids() == {hotel.id, small.id, late.id}
    assert ids(status="submitted") == {small.id}
    assert ids(status=["draft", "submitted"]) == {hotel.id, small.id, late.id}
    assert ids(owner="bob") == {small.id}
    assert ids(verdict="required") == {hotel.id}
    assert ids(ai_act="high_risk") == {hotel.id}
    assert ids(overdue=True) == {late.id}
    assert ids(overdue=False) == {hotel.id, small.id}
    assert ids(status="draft", owner="alice", verdict="not_required") == {late.id}
    [row] = store.list_assessments(db, overdue=True)
    assert row.overdue and row.review_date == yesterday


def test_an_approved_assessment_is_overdue_after_its_review_date(db: store.Store) -> None:
    a = approved(db)
    assert a.review_date is not None
    assert store.list_assessments(db, overdue=True) == []
    later = a.review_date + dt.timedelta(days=1)
    assert [s.id for s in store.list_assessments(db, overdue=True, today=later)] == [a.id]


# --- diff ----------------------------------------------------------------------------------------------


def test_diff_shows_answer_and_outcome_changes_since_the_approved_version(db: store.Store) -> None:
    a = approved(db)
    version = store.save_answer(db, a.id, "tech.setting", "workplace", a.version, "alice").version
    store.save_answer(db, a.id, "context.people", 20000, version, "alice")
    diff = store.diff_versions(db, a.id)
    assert (diff.old, diff.new) == (1, "current")
    assert [(c.question, c.before, c.after) for c in diff.answers] == [
        ("context.people", 5000, 20000),
        ("tech.setting", "public_area", "workplace"),
    ]
    assert "ai_act: high_risk -> prohibited" in diff.outcome
    assert "finding R-EMO-002 now fires (critical)" in diff.outcome
    assert "finding R-MON-001 no longer fires" in diff.outcome


def test_diff_between_two_approved_revisions(db: store.Store) -> None:
    a = approved(db)
    saved = store.save_answer(db, a.id, "context.people", 20000, a.version, "alice")
    b = store.submit(db, a.id, "alice", saved.version)
    b = store.start_review(db, a.id, "dora", b.version)
    store.approve(db, a.id, "dora", b.version, opinion="Still fine.")
    diff = store.diff_versions(db, a.id, 1, 2)
    assert [(c.question, c.before, c.after) for c in diff.answers] == [("context.people", 5000, 20000)]
    assert diff.outcome == []  # more people, same findings
    assert [v.revision for v in store.versions(db, a.id)] == [1, 2]
    assert store.diff_versions(db, a.id, new=2).old == 1


def test_diff_without_an_approved_version_says_so(db: store.Store) -> None:
    a = new_assessment(db)
    with pytest.raises(store.NotFoundError, match="no earlier approved revision"):
        store.diff_versions(db, a.id)


# --- re-score ------------------------------------------------------------------------------------------


def newer_sample() -> Questionnaire:
    """Version 1.1.0: R-MON-001 needs 10,000 people (not 1,000) and the 'home' setting is gone."""
    text = (FIXTURES / "sample.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "1.0.0"', 'version: "1.1.0"', 1)
    text = text.replace("gte: {question: context.people, value: 1000}", "gte: {question: context.people, value: 10000}")
    text = text.replace("          - {value: home, label: {en: A home, fr: Un domicile}}\n", "")
    assert text.count("10000}") == 2
    return load_text(text, "sample-1.1.0.yaml")


def test_rescore_lists_exactly_the_assessments_whose_outcome_changes(db: store.Store) -> None:
    changes_expected = new_assessment(db, "Hotel", answers=HOTEL_ANSWERS)
    unchanged = new_assessment(db, "Crowd", answers={**HOTEL_ANSWERS, "context.people": 20000})
    small = new_assessment(db, "Small", answers={"context.people": 10})
    broken = new_assessment(db, "Home", answers={"tech.cameras": True, "tech.setting": "home"})
    signed = approved(db, title="Signed hotel")
    [snapshot] = store.versions(db, signed.id)
    db.use_questionnaires({"sample": newer_sample()})

    batches: list[int] = []
    found = list(store.rescore(db, dry_run=True, batch_size=2, progress=lambda s: batches.append(s.seen)))
    by_id = {c.assessment_id: c for c in found}
    assert set(by_id) == {changes_expected.id, signed.id, broken.id}
    assert unchanged.id not in by_id and small.id not in by_id
    assert batches == [2, 4, 5]
    hotel = by_id[changes_expected.id]
    assert hotel.before is not None and hotel.after is not None
    assert "finding R-MON-001 no longer fires" in hotel.changes
    assert "art35_3_met -c" in hotel.changes
    assert by_id[broken.id].error is not None and "home" in by_id[broken.id].error
    assert store.get_assessment(db, changes_expected.id).outcome == hotel.before  # dry run: nothing written

    stats = store.RescoreStats()
    assert {c.assessment_id for c in store.rescore(db, dry_run=False, batch_size=2, stats=stats)} == set(by_id)
    assert (stats.seen, stats.changed, stats.errors, stats.written) == (5, 3, 1, 2)
    assert store.get_assessment(db, changes_expected.id).outcome == hotel.after
    assert [e.action for e in store.audit_log(db, changes_expected.id)][-1] == "rescore"
    assert {c.assessment_id for c in store.rescore(db)} == {broken.id}  # only the one that cannot be scored
    assert store.versions(db, signed.id) == [snapshot]  # the approved outcome stays what was approved


def test_rescore_leaves_an_assessment_saved_meanwhile_to_its_own_save(db: store.Store) -> None:
    a = new_assessment(db, answers=HOTEL_ANSWERS)
    db.use_questionnaires({"sample": newer_sample()})
    stats = store.RescoreStats()
    stream = store.rescore(db, dry_run=False, batch_size=10, stats=stats)
    change = next(stream)  # the batch is read; a save lands before it is written
    store.save_answer(db, a.id, "context.people", 4000, a.version, "alice")
    assert list(stream) == []
    assert change.assessment_id == a.id and (stats.written, stats.stale) == (0, 1)
    assert store.get_assessment(db, a.id).outcome["questionnaire_version"] == "1.1.0"


# --- export and import ----------------------------------------------------------------------------------------


def populate(db: store.Store) -> list[str]:
    draft = new_assessment(db, "Draft", answers={"context.people": 3, "context.description": "Été, “quotes” ✓"})
    store.save_answer(db, draft.id, "context.people", 4, draft.version, "alice")
    with pytest.raises(store.ConflictError):  # a stale save: kept in the conflicts table, not exported
        store.save_answer(db, draft.id, "context.people", 5, draft.version, "alice")
    reviewing = to_review(db, title="Reviewing")
    store.add_comment(db, reviewing.id, "dora", "Which cameras?", question_id="tech.cameras", verdict="to_correct")
    store.add_override(db, reviewing.id, "dora", "R-EMO-001", "high", "Opt-in only", field="severity")
    signed = approved(db, title="Signed")
    store.save_answer(db, signed.id, "context.people", 6000, signed.version, "alice")  # revision 2 starts
    return [draft.id, reviewing.id, signed.id]


def exported(db: store.Store, include_pdfs: bool = True) -> dict:
    out = io.StringIO()
    store.write_export(db, out, include_pdfs=include_pdfs)
    return json.loads(out.getvalue())


def without_import_entries(data: dict) -> list[dict]:
    items = json.loads(json.dumps(data["assessments"]))
    for item in items:
        item["audit"] = [e for e in item["audit"] if e["action"] != "import"]
    return items


def test_export_then_import_gives_the_same_export(
    db: store.Store, databases: Databases, questionnaires: dict[str, Questionnaire]
) -> None:
    ids = populate(db)
    first = exported(db)
    assert first["format"] == "dpia-store-export"
    assert sorted(item["id"] for item in first["assessments"]) == sorted(ids)
    target = store.open_store(databases.new_url(), questionnaires=questionnaires)
    try:
        results = store.import_export(target, first, actor="adam")
        assert [r.imported for r in results] == [True, True, True]
        again = exported(target)
        assert without_import_entries(again) == first["assessments"]
        assert store.version_pdf(target, ids[2], 1) == store.version_pdf(db, ids[2], 1)
        assert [r.imported for r in store.import_export(target, first, actor="adam")] == [False] * 3
        assert store.audit_log(target, ids[0])[-1].action == "import"
    finally:
        target.close()


@pytest.mark.postgres
def test_export_from_sqlite_imports_into_postgresql(
    request: pytest.FixtureRequest, tmp_path: Path, questionnaires: dict[str, Questionnaire]
) -> None:
    source_dbs, target_dbs = Databases("sqlite", request, tmp_path), Databases("postgresql", request, tmp_path)
    source = store.open_store(source_dbs.new_url(), questionnaires=questionnaires)
    add_users(source)
    target = store.open_store(target_dbs.new_url(), questionnaires=questionnaires)
    try:
        populate(source)
        data = exported(source)
        store.import_export(target, data, actor="adam")
        assert without_import_entries(exported(target)) == data["assessments"]
    finally:
        source.close()
        target.close()
        target_dbs.drop_all()


def test_an_export_without_pdfs_still_imports(db: store.Store, databases: Databases, questionnaires: dict) -> None:
    signed = approved(db)
    data = exported(db, include_pdfs=False)
    assert data["assessments"][0]["versions"][0]["pdf_base64"] is None
    target = store.open_store(databases.new_url(), questionnaires=questionnaires)
    try:
        store.import_export(target, data, actor="adam")
        assert store.versions(target, signed.id)[0].pdf_sha256 == store.versions(db, signed.id)[0].pdf_sha256
        with pytest.raises(store.NotFoundError, match="without its PDF"):
            store.version_pdf(target, signed.id, 1)
    finally:
        target.close()


def test_an_archived_pdf_imports_as_approved_with_its_pdf(
    db: store.Store, databases: Databases, questionnaires: dict, tmp_path: Path
) -> None:
    signed = approved(db)
    pdf = store.version_pdf(db, signed.id, 1)
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    target = store.open_store(databases.new_url(), questionnaires=questionnaires)
    try:
        [result] = store.import_file(target, path, owner="carol")
        assert result.imported and result.assessment_id == signed.id
        back = store.get_assessment(target, signed.id)
        assert (back.status, back.owner, back.answers) == ("approved", "carol", signed.answers)
        assert back.review["decision"] == "approved" and back.review["sign_off"]["name"] == "Dora"
        [version] = store.versions(target, signed.id)
        assert store.version_pdf(target, signed.id, 1) == pdf
        assert version.assessment_sha256 == store.versions(db, signed.id)[0].assessment_sha256
        [again] = store.import_file(target, path, owner="carol")
        assert not again.imported and "already" in again.message
    finally:
        target.close()


def test_an_answers_file_imports_as_a_draft(db: store.Store) -> None:
    [result] = store.import_file(db, FIXTURES / "answers" / "sample-hotel.yaml", owner="alice")
    a = store.get_assessment(db, result.assessment_id or "")
    assert (a.status, a.title, a.dpia_verdict) == ("draft", "Mood cameras in the lobby", "required")


def test_a_file_that_is_nothing_known_is_refused(db: store.Store, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"hello": 1}')
    with pytest.raises(DpiaError, match="not an archived PDF"):
        store.import_file(db, path, owner="alice")
