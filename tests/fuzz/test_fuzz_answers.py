"""Any answers file (YAML or JSON) gives a checked assessment or the project's error naming the place; never a crash.

Whatever is accepted scores without an exception, scores the same twice, is already normalised (checking it
again changes nothing), and reads back unchanged once written the way ``dpia import -o answers.yaml`` writes it.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from engine.answers import check_answers, parse_answers
from engine.errors import AnswersError, UnknownQuestionnaireError
from engine.model import RISK_FIELDS, Questionnaire
from engine.scoring import evaluate
from engine.yamlsafe import read_yaml
from report.commands import answers_yaml
from tests.fuzz.conftest import EXAMPLES, SAMPLE_HOTEL, assert_located, catalog, fuzz_settings, no_hang
from tests.fuzz.strategies import drawn, dump, edit_text, json_values, mutate, yaml_texts

ANSWER_FILES = {
    "sample-hotel.yaml": SAMPLE_HOTEL.read_bytes(),
    "hotel-emotion-cameras.yaml": (EXAMPLES / "hotel-emotion-cameras.yaml").read_bytes(),
    "hotel-emotion-cameras-dpia.yaml": (EXAMPLES / "hotel-emotion-cameras-dpia.yaml").read_bytes(),
}
ANSWER_DATA = {name: read_yaml(raw, name).data for name, raw in ANSWER_FILES.items()}
QUESTIONNAIRE_IDS = ["sample", "screening", "dpia"]

texts = st.text(max_size=60) | st.sampled_from(["", " ", "yes", "no", "oui", "N", "<b>x</b>", "x" * 2000])


def valid_value(question: Any, q: Questionnaire) -> st.SearchStrategy[Any]:
    """Answers of the right shape for ``question`` (mostly valid; edges such as min, max and max_length)."""
    kind = question.kind
    if kind == "yes_no":
        return st.booleans() | st.sampled_from(["yes", "no", "Oui", " non ", "y", "N", "true"])
    if kind == "single_choice":
        return st.sampled_from([o.value for o in question.options])
    if kind == "multi_choice":
        return st.lists(st.sampled_from([o.value for o in question.options]), unique=True)
    if kind in ("short_text", "long_text"):
        return st.text(max_size=50) | st.just("w" * question.max_length) | st.integers() | st.floats()
    if kind == "number":
        low, high = question.min, question.max
        edges = [v for v in (low, high) if v is not None]
        numbers = st.integers(-(10**6), 10**12) if question.integer else st.floats(allow_nan=True)
        return numbers | st.sampled_from(edges or [0])
    if kind == "date":
        return st.dates().map(dt.date.isoformat) | st.sampled_from(["20261201", "2026-02-30", "2026-W01-1"])
    if kind == "scale":
        return st.sampled_from([level.value for level in q.scales_by_id[question.scale].levels])
    if kind == "risk_rating":
        levels = st.integers(0, 5) | st.none()
        return st.dictionaries(st.sampled_from(RISK_FIELDS), levels)
    if kind == "group":
        row = st.fixed_dictionaries({}, optional={f.id: valid_value(f, q) for f in question.fields})
        return st.lists(row, max_size=4)
    raise AssertionError(f"no strategy for question kind {kind}")


def rarely(draw: st.DrawFn, label: str) -> bool:
    """True one time in eight: hostile parts stay rare enough for most documents to reach scoring."""
    return draw(st.integers(0, 7), label=label) == 7  # not 0: Hypothesis tries the simplest choice first


@cache
def answer_strategy(questionnaire_id: str, question_id: str) -> st.SearchStrategy[Any]:
    """The answers of one question: mostly of the right shape, sometimes any value at all (built once)."""
    q = catalog()[questionnaire_id]
    return st.integers(0, 9).flatmap(lambda n: json_values if n == 9 else valid_value(q.questions[question_id], q))


@st.composite
def answer_documents(draw: st.DrawFn) -> dict[str, Any]:
    """An answers document for a known questionnaire (or, rarely, an unknown one): valid and hostile values."""
    qid = draw(texts if rarely(draw, "unknown questionnaire") else st.sampled_from(QUESTIONNAIRE_IDS))
    q = catalog().get(qid) or catalog()["sample"]
    chosen = draw(st.lists(st.sampled_from(sorted(q.questions)), max_size=12, unique=True), label="questions")
    answers = {question_id: draw(answer_strategy(q.id, question_id)) for question_id in chosen}
    if rarely(draw, "unknown ids"):
        answers.update(draw(st.dictionaries(texts, json_values, min_size=1, max_size=2)))
    optional = {"owner": texts, "date": texts, "assessment_id": texts, "description": texts}
    if rarely(draw, "unknown metadata"):
        optional["extra"] = texts
    feature = texts if rarely(draw, "any feature") else st.text(min_size=1, max_size=60)
    metadata = draw(st.fixed_dictionaries({"feature": feature}, optional=optional), label="metadata")
    doc: dict[str, Any] = {"questionnaire": qid, "metadata": metadata, "answers": answers}
    if draw(st.booleans()):
        doc["version"] = draw(st.sampled_from([q.version, "0.0.1"]) | texts)
    return doc


def checked_or_refused(raw: bytes, name: str) -> None:
    """The property: parse, and check everything that follows from the outcome."""
    with no_hang():
        try:
            loaded = parse_answers(raw, name, catalog())
        except AnswersError as e:
            assert_located(e, name)
            return
        except UnknownQuestionnaireError as e:
            assert name in str(e) and "is not loaded" in str(e)
            return
        q, assessment = loaded.questionnaire, loaded.assessment
        again, problems = check_answers(q, assessment.answers)
        assert not problems and again == assessment.answers, "checked answers must be a fixed point"
        for lang in ("en", "fr"):
            first = evaluate(q, assessment.answers, lang)
            assert first.to_json() == evaluate(q, assessment.answers, lang).to_json()
        written = answers_yaml(assessment.to_data()).encode("utf-8")
        back = parse_answers(written, "back.yaml", catalog()).assessment
        assert back == assessment, "dpia import -o writes answers that read back unchanged"


@fuzz_settings(150)
@given(st.data(), st.sampled_from(["block", "flow", "json"]))
def test_any_answers_document_is_checked_or_refused_with_located_problems(data: st.DataObject, style: str) -> None:
    doc = data.draw(answer_documents(), label="document")
    name = "answers.json" if style == "json" else "answers.yaml"
    checked_or_refused(dump(doc, style).encode("utf-8", "surrogatepass"), name)


@fuzz_settings(120)
@given(st.data(), st.sampled_from(sorted(ANSWER_DATA)), st.integers(1, 3), st.sampled_from(["block", "json"]))
def test_a_mutated_answers_file_is_checked_or_refused(data: st.DataObject, file: str, changes: int, style: str) -> None:
    doc = ANSWER_DATA[file]
    for _ in range(changes):
        doc = data.draw(drawn(mutate, doc), label="mutated")
    checked_or_refused(dump(doc, style).encode("utf-8"), f"mutated.{'json' if style == 'json' else 'yaml'}")


@fuzz_settings(120)
@given(st.data(), st.sampled_from(sorted(ANSWER_FILES)), st.integers(1, 3))
def test_an_edited_answers_file_is_checked_or_refused(data: st.DataObject, file: str, edits: int) -> None:
    raw = ANSWER_FILES[file]
    for _ in range(edits):
        raw = data.draw(drawn(edit_text, raw), label="edited")
    checked_or_refused(raw, file)


@fuzz_settings(150)
@given(st.binary(max_size=2000) | yaml_texts().map(str.encode), st.sampled_from(["x.yaml", "x.json"]))
@example(
    b'{"questionnaire": "sample", "answers": {}, "metadata": {"feature": "f"}, "a": ' + b"9" * 5000 + b"}", "x.json"
)
@example(b"[" * 100_000, "x.json")
@example(b'{"a": 1, "a": 2}', "x.json")
@example(b'{"a": "\xff"}', "x.json")
def test_any_bytes_as_an_answers_file_are_refused_with_located_problems(raw: bytes, name: str) -> None:
    checked_or_refused(raw, name)


@fuzz_settings(60)
@given(st.sampled_from(["context.description", "context.feature"]), st.text(max_size=80))
@example("context.description", "a\x85b")  # NEL: PyYAML wrote it plain and read it back as a space
@example("context.description", "line\nthen\x85NEL")
def test_any_text_answer_reads_back_unchanged_from_the_import_command_output(question: str, text: str) -> None:
    doc = {"questionnaire": "sample", "metadata": {"feature": text or "f"}, "answers": {question: text}}
    checked_or_refused(json.dumps(doc).encode(), "text.json")


def test_a_yaml_answers_file_in_flow_style_is_read_as_yaml() -> None:
    # it opens with "{" like JSON: it was read as JSON and refused ("invalid JSON")
    raw = b"{questionnaire: sample, metadata: {feature: Cameras}, answers: {tech.cameras: yes}}\n"
    assert parse_answers(raw, "flow.yaml", catalog()).assessment.answers == {"tech.cameras": True}
