"""Assessments: a questionnaire reference, metadata and answers by question id.

An answers file (YAML or JSON) looks like::

    questionnaire: screening
    version: "1.0.0"
    metadata:
      feature: Mood-reading cameras in hotel lobbies
      owner: Guest experience team
      date: "2026-11-29"
    answers:
      context.controller_type: company
      tech.uses_cameras: yes

Every answer is checked against its question: unknown ids, wrong types and
options not in the list are errors that name the question, all reported at once.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import AnswersError, Problem, UnknownQuestionnaireError
from engine.model import RISK_FIELDS, Group, Questionnaire, RiskRating
from engine.review import Review
from engine.yamlsafe import MAX_BYTES, Document, YamlProblems, decode_utf8, read_yaml
from engine.yamlsafe import Path as DocPath

ANSWERS_MAX_BYTES = 4 * MAX_BYTES
_YES = {"yes", "true", "oui", "y"}
_NO = {"no", "false", "non", "n"}


class Metadata(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    feature: str = Field(min_length=1, max_length=300)
    owner: str | None = Field(default=None, max_length=300)
    date: str | None = Field(default=None, max_length=40)
    assessment_id: str | None = Field(default=None, max_length=80)
    description: str | None = Field(default=None, max_length=20000)


class Assessment(BaseModel):
    """What a team answered, under which questionnaire version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    questionnaire: str = Field(min_length=1, max_length=80)
    version: str | None = Field(default=None, max_length=40)
    metadata: Metadata
    answers: dict[str, Any] = Field(default_factory=dict)
    review: Review | None = None

    def to_data(self) -> dict[str, Any]:
        """Plain data in answers-file shape (for YAML/JSON writing)."""
        return self.model_dump(mode="json", exclude_none=True)


@dataclass
class LoadedAnswers:
    assessment: Assessment
    questionnaire: Questionnaire
    warnings: list[str] = field(default_factory=list)


def read_answers_document(raw: bytes, name: str) -> Document:
    """Parse an answers file: JSON when named so or when it looks like JSON, YAML otherwise."""
    stripped = raw.lstrip()
    yaml_named = name.endswith((".yaml", ".yml"))  # a YAML file may well open with a flow mapping "{"
    if name.endswith(".json") or (stripped.startswith(b"{") and not yaml_named):
        return _read_json(raw, name)
    try:
        return read_yaml(raw, name, max_bytes=ANSWERS_MAX_BYTES)
    except YamlProblems as e:
        raise AnswersError(e.problems) from e


def _read_json(raw: bytes, name: str) -> Document:
    if len(raw) > ANSWERS_MAX_BYTES:
        raise AnswersError([Problem(name, 0, 0, "", f"file is {len(raw)} bytes; the limit is {ANSWERS_MAX_BYTES}")])

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise ValueError(f"duplicate key {key!r}")
            out[key] = value
        return out

    try:
        text = decode_utf8(raw, name)
    except YamlProblems as e:
        raise AnswersError(e.problems) from e
    try:
        data = json.loads(text, object_pairs_hook=no_duplicates)
    except json.JSONDecodeError as e:
        raise AnswersError([Problem(name, e.lineno, e.colno, "", f"invalid JSON: {e.msg}")]) from e
    except (ValueError, RecursionError) as e:
        raise AnswersError([Problem(name, 0, 0, "", f"invalid JSON: {e}")]) from e
    return Document(data, {(): (1, 1)}, name)


