"""Any questionnaire file either loads or fails with the project's error, every problem located; never a crash.

A file that loads is also scored (with no answers) without an exception: a questionnaire the loader accepts is
one the engine can run.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import example, given
from hypothesis import strategies as st

from engine.errors import QuestionnaireError
from engine.loader import load_questionnaire, load_text
from engine.model import Questionnaire
from engine.scoring import evaluate
from engine.yamlsafe import MAX_BYTES, MAX_DEPTH, MAX_LIST, read_yaml
from tests.fuzz.conftest import QUESTIONNAIRES, SAMPLE, assert_located, fuzz_settings, no_hang
from tests.fuzz.strategies import (
    deep_nesting,
    drawn,
    dump,
    edit_text,
    huge_list,
    json_values,
    mutate,
    yaml_texts,
)

NAME = "fuzz.yaml"
SAMPLE_BYTES = SAMPLE.read_bytes()
SAMPLE_DATA: dict[str, Any] = read_yaml(SAMPLE_BYTES, str(SAMPLE)).data
TOP_KEYS = [*SAMPLE_DATA, "includes", "unknown"]


def loads_or_fails_cleanly(raw: bytes | str, name: str = NAME) -> Questionnaire | None:
    """Load ``raw``; a refusal must be a located QuestionnaireError. A loaded questionnaire must score."""
    with no_hang():
        try:
            q = load_text(raw, name)
        except QuestionnaireError as e:
            assert_located(e, name)
            return None
        assert isinstance(q, Questionnaire)
        assert evaluate(q, {}, "en") == evaluate(q, {}, "en")
    return q


@fuzz_settings(150)
@given(st.binary(max_size=3000))
@example(b"\xef\xbb\xbf")
@example(b"id: a\x00b")  # a NUL: PyYAML's reader error has no mark, only a character offset
@example(b"\xff\xfeid: x")
def test_any_bytes_load_or_fail_with_located_problems(raw: bytes) -> None:
    loads_or_fails_cleanly(raw)


@fuzz_settings(250)
@given(yaml_texts())
@example("id: " + "9" * 5000)  # more digits than int() converts: was a bare ValueError
@example("a: &x [1]\nb: *x")
@example("? [a]\n: b")
@example("a: 1\n---\nb: 2")
def test_any_yaml_text_loads_or_fails_with_located_problems(text: str) -> None:
    loads_or_fails_cleanly(text)


@fuzz_settings(100)
@given(st.dictionaries(st.sampled_from(TOP_KEYS), json_values, max_size=8), st.sampled_from(["block", "flow", "json"]))
def test_any_structure_under_the_questionnaire_keys_loads_or_fails_cleanly(data: dict[str, Any], style: str) -> None:
    loads_or_fails_cleanly(dump(data, style))


@fuzz_settings(150)
@given(st.data(), st.integers(1, 4), st.sampled_from(["block", "flow", "json"]))
def test_a_mutated_sample_loads_or_fails_with_located_problems(data: st.DataObject, changes: int, style: str) -> None:
    doc = SAMPLE_DATA
    for _ in range(changes):
        doc = data.draw(drawn(mutate, doc), label="mutated")
    loads_or_fails_cleanly(dump(doc, style))


@fuzz_settings(150)
@given(st.data(), st.integers(1, 3))
def test_an_edited_sample_file_loads_or_fails_with_located_problems(data: st.DataObject, edits: int) -> None:
    raw = SAMPLE_BYTES
    for _ in range(edits):
        raw = data.draw(drawn(edit_text, raw), label="edited")
    loads_or_fails_cleanly(raw)


@fuzz_settings(20)
@given(st.integers(0, 4 * MAX_DEPTH) | st.integers(4 * MAX_DEPTH, 20_000), st.booleans())
@example(MAX_DEPTH, True)
@example(MAX_DEPTH + 1, False)
@example(100_000, True)  # past libyaml's own nesting limit
def test_deep_nesting_is_refused_with_a_located_problem(depth: int, flow: bool) -> None:
    loads_or_fails_cleanly(deep_nesting(depth, flow))


@fuzz_settings(10)
@given(st.integers(MAX_LIST - 2, MAX_LIST + 2) | st.integers(0, 60_000))
def test_huge_lists_are_refused_with_a_located_problem(items: int) -> None:
    loads_or_fails_cleanly(huge_list(items))


@fuzz_settings(5)
@given(st.integers(MAX_BYTES - 8, MAX_BYTES + 8))
def test_files_around_the_size_cap_are_read_or_refused_whole(size: int) -> None:
    comment = b"# " + b"x" * max(0, size - len(SAMPLE_BYTES) - 3) + b"\n"
    raw = (comment + SAMPLE_BYTES)[:size] if size < len(SAMPLE_BYTES) else comment + SAMPLE_BYTES
    assert len(raw) == max(size, len(SAMPLE_BYTES))
    q = loads_or_fails_cleanly(raw)
    assert (q is not None) == (len(raw) <= MAX_BYTES)


REAL_DPIA = (QUESTIONNAIRES / "dpia.yaml").read_bytes()
REAL_SCREENING = (QUESTIONNAIRES / "screening.yaml").read_bytes()


@fuzz_settings(8)
@given(st.data(), st.sampled_from(["dpia.yaml", "screening.yaml"]))
def test_an_edited_real_questionnaire_with_its_include_loads_or_fails_cleanly(data: st.DataObject, edited: str) -> None:
    files = {"dpia.yaml": REAL_DPIA, "screening.yaml": REAL_SCREENING}
    files[edited] = data.draw(drawn(edit_text, files[edited]), label="edited")
    with tempfile.TemporaryDirectory() as folder, no_hang():
        for file, raw in files.items():
            (Path(folder) / file).write_bytes(raw)
        target = Path(folder) / "dpia.yaml"
        try:
            load_questionnaire(target)
        except QuestionnaireError as e:
            assert e.problems and all(p.file.endswith(".yaml") for p in e.problems), e
            assert all(p.line >= 1 for p in e.problems), e
