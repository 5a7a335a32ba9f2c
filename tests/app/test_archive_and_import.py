"""Archive (approved versions, verifying an uploaded PDF, the re-scoring report) and Home's imports."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import store
from tests.app.conftest import SAMPLE, SAMPLE_HOTEL, new_app, open_store_for, shown


def approved_hotel(url: str) -> tuple[str, bytes]:
    """The sample hotel assessment, submitted, reviewed and approved through the store (real PDF)."""
    from engine.answers import load_answers

    s = open_store_for(url)
    assessment = load_answers(SAMPLE_HOTEL, s.questionnaires).assessment
    store.set_roles(s, "ada", ["author"], actor="ada", name="Ada")
    store.set_roles(s, "dan", ["reviewer"], actor="dan", name="Dan")
    a = store.create_assessment(s, "sample", "Mood cameras", "ada", answers=assessment.answers)
    a = store.submit(s, a.id, "ada", a.version)
    a = store.start_review(s, a.id, "dan", a.version)
    store.approve(s, a.id, "dan", a.version, opinion="Acceptable with an opt-in.")
    return a.id, store.version_pdf(s, a.id, 1)


def with_changed_answer(pdf: bytes) -> bytes:
    """The archived PDF with one answer "fixed" afterwards in its attached assessment.json."""
    import pikepdf

    from report import read_archive

    record = json.loads(read_archive(pdf).attachment)
    record["assessment"]["answers"]["context.people"] = 12
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        spec = pikepdf.AttachedFileSpec(doc, json.dumps(record).encode(), mime_type="application/json")
        doc.attachments["assessment.json"] = spec
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


def archive_page(role: str = "reviewer") -> AppTest:
    at = new_app(user="Dan", role=role)
    at.run()
    at.switch_page("views/archive.py").run()
    assert not at.exception, at.exception
    return at


def test_when_a_version_is_approved_then_the_archive_lists_it_with_its_pdf(sample_env: str) -> None:
    aid, _ = approved_hotel(sample_env)
    at = archive_page()
    table = next(m.value for m in at.markdown if m.value.startswith("| Feature | Revision |"))
    assert "| Mood cameras | 1 | approved | DPIA required | dan |" in table
    assert at.selectbox(key="archive-pick").value == (aid, 1)
    assert at.get("download_button")  # the PDF itself is checked below through the store


def test_when_the_archived_pdf_is_uploaded_then_it_verifies(sample_env: str) -> None:
    _, pdf = approved_hotel(sample_env)
    at = archive_page()
    at.file_uploader(key="archive-upload").upload("approved.pdf", pdf, "application/pdf").run()
    assert not at.exception
    assert any("This PDF is intact" in s.value for s in at.success)
    assert any("It holds: **Mood cameras**" in m.value and "approved" in m.value for m in at.markdown)


def test_when_a_tampered_pdf_is_uploaded_then_it_does_not_verify(sample_env: str) -> None:
    _, pdf = approved_hotel(sample_env)
    tampered = with_changed_answer(pdf)
    at = archive_page()
    at.file_uploader(key="archive-upload").upload("tampered.pdf", tampered, "application/pdf").run()
    assert not at.exception
    assert at.error and "does not verify" in at.error[0].value


def test_when_a_file_that_is_not_a_pdf_is_uploaded_then_the_problem_is_shown(sample_env: str) -> None:
    at = archive_page()
    at.file_uploader(key="archive-upload").upload("notes.pdf", b"hello", "application/pdf").run()
    assert not at.exception
    assert at.error


def test_when_the_questionnaire_changes_then_the_rescoring_report_lists_the_outcome_change(
    sample_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    approved_hotel(sample_env)
    newer = tmp_path / "v2"
    newer.mkdir()
    text = SAMPLE.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.1.0"')
    text = text.replace("  - id: R-EMO-001\n    severity: critical", "  - id: R-EMO-001\n    severity: high")
    (newer / "sample.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("DPIA_QUESTIONNAIRES", str(newer / "sample.yaml"))
    at = archive_page()
    at.toggle(key="archive-rescore-run").set_value(True).run()
    assert not at.exception
    table = next(shown(m.value) for m in at.markdown if m.value.startswith("| Feature | Status | What changes |"))
    assert table.splitlines()[2:] == ["| Mood cameras | approved | finding R-EMO-001 severity critical -> high |"]
    at.button(key="archive-rescore-write").click().run()
    assert any("1 outcome(s) stored" in s.value for s in at.success)


def test_when_an_answers_file_is_imported_then_it_opens_with_its_answers(sample_env: str) -> None:
    at = new_app()
    at.run()
    at.file_uploader(key="home-import").upload("hotel.yaml", SAMPLE_HOTEL.read_bytes(), "application/x-yaml").run()
    at.button(key="home-import-go").click().run()
    assert not at.exception, at.exception
    aid = at.query_params["assessment"]
    view = store.get_assessment(open_store_for(sample_env), aid)
    assert view.title == "Mood cameras in the lobby" and view.answers["tech.analysis"] == ["emotions", "faces"]
    assert any("imported as draft" in i.value for i in at.info)


def test_when_an_archived_pdf_is_imported_then_it_is_stored_as_approved(sample_env: str, tmp_path: Path) -> None:
    _, pdf = approved_hotel(sample_env)
    other = f"sqlite:///{tmp_path}/other.sqlite"  # another installation receives the PDF
    shutil.copy(SAMPLE, tmp_path / "sample.yaml")
    import os

    os.environ["DPIA_DATABASE_URL"] = other
    try:
        at = new_app()
        at.run()
        at.file_uploader(key="home-import").upload("approved.pdf", pdf, "application/pdf").run()
        at.button(key="home-import-go").click().run()
        assert not at.exception, at.exception
        view = store.get_assessment(open_store_for(other), at.query_params["assessment"])
        assert view.status == "approved"
        assert store.version_pdf(open_store_for(other), view.id, 1) == pdf
    finally:
        os.environ["DPIA_DATABASE_URL"] = sample_env


def test_when_a_store_export_is_imported_then_its_assessments_arrive(sample_env: str, tmp_path: Path) -> None:
    aid, _ = approved_hotel(sample_env)
    buffer = io.StringIO()
    store.write_export(open_store_for(sample_env), buffer)
    export = json.loads(buffer.getvalue())
    export["assessments"][0]["id"] = "imported-copy"
    at = new_app()
    at.run()
    raw = json.dumps(export).encode()
    at.file_uploader(key="home-import").upload("export.json", raw, "application/json").run()
    at.button(key="home-import-go").click().run()
    assert not at.exception, at.exception
    assert store.get_assessment(open_store_for(sample_env), "imported-copy").title == "Mood cameras"
    assert aid != "imported-copy"


def test_when_a_broken_answers_file_is_imported_then_every_problem_is_listed(sample_env: str) -> None:
    at = new_app()
    at.run()
    broken = b"questionnaire: sample\nmetadata: {feature: X}\nanswers:\n  tech.cameras: maybe\n  no.such: 1\n"
    at.file_uploader(key="home-import").upload("broken.yaml", broken, "application/x-yaml").run()
    at.button(key="home-import-go").click().run()
    assert not at.exception
    message = shown(at.error[0].value)
    assert "tech.cameras" in message and "no.such" in message
