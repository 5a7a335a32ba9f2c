"""Loading questionnaires: every problem at once, located; hostile YAML refused."""

from __future__ import annotations

import resource
import textwrap
from pathlib import Path

import pytest

from engine.errors import QuestionnaireError
from engine.loader import load_catalog, load_questionnaire, load_text
from engine.yamlsafe import MAX_BYTES, YamlProblems, read_yaml

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
QUESTIONNAIRES = ROOT / "questionnaires"

BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_questionnaire_gives_exactly_the_expected_messages(path: Path) -> None:
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    with pytest.raises(QuestionnaireError) as caught:
        load_questionnaire(path)
    got = [str(p) for p in caught.value.problems]
    assert got == [line.replace("{file}", str(path)) for line in expected]


def test_every_broken_fixture_has_expected_messages() -> None:
    assert len(BROKEN) >= 15
    for path in BROKEN:
        assert path.with_suffix(".expected").exists(), path


def test_project_questionnaires_load_without_problems() -> None:
    catalog = load_catalog([QUESTIONNAIRES])
    assert not catalog.errors, "\n".join(str(e) for e in catalog.errors.values())


def test_sample_questionnaire_loads_with_every_kind(sample) -> None:  # type: ignore[no-untyped-def]
    kinds = {q.kind for q in sample.questions.values()}
    assert kinds == {
        "short_text",
        "long_text",
        "number",
        "date",
        "yes_no",
        "multi_choice",
        "single_choice",
        "scale",
        "group",
        "risk_rating",
    }


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"id: x\n" + b"# padding\n" * (10 * 1024 * 1024 // 10))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(QuestionnaireError, match=r"big.yaml: file is \d+ bytes; the limit is 524288 bytes"):
        load_questionnaire(big)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mb < 100


def test_billion_laughs_is_refused_at_the_first_anchor() -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    with pytest.raises(YamlProblems, match="anchors and aliases"):
        read_yaml("\n".join(lines).encode(), "bomb.yaml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: yes", {"a": "yes"}),
        ("a: no", {"a": "no"}),
        ("a: on", {"a": "on"}),
        ("a: true", {"a": True}),
        ("a: 012", {"a": 12}),
        ("a: 12", {"a": 12}),
        ("a: 1.5", {"a": 1.5}),
        ("a: ~", {"a": None}),
        ("a: 2026-11-29", {"a": "2026-11-29"}),
        ("a: '3'", {"a": "3"}),
        ("a: !!str 3", {"a": "3"}),  # explicitly text
        ("a: ! 12", {"a": "12"}),  # YAML's non-specific tag: text
        ("a: |\n  12\n", {"a": "12\n"}),
        ("'1': [x, {b: null}]", {"1": ["x", {"b": None}]}),
    ],
)
def test_yaml_scalars_follow_yaml_1_2_core_not_1_1(text: str, expected: dict[str, object]) -> None:
    assert read_yaml(text.encode(), "t.yaml").data == expected


def test_deep_nesting_is_refused() -> None:
    text = "a: " + "[" * 40 + "]" * 40
    with pytest.raises(YamlProblems, match="nested more than"):
        read_yaml(text.encode(), "deep.yaml")