def load_answers(path: str | Path, catalog: dict[str, Questionnaire]) -> LoadedAnswers:
    """Read and check an answers file against the questionnaire it names.

    Raises:
        AnswersError: every problem, each naming the question it concerns.
        UnknownQuestionnaireError: the file names a questionnaire not in ``catalog``.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise AnswersError([Problem(str(path), 0, 0, "", f"cannot read file: {e.strerror}")]) from e
    return parse_answers(raw, str(path), catalog)


def parse_answers(raw: bytes, name: str, catalog: dict[str, Questionnaire]) -> LoadedAnswers:
    """Like :func:`load_answers`, from bytes already read."""
    doc = read_answers_document(raw, name)
    if not isinstance(doc.data, dict):
        raise AnswersError(
            [Problem(name, 1, 1, "", "an answers file must be a mapping with questionnaire, metadata, answers")]
        )
    try:
        assessment = Assessment.model_validate(doc.data)
    except ValidationError as e:
        from engine.loader import validation_problems

        raise AnswersError(validation_problems(e, doc)) from e
    questionnaire = catalog.get(assessment.questionnaire)
    if questionnaire is None:
        known = ", ".join(sorted(catalog)) or "none"
        raise UnknownQuestionnaireError(
            f"{name}: questionnaire {assessment.questionnaire!r} is not loaded; known: {known}"
        )
    answers, problems = check_answers(questionnaire, assessment.answers, doc, ("answers",))
    if problems:
        raise AnswersError(problems)
    warnings = []
    if assessment.version and assessment.version != questionnaire.version:
        warnings.append(
            f"{name}: answers were given under {assessment.questionnaire} version {assessment.version}; "
            f"scoring with version {questionnaire.version}"
        )
    checked = assessment.model_copy(update={"answers": answers})
    return LoadedAnswers(checked, questionnaire, warnings)


def check_answers(
    questionnaire: Questionnaire,
    answers: dict[str, Any],
    doc: Document | None = None,
    base: DocPath = (),
) -> tuple[dict[str, Any], list[Problem]]:
    """Normalise answers and list every problem; unanswered (null) answers are dropped.

    Returns:
        The normalised answers (``yes``/``no`` strings become booleans) and the problems.
    """
    doc = doc or Document(answers, {}, "<answers>")
    problems: list[Problem] = []
    out: dict[str, Any] = {}
    for qid, value in answers.items():
        where = (*base, qid)
        question = questionnaire.questions.get(qid)
        if question is None:
            import difflib

            close = difflib.get_close_matches(qid, questionnaire.questions, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(doc.problem(where, f"unknown question {qid!r} in {questionnaire.id}{hint}"))
            continue
        normal, errors = normalise(questionnaire, question, value)
        for sub, message in errors:
            problems.append(doc.problem((*where, *sub), f"{qid}: {message}"))
        if not errors and normal is not None:
            out[qid] = normal
    return out, problems


def normalise(questionnaire: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    """One answer checked against its question: (normalised value, [(subpath, message)])."""
    if value is None or value == "" or value == []:
        return None, []
    checker: Checker = _CHECKERS[question.kind]
    return checker(questionnaire, question, value)


Problems = list[tuple[DocPath, str]]
Checker = Callable[[Questionnaire, Any, Any], tuple[Any, Problems]]


def _yes_no(_: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if isinstance(value, bool):
        return value, []
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES, []
    return None, [((), f"expected yes or no, got {value!r}")]


def _single(_: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if isinstance(value, str) and value in question.option_set:
        return value, []
    return None, [((), f"{value!r} is not one of the options: {', '.join(question.option_values)}")]


def _multi(_: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if not isinstance(value, list):
        return None, [((), f"expected a list of options, got {value!r}")]
    allowed = question.option_set
    if all(isinstance(v, str) for v in value) and len(chosen := set(value)) == len(value) and chosen <= allowed:
        # the common case: known options, each once
        # keep the questionnaire's option order so equal answers compare equal
        return [o for o in question.option_values if o in chosen], []
    errors: list[tuple[DocPath, str]] = []
    for index, item in enumerate(value):
        if not isinstance(item, str) or item not in allowed:
            errors.append(((index,), f"{item!r} is not one of the options: {', '.join(question.option_values)}"))
        elif value.index(item) != index:
            errors.append(((index,), f"{item!r} is listed twice"))
    return None, errors


def _text(_: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None, [((), f"expected text, got {type(value).__name__}")]
    text = str(value)
    if len(text) > question.max_length:
        return None, [((), f"text is {len(text)} characters; the limit is {question.max_length}")]
    return text, []


def _number(_: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None, [((), f"expected a number, got {value!r}")]
    if question.integer and not float(value).is_integer():
        return None, [((), f"expected a whole number, got {value!r}")]
    if question.min is not None and value < question.min:
        return None, [((), f"{value} is below the minimum {question.min:g}")]
    if question.max is not None and value > question.max:
        return None, [((), f"{value} is above the maximum {question.max:g}")]
    return (int(value) if question.integer else value), []


def _date(_: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if isinstance(value, dt.date):
        return value.isoformat(), []
    try:
        return dt.date.fromisoformat(str(value)).isoformat(), []
    except ValueError:
        return None, [((), f"expected a date as YYYY-MM-DD, got {value!r}")]


def _scale_value(questionnaire: Questionnaire, scale_id: str, value: Any) -> str | None:
    scale = questionnaire.scales_by_id.get(scale_id)
    allowed = [level.value for level in scale.levels] if scale else []
    if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
        return f"{value!r} is not a level of scale {scale_id}: {', '.join(map(str, allowed))}"
    return None


def _scale(questionnaire: Questionnaire, question: Any, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    problem = _scale_value(questionnaire, question.scale, value)
    return (None, [((), problem)]) if problem else (value, [])


def _risk(questionnaire: Questionnaire, question: RiskRating, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if not isinstance(value, dict):
        return None, [((), f"expected a mapping with {', '.join(RISK_FIELDS)}")]
    errors: list[tuple[DocPath, str]] = []
    out: dict[str, int] = {}
    for key, level in value.items():
        if key not in RISK_FIELDS:
            errors.append(((key,), f"unknown field {key!r}; fields: {', '.join(RISK_FIELDS)}"))
            continue
        if level is None:
            continue
        scale = question.likelihood_scale if key.startswith("likelihood") else question.severity_scale
        problem = _scale_value(questionnaire, scale, level)
        if problem:
            errors.append(((key,), problem))
        else:
            out[key] = level
    return (out or None) if not errors else None, errors


def _group(questionnaire: Questionnaire, question: Group, value: Any) -> tuple[Any, list[tuple[DocPath, str]]]:
    if not isinstance(value, list):
        return None, [((), "expected a list of rows")]
    if len(value) > question.max_rows:
        return None, [((), f"{len(value)} rows; the limit is {question.max_rows}")]
    fields = {f.id: f for f in question.fields}
    errors: list[tuple[DocPath, str]] = []
    rows: list[dict[str, Any]] = []
    for index, row in enumerate(value):
        if not isinstance(row, dict):
            errors.append(((index,), "each row must be a mapping of field id to answer"))
            continue
        clean: dict[str, Any] = {}
        for key, item in row.items():
            sub = fields.get(key)
            if sub is None:
                errors.append(((index, key), f"unknown field {key!r}; fields: {', '.join(fields)}"))
                continue
            normal, sub_errors = normalise(questionnaire, sub, item)
            errors += [((index, key, *p), f"row {index + 1}, {key}: {m}") for p, m in sub_errors]
            if normal is not None:
                clean[key] = normal
        rows.append(clean)
    return (rows if not errors else None), errors


_CHECKERS: dict[str, Checker] = {
    "yes_no": _yes_no,
    "single_choice": _single,
    "multi_choice": _multi,
    "short_text": _text,
    "long_text": _text,
    "number": _number,
    "date": _date,
    "scale": _scale,
    "risk_rating": _risk,
    "group": _group,
}


__all__ = [
    "Assessment",
    "LoadedAnswers",
    "Metadata",
    "check_answers",
    "load_answers",
    "normalise",
    "parse_answers",
]
