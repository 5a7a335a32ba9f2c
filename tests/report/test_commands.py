"""``dpia report``, ``dpia verify`` and ``dpia import -o`` through ``cli.main``: files and exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pikepdf
import pytest

from cli import main
from engine.answers import load_answers
from engine.model import Questionnaire
from engine.scoring import evaluate
from report import read_archive
from report.commands import answers_yaml
from tests.report.report_helpers import HOTEL, SAMPLE, pdf_text


@pytest.fixture(scope="module")
def report_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "hotel.pdf"
    assert main(["report", str(HOTEL), "-o", str(out), "--questionnaires", str(SAMPLE)]) == 0
    return out


def test_report_writes_a_verified_pdf(report_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert report_file.read_bytes().startswith(b"%PDF-")
    assert main(["verify", str(report_file)]) == 0
    out = capsys.readouterr().out
    assert "checked: PDF/A-3b" in out and f"ok: {report_file}" in out


def test_report_in_french(tmp_path: Path) -> None:
    out = tmp_path / "fr.pdf"
    assert main(["report", str(HOTEL), "-o", str(out), "--lang", "fr", "--questionnaires", str(SAMPLE)]) == 0
    assert "AIPD OBLIGATOIRE" in pdf_text(out.read_bytes())


def test_import_writes_answers_that_score_the_same(
    report_file: Path, tmp_path: Path, sample_q: Questionnaire, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.yaml"
    code = main(["import", str(report_file), "-o", str(answers), "--questionnaires", str(SAMPLE)])
    assert code == 0, capsys.readouterr().err
    back = load_answers(answers, {sample_q.id: sample_q}).assessment
    original = load_answers(HOTEL, {sample_q.id: sample_q}).assessment
    assert back.answers == original.answers
    assert back.metadata == original.metadata
    assert evaluate(sample_q, back.answers, "en") == evaluate(sample_q, original.answers, "en")
    assert evaluate(sample_q, back.answers, "en") == read_archive(report_file.read_bytes()).evaluation
    assert main(["score", str(answers), "--questionnaires", str(SAMPLE)]) == 0


def test_answers_yaml_keeps_text_that_looks_like_numbers_or_booleans_as_text(
    sample_q: Questionnaire, tmp_path: Path
) -> None:
    data = {
        "questionnaire": "sample",
        "metadata": {"feature": "1e5", "owner": "true", "date": "2026-11-29"},
        "answers": {"context.feature": "0012", "context.description": "null\nsecond line", "context.people": 5},
    }
    path = tmp_path / "a.yaml"
    path.write_text(answers_yaml(data), encoding="utf-8")
    back = load_answers(path, {sample_q.id: sample_q}).assessment
    assert back.answers == {"context.feature": "0012", "context.description": "null\nsecond line", "context.people": 5}
    assert back.metadata.feature == "1e5" and back.metadata.owner == "true"


def test_verify_of_a_tampered_pdf_exits_1_with_the_reason(
    report_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pikepdf.open(report_file) as pdf:
        record = json.loads(pdf.attachments["assessment.json"].get_file().read_bytes())
        record["assessment"]["answers"]["context.people"] = 1
        spec = pikepdf.AttachedFileSpec(pdf, json.dumps(record).encode(), filename="assessment.json")
        spec.obj[pikepdf.Name.AFRelationship] = pikepdf.Name.Data
        pdf.attachments["assessment.json"] = spec
        tampered = tmp_path / "tampered.pdf"
        pdf.save(tampered)
    assert main(["verify", str(tampered)]) == 1
    assert "does not match the SHA-256 printed in the report" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["verify", "import"])
@pytest.mark.parametrize("content", [b"%PDF-1.4\ngarbage", b"plain text", b""])
def test_damaged_or_foreign_files_exit_1_with_a_clear_error(
    command: str, content: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(content)
    args = [command, str(bad)] + (["-o", str(tmp_path / "x.yaml")] if command == "import" else [])
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "error:" in err and "Traceback" not in err
    assert not (tmp_path / "x.yaml").exists()


def test_missing_files_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(tmp_path / "nope.pdf")]) == 1
    assert main(["report", str(tmp_path / "nope.yaml"), "-o", str(tmp_path / "o.pdf")]) == 1
    assert "Traceback" not in capsys.readouterr().err


def test_report_of_bad_answers_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("questionnaire: sample\nmetadata: {feature: x}\nanswers: {tech.cameras: maybe}\n")
    assert main(["report", str(bad), "-o", str(tmp_path / "o.pdf"), "--questionnaires", str(SAMPLE)]) == 1
    assert "expected yes or no" in capsys.readouterr().err
    assert not (tmp_path / "o.pdf").exists()


def test_import_warns_when_the_questionnaire_changed(
    report_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = tmp_path / "sample.yaml"
    changed.write_text(SAMPLE.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.1.0"'))
    out = tmp_path / "a.yaml"
    assert main(["import", str(report_file), "-o", str(out), "--questionnaires", str(changed)]) == 0
    assert "re-scoring may give another result" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8").startswith("# Answers read back from hotel.pdf")


def test_pdf_bytes_read_directly_match_the_file(report_file: Path) -> None:
    archive = read_archive(io.BytesIO(report_file.read_bytes()).getvalue())
    assert archive.questionnaire_id == "sample"
