"""The dpia command line: outputs and exit codes a team's CI can rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli import EXIT_BAD_INPUT, EXIT_FAIL_ON, EXIT_OK, main, schema_json

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = str(ROOT / "tests" / "fixtures" / "sample.yaml")
HOTEL = str(ROOT / "tests" / "fixtures" / "answers" / "sample-hotel.yaml")
BROKEN = ROOT / "tests" / "fixtures" / "broken"


def dpia(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the installed console script as a user would."""
    return subprocess.run([sys.executable, "-m", "cli", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_validate_ok_and_broken_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", SAMPLE]) == EXIT_OK
    assert "ok: " in capsys.readouterr().out
    assert main(["validate", str(BROKEN / "unknown-question.yaml")]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "unknown-question.yaml:15:28: sections[0].questions[1].show_if.equals.question: unknown question" in err


def test_condition_naming_unknown_question_fails_with_location_and_no_traceback() -> None:
    result = dpia("validate", str(BROKEN / "unknown-question.yaml"))
    assert result.returncode == EXIT_BAD_INPUT
    assert ":15:28:" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_validate_reports_every_broken_file_at_once() -> None:
    result = dpia("validate", str(BROKEN))
    assert result.returncode == EXIT_BAD_INPUT
    for path in BROKEN.glob("*.yaml"):
        assert path.name in result.stderr
    assert "Traceback" not in result.stderr


def test_score_json_prints_the_evaluation_contract() -> None:
    result = dpia("score", HOTEL, "--questionnaires", SAMPLE, "--format", "json")
    assert result.returncode == EXIT_OK, result.stderr
    data = json.loads(result.stdout)
    assert data["contract"] == "1"
    assert data["dpia"]["verdict"] == "required"
    assert data["ai_act"]["status"] == "high_risk"
    assert data["findings"][0]["trace"][0]["text"]


def test_score_text_reads_like_a_short_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", HOTEL, "--questionnaires", SAMPLE, "--lang", "fr"]) == EXIT_OK
    out = capsys.readouterr().out
    assert "AIPD OBLIGATOIRE" in out
    assert "RIA : SYSTÈME À HAUT RISQUE" in out
    assert "Des émotions sont déduites des visages" in out
    assert "parce que : " in out and "à la place : " in out


def test_score_what_if_lists_under_each_flag_the_answers_that_would_clear_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hotel = str(ROOT / "examples" / "hotel-emotion-cameras.yaml")
    assert main(["score", hotel, "--what-if"]) == EXIT_OK
    out = capsys.readouterr().out
    emotion = out.split("(R-AIA-ANNEX3-1C)")[1].split("\n- [")[0]
    assert "would clear if Biometric analysis without “Infer emotions, moods or intentions”" in emotion
    large_scale = out.split("(R-ART35-3B)")[1].split("\n- [")[0]
    assert "no single answer clears this flag" in large_scale  # it rests on other flags
    assert main(["score", hotel, "--what-if", "--lang", "fr"]) == EXIT_OK
    assert "serait levé si " in capsys.readouterr().out


def test_score_what_if_with_json_is_refused_saying_why(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", HOTEL, "--questionnaires", SAMPLE, "--what-if", "--format", "json"]) == EXIT_BAD_INPUT
    assert "--what-if goes with --format text" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("level", "expected"),
    [("required", EXIT_FAIL_ON), ("critical", EXIT_FAIL_ON), ("high", EXIT_FAIL_ON), ("info", EXIT_FAIL_ON)],
)
def test_fail_on_exits_3_when_reached(level: str, expected: int) -> None:
    assert main(["score", HOTEL, "--questionnaires", SAMPLE, "--fail-on", level]) == expected


def test_fail_on_not_reached_exits_0(tmp_path: Path) -> None:
    answers = tmp_path / "small.yaml"
    answers.write_text(
        "questionnaire: sample\nmetadata: {feature: Small}\nanswers: {tech.cameras: no, context.professional: no}\n"
    )
    assert main(["score", str(answers), "--questionnaires", SAMPLE, "--fail-on", "recommended"]) == EXIT_OK
    assert main(["score", str(answers), "--questionnaires", SAMPLE, "--fail-on", "low"]) == EXIT_OK


def test_bad_answers_file_exits_1_naming_the_question(tmp_path: Path) -> None:
    answers = tmp_path / "bad.yaml"
    answers.write_text("questionnaire: sample\nmetadata: {feature: X}\nanswers: {tech.cameras: perhaps}\n")
    result = dpia("score", str(answers), "--questionnaires", SAMPLE)
    assert result.returncode == EXIT_BAD_INPUT
    assert "bad.yaml:3:11: answers.tech.cameras: tech.cameras: expected yes or no, got 'perhaps'" in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_answers_file_and_usage_errors_exit_1(tmp_path: Path) -> None:
    result = dpia("score", str(tmp_path / "nope.yaml"), "--questionnaires", SAMPLE)
    assert result.returncode == EXIT_BAD_INPUT and "cannot read file" in result.stderr
    assert dpia("score").returncode == EXIT_BAD_INPUT
    assert dpia("frobnicate").returncode == EXIT_BAD_INPUT


def test_lint_reports_unused_options_of_the_sample(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", SAMPLE]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "sample: tech.analysis=counting: unused-option: no condition names this option; use it in a rule or mark it `neutral: true`",
        "sample: tech.analysis=faces: unused-option: no condition names this option; use it in a rule or mark it `neutral: true`",
        "sample: tech.setting=home: unused-option: no condition names this option; use it in a rule or mark it `neutral: true`",
    ]


def test_lint_finds_rules_that_can_never_fire_and_missing_help(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(
        'id: q\nversion: "1"\nlanguages: [en, fr]\ntitle: {en: Q, fr: Q}\n'
        "verdict_policy:\n  dpia: [{id: one, when: {finding: R-NEVER}, verdict: required, reason: {en: R, fr: R}}]\n"
        "  otherwise: {verdict: not_required, reason: {en: N, fr: N}}\n  ai_act_none_reason: {en: N, fr: N}\n"
        "sections:\n  - id: s\n    title: {en: S, fr: S}\n    questions:\n"
        "      - {id: q.a, kind: yes_no, text: {en: A, fr: A}}\n"
        "rules:\n  - id: R-NEVER\n    severity: low\n    title: Never\n    explanation: {en: E, fr: E}\n"
        '    references: ["GDPR Art. 5"]\n'
        "    when: {all: [{equals: {question: q.a, value: true}}, {equals: {question: q.a, value: false}}]}\n"
    )
    assert main(["lint", str(path)]) == EXIT_BAD_INPUT
    out = capsys.readouterr().out
    assert "q: R-NEVER: never-fires" in out
    assert "q: q.a: missing-help" in out
    assert "q: R-NEVER.title: untranslated" in out


def test_schema_file_is_in_sync_with_the_models() -> None:
    kept = (ROOT / "questionnaires" / "schema.json").read_text(encoding="utf-8")
    assert kept == schema_json(), "run: dpia schema -o questionnaires/schema.json"


def test_schema_command_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == EXIT_OK
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "Questionnaire" in schema["title"]


def test_lint_sees_a_rule_comparing_before_and_after_of_one_risk_as_able_to_fire(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "tests" / "fixtures" / "sample.yaml").read_text(encoding="utf-8")
    text += (
        "  - id: R-REDUCED\n    severity: info\n    title: {en: Reduced, fr: Réduit}\n"
        "    explanation: {en: Measures lowered a high risk., fr: Les mesures ont réduit un risque élevé.}\n"
        '    references: ["GDPR Art. 35(7)(d)"]\n'
        "    when:\n      all:\n"
        "        - risk_level: {question: risk.access, phase: before, at_least: high}\n"
        "        - not: {risk_level: {question: risk.access, phase: after, at_least: high}}\n"
    )
    path = tmp_path / "sample.yaml"
    path.write_text(text, encoding="utf-8")
    main(["lint", str(path)])
    assert "R-REDUCED" not in capsys.readouterr().out


def test_project_questionnaires_validate_and_lint_clean(capsys: pytest.CaptureFixture[str]) -> None:
    """Every text translated, every option used or marked neutral, every rule able to fire."""
    folder = str(ROOT / "questionnaires")
    assert main(["validate", folder]) == EXIT_OK
    assert main(["lint", folder]) == EXIT_OK, capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_hotel_example_scores_in_both_languages(lang: str, capsys: pytest.CaptureFixture[str]) -> None:
    example = str(ROOT / "examples" / "hotel-emotion-cameras.yaml")
    assert main(["score", example, "--format", "json", "--lang", lang]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert data["lang"] == lang
    assert data["dpia"]["verdict"] == "required" and data["ai_act"]["status"] == "high_risk"
    titles = " ".join(f["title"] for f in data["findings"])
    assert ("émotions" in titles) == (lang == "fr")
