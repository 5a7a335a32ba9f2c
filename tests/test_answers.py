"""Answers files: every error names the question; values are normalised."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from engine.answers import check_answers, load_answers, parse_answers
from engine.errors import AnswersError, UnknownQuestionnaireError
from engine.model import Questionnaire

HEADER = 'questionnaire: sample\nversion: "1.0.0"\nmetadata: {feature: Test}\n'


def parse(sample: Questionnaire, body: str):  # type: ignore[no-untyped-def]
    return parse_answers((HEADER + textwrap.dedent(body)).encode(), "a.yaml", {"sample": sample})


def test_yes_no_strings_become_booleans_and_options_keep_questionnaire_order(sample: Questionnaire) -> None:
    loaded = parse(sample, "answers:\n  tech.cameras: yes\n  tech.analysis: [faces, emotions]\n")
    assert loaded.assessment.answers == {"tech.cameras": True, "tech.analysis": ["emotions", "faces"]}


def test_every_wrong_answer_is_reported_with_its_question_and_position(sample: Questionnaire) -> None:
    body = """\
    answers:
      tech.camera: yes
      tech.cameras: maybe
      tech.setting: beach
      tech.analysis: [emotions, mood]
      context.people: -3
      context.start: 29/11/2026
      tech.intrusiveness: 7
      data.inventory:
        - {category: health, needed: yes, colour: red}
      risk.access: {likelihood_after: 9}
    """
    with pytest.raises(AnswersError) as caught:
        parse(sample, body)
    got = [str(p) for p in caught.value.problems]
    assert got == [
        "a.yaml:5:3: answers.tech.camera: unknown question 'tech.camera' in sample; did you mean 'tech.cameras'?",
        "a.yaml:6:3: answers.tech.cameras: tech.cameras: expected yes or no, got 'maybe'",
        "a.yaml:7:3: answers.tech.setting: tech.setting: 'beach' is not one of the options: public_area, workplace, home",
        "a.yaml:8:29: answers.tech.analysis[1]: tech.analysis: 'mood' is not one of the options: emotions, faces, counting",
        "a.yaml:9:3: answers.context.people: context.people: -3 is below the minimum 0",
        "a.yaml:10:3: answers.context.start: context.start: expected a date as YYYY-MM-DD, got '29/11/2026'",
        "a.yaml:11:3: answers.tech.intrusiveness: tech.intrusiveness: 7 is not a level of scale likelihood: 1, 2, 3, 4",
        "a.yaml:13:39: answers.data.inventory[0].colour: data.inventory: unknown field 'colour'; fields: category, needed, retention_days",
        "a.yaml:14:17: answers.risk.access.likelihood_after: risk.access: 9 is not a level of scale likelihood: 1, 2, 3, 4",
    ]


def test_unknown_questionnaire_is_a_clear_error(sample: Questionnaire) -> None:
    with pytest.raises(UnknownQuestionnaireError, match="questionnaire 'nope' is not loaded; known: sample"):
        parse_answers(b"questionnaire: nope\nmetadata: {feature: X}\n", "a.yaml", {"sample": sample})


def test_missing_metadata_and_unknown_top_level_keys_are_errors(sample: Questionnaire) -> None:
    with pytest.raises(AnswersError) as caught:
        parse_answers(b"questionnaire: sample\nanswer: {}\n", "a.yaml", {"sample": sample})
    got = [str(p) for p in caught.value.problems]
    assert "a.yaml:1:1: metadata: required key is missing" in got
    assert any("unknown key 'answer'" in m for m in got)


def test_json_answers_files_are_read_with_line_numbers_for_syntax_errors(sample: Questionnaire, tmp_path: Path) -> None:
    good = tmp_path / "a.json"
    good.write_text(
        json.dumps({"questionnaire": "sample", "metadata": {"feature": "X"}, "answers": {"tech.cameras": "no"}})
    )
    assert load_answers(good, {"sample": sample}).assessment.answers == {"tech.cameras": False}
    bad = tmp_path / "b.json"
    bad.write_text('{"questionnaire": "sample",\n "answers": {,}}')
    with pytest.raises(AnswersError, match=r"b.json:2:14: invalid JSON"):
        load_answers(bad, {"sample": sample})


def test_version_mismatch_is_a_warning_not_an_error(sample: Questionnaire) -> None:
    loaded = parse_answers(
        b'questionnaire: sample\nversion: "0.9"\nmetadata: {feature: X}\n', "a.yaml", {"sample": sample}
    )
    assert loaded.warnings == ["a.yaml: answers were given under sample version 0.9; scoring with version 1.0.0"]


def test_null_answers_mean_unanswered(sample: Questionnaire) -> None:
    answers, problems = check_answers(sample, {"tech.cameras": None, "context.feature": ""})
    assert answers == {} and problems == []


def test_missing_file_is_a_clear_error(sample: Questionnaire, tmp_path: Path) -> None:
    with pytest.raises(AnswersError, match="cannot read file"):
        load_answers(tmp_path / "missing.yaml", {"sample": sample})