def test_long_lists_are_refused() -> None:
    text = "a: [" + ", ".join(["1"] * 2500) + "]"
    with pytest.raises(YamlProblems, match="list has 2500 items"):
        read_yaml(text.encode(), "long.yaml")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "a: &x 1\nb: *x\n",
            "t.yaml:1:4: b: YAML anchors and aliases (& and *) are not allowed: this reuses the value anchored at line 1; write the value out",
        ),
        (
            "a: [&x 1]\n*x : 2\n",
            "t.yaml:1:5: YAML anchors and aliases (& and *) are not allowed: this reuses the value anchored at line 1; write the value out",
        ),
        ("a: *y\n", "t.yaml:1:4: a: invalid YAML: alias *y names no anchor"),
        ("a: &x 1\nb: &x 2\n", "t.yaml:2:4: invalid YAML: duplicate anchor &x"),
        ("a: 1\n---\nb: 2\n", "t.yaml:2:1: invalid YAML: only one YAML document per file"),
        ("a: !!python/name:os.system x\n", "t.yaml:1:4: a: explicit tag !!python/name:os.system is not allowed"),
        ("[a, b]: 1\n", "t.yaml:1:1: mapping keys must be plain strings"),
        ("a: 1\na: 2\n", "t.yaml:2:1: a: duplicate key 'a' (first seen on line 1)"),
        ("<<: {a: 1}\n", "t.yaml:1:1: merge keys (<<) are not allowed"),
        ("a: [1, 2\n", "t.yaml:2:1: invalid YAML: did not find expected ',' or ']'"),
    ],
)
def test_yaml_refusals_say_what_and_where(text: str, message: str) -> None:
    with pytest.raises(YamlProblems) as caught:
        read_yaml(text.encode(), "t.yaml")
    assert str(caught.value.problems[0]) == message


def test_an_empty_or_comment_only_file_is_no_data() -> None:
    assert read_yaml(b"", "t.yaml").data is None
    assert read_yaml(b"# nothing yet\n", "t.yaml").data is None


def test_size_cap_constant_is_half_a_megabyte() -> None:
    assert MAX_BYTES == 512 * 1024


def test_problems_are_reported_all_at_once_across_the_file() -> None:
    text = textwrap.dedent(
        """
        id: x
        version: "1"
        languages: [en]
        title: X
        sections:
          - id: s
            title: S
            questions:
              - {id: a, kind: yes_no, text: A, requird: true}
              - {id: b, kind: single_choice, text: B, options: [{value: x, label: X}]}
              - {id: c, kind: number, text: C, min: high}
        """
    )
    with pytest.raises(QuestionnaireError) as caught:
        load_text(text, "x.yaml")
    messages = [str(p) for p in caught.value.problems]
    assert len(messages) == 3
    assert any("requird" in m and "did you mean 'required'" in m for m in messages)
    assert any("questions[1].options" in m for m in messages)
    assert any("questions[2].min" in m for m in messages)


def test_includes_merge_sections_and_carry_answers_over(tmp_path: Path) -> None:
    base = textwrap.dedent(
        """
        id: base
        version: "1"
        languages: [en]
        title: Base
        sections:
          - id: s
            title: S
            questions: [{id: q.cameras, kind: yes_no, text: Cameras}]
        """
    )
    full = textwrap.dedent(
        """
        id: full
        version: "1"
        languages: [en]
        title: Full
        includes: [base]
        sections:
          - id: t
            title: T
            questions:
              - id: q.where
                kind: short_text
                text: Where
                show_if: {equals: {question: q.cameras, value: true}}
        """
    )
    (tmp_path / "base.yaml").write_text(base)
    (tmp_path / "full.yaml").write_text(full)
    loaded = load_questionnaire(tmp_path / "full.yaml")
    assert list(loaded.questions) == ["q.cameras", "q.where"]
    catalog = load_catalog([tmp_path])
    assert sorted(catalog.questionnaires) == ["base", "full"]


def test_include_cycle_is_reported(tmp_path: Path) -> None:
    for name, other in (("a", "b"), ("b", "a")):
        (tmp_path / f"{name}.yaml").write_text(
            f'id: {name}\nversion: "1"\nlanguages: [en]\ntitle: T\nincludes: [{other}]\n'
        )
    catalog = load_catalog([tmp_path])
    assert set(catalog.errors) == {str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")}
    assert "include cycle" in str(catalog.errors[str(tmp_path / "a.yaml")])


def test_catalog_keeps_good_files_when_one_is_broken(tmp_path: Path) -> None:
    (tmp_path / "good.yaml").write_text('id: good\nversion: "1"\nlanguages: [en]\ntitle: Good\n')
    (tmp_path / "bad.yaml").write_text("id: bad\n\tversion: 1\n")
    catalog = load_catalog([tmp_path])
    assert list(catalog.questionnaires) == ["good"]
    assert "tab character" in str(catalog.errors[str(tmp_path / "bad.yaml")])
