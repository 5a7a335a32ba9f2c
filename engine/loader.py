"""Load questionnaires from YAML: parse, validate, merge includes, cross-check.

Loading fails loudly and completely: every problem in a file, each with file,
line, column and path, in one :class:`~engine.errors.QuestionnaireError`.
Never a partial load, never a silently skipped rule.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from engine import analysis
from engine.conditions import (
    OPERATOR_MODELS,
    All,
    Answered,
    AnyOf,
    AnyRow,
    Art35Point,
    Condition,
    Contains,
    Criterion,
    FindingFired,
    Gt,
    Gte,
    In,
    Lt,
    Lte,
    NationalList,
    Not,
    RiskLevel,
    operator,
)
from engine.errors import Problem, QuestionnaireError
from engine.model import RISK_FIELDS, Group, Questionnaire, RiskRating, Rule, Section
from engine.yamlsafe import Document, YamlProblems, format_path, read_yaml
from engine.yamlsafe import Path as DocPath

QUESTIONNAIRE_SUFFIXES = (".yaml", ".yml")


@dataclass
class Origin:
    """Where a merged element came from: its document and its path there."""

    doc: Document
    path: DocPath

    def problem(self, sub: DocPath, message: str) -> Problem:
        return self.doc.problem((*self.path, *sub), message)


@dataclass
class _Parsed:
    model: Questionnaire
    doc: Document


@dataclass
class Catalog:
    """Every questionnaire found, by id, and the problems of those that failed."""

    questionnaires: dict[str, Questionnaire] = field(default_factory=dict)
    errors: dict[str, QuestionnaireError] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)


# --- public API -------------------------------------------------------------------------


def load_questionnaire(path: str | Path, *, search_dirs: Iterable[Path] = ()) -> Questionnaire:
    """Load one questionnaire file; included questionnaires are looked up beside it.

    Raises:
        QuestionnaireError: with every problem found, located in its file.
    """
    path = Path(path)
    dirs = [path.parent, *search_dirs]
    parsed = _parse_file(path)
    return _resolve(parsed, lambda ref: _find_include(ref, dirs, exclude=path))


def load_text(text: str | bytes, name: str = "<string>") -> Questionnaire:
    """Load a questionnaire from text (no includes can be resolved)."""
    raw = text.encode("utf-8") if isinstance(text, str) else text
    parsed = _parse_bytes(raw, name)
    return _resolve(parsed, lambda ref: None)


def load_catalog(paths: Iterable[str | Path]) -> Catalog:
    """Load every questionnaire under ``paths`` (files or folders), keeping all errors.

    One broken file does not hide the others: it is listed in ``errors``.
    """
    files = sorted({f for p in paths for f in _yaml_files(Path(p))})
    parsed: dict[str, _Parsed] = {}
    catalog = Catalog()
    for file in files:
        try:
            item = _parse_file(file)
        except QuestionnaireError as e:
            catalog.errors[str(file)] = e
            continue
        if item.model.id in parsed:
            other = catalog.files[item.model.id]
            catalog.errors[str(file)] = QuestionnaireError(
                [item.doc.problem(("id",), f"questionnaire id {item.model.id!r} is also used by {other}")]
            )
            continue
        parsed[item.model.id] = item
        catalog.files[item.model.id] = str(file)
    for qid, item in parsed.items():
        try:
            catalog.questionnaires[qid] = _resolve(item, lambda ref: parsed.get(ref))
        except QuestionnaireError as e:
            catalog.errors[catalog.files[qid]] = e
    return catalog


def _yaml_files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from (p for p in sorted(path.iterdir()) if p.suffix in QUESTIONNAIRE_SUFFIXES and p.is_file())
    else:
        yield path


# --- parsing ------------------------------------------------------------------------------


def _parse_file(path: Path) -> _Parsed:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise QuestionnaireError([Problem(str(path), 0, 0, "", f"cannot read file: {e.strerror}")]) from e
    return _parse_bytes(raw, str(path))


def _parse_bytes(raw: bytes, name: str) -> _Parsed:
    try:
        doc = read_yaml(raw, name)
    except YamlProblems as e:
        raise QuestionnaireError(e.problems) from e
    if not isinstance(doc.data, dict):
        raise QuestionnaireError([Problem(name, 1, 1, "", "a questionnaire must be a YAML mapping")])
    try:
        model = Questionnaire.model_validate(doc.data)
    except ValidationError as e:
        raise QuestionnaireError(validation_problems(e, doc)) from e
    return _Parsed(model, doc)


def _all_field_names() -> set[str]:
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
            for sub in _models_in(info.annotation):
                visit(sub)

    visit(Questionnaire)
    return names


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        yield from _models_in(arg)
    for meta in getattr(annotation, "__metadata__", ()) or ():
        yield from _models_in(meta)
    origin = getattr(annotation, "__origin__", None)
    if origin is not None and origin is not annotation:
        yield from _models_in(origin)


_KNOWN_KEYS = _all_field_names() | set(OPERATOR_MODELS)


def validation_problems(error: ValidationError, doc: Document) -> list[Problem]:
    """Turn pydantic errors into located problems, following ``loc`` through the data."""
    problems = []
    for err in error.errors():
        path, rest = _data_path(doc.data, err["loc"])
        message = _message(err, rest)
        shown = format_path((*path, *rest))
        line, column = doc.locate(path)
        problems.append(Problem(doc.file, line, column, shown, message))
    return problems


def _data_path(data: Any, loc: tuple[Any, ...]) -> tuple[DocPath, DocPath]:
    """Walk ``loc`` through ``data``: skip union tags, keep what cannot be followed."""
    path: list[str | int] = []
    node = data
    i = 0
    while i < len(loc):
        part = loc[i]
        if isinstance(node, dict):
            if isinstance(part, str) and part in node:
                if i + 1 < len(loc) and loc[i + 1] == part and len(node) == 1:
                    i += 1  # tag of a one-key condition, then the key itself
                path.append(part)
                node = node[part]
                i += 1
                continue
            if i + 1 < len(loc):
                i += 1  # a union tag such as the question kind: not in the data
                continue
            return tuple(path), (part,)
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
            i += 1
            continue
        if isinstance(part, str) and not isinstance(node, dict | list) and i + 1 < len(loc):
            i += 1
            continue
        break
    return tuple(path), ()


def _message(err: Any, rest: DocPath) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(err["loc"][-1])
        close = difflib.get_close_matches(key, _KNOWN_KEYS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown key {key!r}{hint}"
    if kind == "missing":
        return "required key is missing"
    if kind == "unknown_operator":
        given = err.get("input")
        keys = ", ".join(map(str, given)) if isinstance(given, dict) else repr(given)
        return f"unknown condition ({keys}); {err['msg']}"
    if kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        key = str(ctx.get("discriminator", "kind")).strip("'")
        return f"{key} {ctx.get('tag')!r} is not one of: {ctx.get('expected_tags', '')}"
    if kind == "union_tag_not_found":
        key = str(err.get("ctx", {}).get("discriminator", "kind")).strip("'")
        return f"required key {key!r} is missing"
    return str(err["msg"])


# --- includes -------------------------------------------------------------------------------


def _find_include(ref: str, dirs: list[Path], exclude: Path) -> _Parsed | None:
    for d in dirs:
        for file in _yaml_files(d) if d.is_dir() else ():
            if file.resolve() == exclude.resolve():
                continue
            try:
                item = _parse_file(file)
            except QuestionnaireError:
                if file.stem == ref:
                    raise
                continue
            if item.model.id == ref:
                return item
    return None


def _resolve(item: _Parsed, lookup: Any) -> Questionnaire:
    """Merge included questionnaires (recursively), then cross-check the whole."""
    problems: list[Problem] = []
    chain: list[_Parsed] = []
    _collect_includes(item, lookup, chain, [item.model.id], problems)
    if problems:
        raise QuestionnaireError(problems)
    merged, origins = _merge(chain)
    problems = cross_check(merged, origins)
    if problems:
        raise QuestionnaireError(problems)
    return merged


def _collect_includes(
    item: _Parsed, lookup: Any, chain: list[_Parsed], stack: list[str], problems: list[Problem]
) -> None:
    for index, ref in enumerate(item.model.includes):
        if ref in stack:
            problems.append(item.doc.problem(("includes", index), f"include cycle: {' -> '.join([*stack, ref])}"))
            continue
        if any(c.model.id == ref for c in chain):
            continue
        included = lookup(ref)
        if included is None:
            problems.append(item.doc.problem(("includes", index), f"included questionnaire {ref!r} not found"))
            continue
        _collect_includes(included, lookup, chain, [*stack, ref], problems)
    chain.append(item)


@dataclass
class Origins:
    sections: list[Origin] = field(default_factory=list)
    rules: list[Origin] = field(default_factory=list)
    root: Origin | None = None
    by_doc: list[Document] = field(default_factory=list)


def _merge(chain: list[_Parsed]) -> tuple[Questionnaire, Origins]:
    top = chain[-1]
    origins = Origins(root=Origin(top.doc, ()))
    if len(chain) == 1:
        origins.sections = [Origin(top.doc, ("sections", i)) for i in range(len(top.model.sections))]
        origins.rules = [Origin(top.doc, ("rules", i)) for i in range(len(top.model.rules))]
        origins.by_doc = [top.doc]
        return top.model, origins
    sections: list[Section] = []
    rules: list[Rule] = []
    merged: dict[str, Any] = {"criteria": {}, "art35_3": {}, "national_lists": {}, "scales": {}}
    for part in chain:
        m = part.model
        origins.by_doc.append(part.doc)
        sections += m.sections
        rules += m.rules
        origins.sections += [Origin(part.doc, ("sections", i)) for i in range(len(m.sections))]
        origins.rules += [Origin(part.doc, ("rules", i)) for i in range(len(m.rules))]
        for key in merged:
            for element in getattr(m, key):
                merged[key][element.id] = element
    risk_matrix = next((p.model.risk_matrix for p in reversed(chain) if p.model.risk_matrix), None)
    policy = next((p.model.verdict_policy for p in reversed(chain) if p.model.verdict_policy), None)
    fields = {name: getattr(top.model, name) for name in Questionnaire.model_fields}
    fields.update(
        {
            "sections": sections,
            "rules": rules,
            "criteria": list(merged["criteria"].values()),
            "art35_3": list(merged["art35_3"].values()),
            "national_lists": list(merged["national_lists"].values()),
            "scales": list(merged["scales"].values()),
            "risk_matrix": risk_matrix,
            "verdict_policy": policy,
        }
    )
    # every part was validated when its own file was loaded; a fresh instance keeps no
    # cached index of the including file alone
    return Questionnaire.model_construct(**fields), origins


# --- cross-checks ---------------------------------------------------------------------------


def cross_check(q: Questionnaire, origins: Origins) -> list[Problem]:
    """Every consistency problem of a merged questionnaire (empty when it is sound)."""
    checker = _Checker(q, origins)
    checker.run()
    return checker.problems


class _Checker:
    def __init__(self, q: Questionnaire, origins: Origins) -> None:
        self.q = q
        self.origins = origins
        self.problems: list[Problem] = []
        assert origins.root is not None
        self.root = origins.root

    def add(self, origin: Origin, sub: DocPath, message: str) -> None:
        self.problems.append(origin.problem(sub, message))

    def run(self) -> None:
        self._languages()
        self._unique_ids()
        self._scales()
        question_origins = self._question_origins()
        for qid, (origin, sub) in question_origins.items():
            question = self.q.questions[qid]
            if question.show_if is not None:
                self._condition(question.show_if, origin, (*sub, "show_if"), None)
                self._answers_only(question.show_if, origin, (*sub, "show_if"))
        for section, origin in zip(self.q.sections, self.origins.sections, strict=True):
            if section.show_if is not None:
                self._condition(section.show_if, origin, ("show_if",), None)
                self._answers_only(section.show_if, origin, ("show_if",))
        for rule, origin in zip(self.q.rules, self.origins.rules, strict=True):
            self._rule(rule, origin)
        self._policy()
        if not self.problems:
            self._cycles(question_origins)
        if not self.problems:
            self._unreachable(question_origins)

    # languages ---------------------------------------------------------------------------

    def _languages(self) -> None:
        declared = set(self.q.languages)
        for doc in self.origins.by_doc:
            if not _texts_complete(doc.data, declared):  # a fast pass first; paths only for problems
                self._texts(doc, doc.data, (), declared)

    def _texts(self, doc: Document, node: Any, path: DocPath, declared: set[str]) -> None:
        if isinstance(node, dict):
            if node and _is_text_map(node):
                if not _text_map_problems(node, declared):
                    return
                missing = sorted(declared - set(node))
                extra = sorted(set(node) - declared)
                if missing:
                    self.problems.append(doc.problem(path, f"missing translation: {', '.join(missing)}"))
                if extra:
                    self.problems.append(doc.problem(path, f"language {', '.join(extra)} is not declared in languages"))
                for lang, text in node.items():
                    if not text.strip():
                        self.problems.append(doc.problem((*path, lang), "empty text"))
                return
            for key, value in node.items():
                if isinstance(value, dict | list):
                    self._texts(doc, value, (*path, key), declared)
        elif isinstance(node, list):
            for index, value in enumerate(node):
                if isinstance(value, dict | list):
                    self._texts(doc, value, (*path, index), declared)

    # ids ---------------------------------------------------------------------------------------

    def _unique_ids(self) -> None:
        seen: dict[str, tuple[Origin, DocPath]] = {}
        for section, origin in zip(self.q.sections, self.origins.sections, strict=True):
            for kind, key, items in (("section", "id", [section]),):
                for item in items:
                    self._once(seen, f"section:{item.id}", origin, (key,), f"duplicate {kind} id {item.id!r}")
            for index, question in enumerate(section.questions):
                where = ("questions", index)
                self._once(seen, f"q:{question.id}", origin, (*where, "id"), f"duplicate question id {question.id!r}")
                values = [o.value for o in getattr(question, "options", [])]
                for o_index, value in enumerate(values):
                    if values.index(value) != o_index:
                        self.add(origin, (*where, "options", o_index, "value"), f"duplicate option {value!r}")
                if isinstance(question, Group):
                    ids = [f.id for f in question.fields]
                    for f_index, fid in enumerate(ids):
                        if ids.index(fid) != f_index:
                            self.add(origin, (*where, "fields", f_index, "id"), f"duplicate field id {fid!r}")
                    for f_index, sub in enumerate(question.fields):
                        sub_values = [o.value for o in getattr(sub, "options", [])]
                        for o_index, value in enumerate(sub_values):
                            if sub_values.index(value) != o_index:
                                self.add(
                                    origin,
                                    (*where, "fields", f_index, "options", o_index, "value"),
                                    f"duplicate option {value!r}",
                                )
        for rule, origin in zip(self.q.rules, self.origins.rules, strict=True):
            self._once(seen, f"rule:{rule.id}", origin, ("id",), f"duplicate rule id {rule.id!r}")
        for key in ("criteria", "scales", "art35_3", "national_lists"):
            ids = [element.id for element in getattr(self.q, key)]
            for index, element_id in enumerate(ids):
                if ids.index(element_id) != index:
                    self.add(self.root, (key, index, "id"), f"duplicate id {element_id!r} in {key}")

    def _once(
        self, seen: dict[str, tuple[Origin, DocPath]], key: str, origin: Origin, sub: DocPath, message: str
    ) -> None:
        if key in seen:
            first_origin, first_sub = seen[key]
            first = str(first_origin.problem(first_sub, "")).rsplit(":", 2)[0]
            self.add(origin, sub, f"{message} (first defined at {first})")
        else:
            seen[key] = (origin, sub)

    # scales ----------------------------------------------------------------------------------

    def _scales(self) -> None:
        scales = self.q.scales_by_id
        for index, scale in enumerate(self.q.scales):
            values = [level.value for level in scale.levels]
            if values != sorted(set(values)):
                self.add(self.root, ("scales", index, "levels"), "level values must be unique and increasing")
        matrix = self.q.risk_matrix
        if matrix is not None:
            for key in ("likelihood_scale", "severity_scale"):
                if getattr(matrix, key) not in scales:
                    self.add(
                        self.root, ("risk_matrix", key), f"unknown scale {getattr(matrix, key)!r}{self._known(scales)}"
                    )
            if matrix.severity_scale in scales and matrix.likelihood_scale in scales:
                rows = len(scales[matrix.severity_scale].levels)
                cols = len(scales[matrix.likelihood_scale].levels)
                if len(matrix.cells) != rows or any(len(r) != cols for r in matrix.cells):
                    self.add(
                        self.root,
                        ("risk_matrix", "cells"),
                        f"cells must be {rows} rows (severity levels) of {cols} (likelihood levels)",
                    )

    def _known(self, names: Iterable[str]) -> str:
        listed = sorted(names)
        return f"; known: {', '.join(listed)}" if listed else "; none is defined"

    # questions ---------------------------------------------------------------------------------

    def _question_origins(self) -> dict[str, tuple[Origin, DocPath]]:
        out: dict[str, tuple[Origin, DocPath]] = {}
        for section, origin in zip(self.q.sections, self.origins.sections, strict=True):
            for index, question in enumerate(section.questions):
                out.setdefault(question.id, (origin, ("questions", index)))
                sub = ("questions", index)
                if question.kind == "scale" and question.scale not in self.q.scales_by_id:
                    self.add(
                        origin, (*sub, "scale"), f"unknown scale {question.scale!r}{self._known(self.q.scales_by_id)}"
                    )
                if isinstance(question, RiskRating):
                    for key in ("likelihood_scale", "severity_scale"):
                        if getattr(question, key) not in self.q.scales_by_id:
                            self.add(
                                origin,
                                (*sub, key),
                                f"unknown scale {getattr(question, key)!r}{self._known(self.q.scales_by_id)}",
                            )
                    if self.q.risk_matrix is None:
                        self.add(
                            origin, (*sub, "kind"), "a risk_rating question needs a risk_matrix in the questionnaire"
                        )
                if isinstance(question, Group):
                    for f_index, sub_q in enumerate(question.fields):
                        if sub_q.kind == "scale" and sub_q.scale not in self.q.scales_by_id:
                            self.add(origin, (*sub, "fields", f_index, "scale"), f"unknown scale {sub_q.scale!r}")
                        if sub_q.show_if is not None:
                            self._condition(sub_q.show_if, origin, (*sub, "fields", f_index, "show_if"), question)
                if (
                    question.kind == "number"
                    and question.min is not None
                    and question.max is not None
                    and question.min > question.max
                ):
                    self.add(origin, (*sub, "min"), "min is greater than max")
        return out

    # rules and policy ---------------------------------------------------------------------------

    def _rule(self, rule: Rule, origin: Origin) -> None:
        for index, criterion in enumerate(rule.criteria):
            if criterion not in self.q.criteria_by_id:
                self.add(
                    origin, ("criteria", index), f"unknown criterion {criterion!r}{self._known(self.q.criteria_by_id)}"
                )
        points = {p.id for p in self.q.art35_3}
        for index, point in enumerate(rule.art35_3):
            if points and point not in points:
                self.add(origin, ("art35_3", index), f"Art. 35(3) point {point!r} is not defined in art35_3")
        lists = {n.id for n in self.q.national_lists}
        for index, item in enumerate(rule.national_lists):
            if item.list not in lists:
                self.add(
                    origin,
                    ("national_lists", index, "list"),
                    f"unknown national list {item.list!r}{self._known(lists)}",
                )
        self._condition(rule.when, origin, ("when",), None)

    def _policy(self) -> None:
        policy = self.q.verdict_policy
        if policy is None:
            if self.q.rules:
                self.add(
                    self.root, (), "a questionnaire with rules needs a verdict_policy (or an include that has one)"
                )
            return
        origin = self._policy_origin()
        for index, entry in enumerate(policy.dpia):
            self._condition(entry.when, origin, ("verdict_policy", "dpia", index, "when"), None)

    def _policy_origin(self) -> Origin:
        for doc in reversed(self.origins.by_doc):
            if isinstance(doc.data, dict) and "verdict_policy" in doc.data:
                return Origin(doc, ())
        return self.root

    # conditions -----------------------------------------------------------------------------------

    def _condition(self, cond: Condition, origin: Origin, path: DocPath, group: Group | None) -> None:
        for leaf, sub in _leaves(cond, path):
            self._leaf(leaf, origin, sub, group)

    def _leaf(self, leaf: Condition, origin: Origin, path: DocPath, group: Group | None) -> None:
        op = operator(leaf)
        if isinstance(leaf, AnyRow):
            target = self.q.questions.get(leaf.any_row.question)
            if target is None:
                self._unknown_question(leaf.any_row.question, origin, (*path, op, "question"))
            elif not isinstance(target, Group):
                self.add(
                    origin, (*path, op, "question"), f"any_row needs a group question; {target.id!r} is {target.kind}"
                )
            else:
                self._condition(leaf.any_row.where, origin, (*path, op, "where"), target)
            return
        if isinstance(leaf, Criterion):
            if leaf.criterion not in self.q.criteria_by_id:
                self.add(
                    origin, (*path, op), f"unknown criterion {leaf.criterion!r}{self._known(self.q.criteria_by_id)}"
                )
            return
        if isinstance(leaf, FindingFired):
            if leaf.finding not in self.q.rules_by_id:
                close = difflib.get_close_matches(leaf.finding, self.q.rules_by_id, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                self.add(origin, (*path, op), f"unknown rule {leaf.finding!r}{hint}")
            return
        if isinstance(leaf, NationalList):
            lists = {n.id for n in self.q.national_lists}
            if leaf.national_list != "any" and leaf.national_list not in lists:
                self.add(origin, (*path, op), f"unknown national list {leaf.national_list!r}{self._known(lists)}")
            return
        if isinstance(leaf, RiskLevel):
            name = leaf.risk_level.question
            if name is not None:
                target = self.q.questions.get(name)
                if target is None:
                    self._unknown_question(name, origin, (*path, op, "question"))
                elif not isinstance(target, RiskRating):
                    self.add(
                        origin,
                        (*path, op, "question"),
                        f"risk_level needs a risk_rating question; {name!r} is {target.kind}",
                    )
            return
        if isinstance(leaf, Art35Point):
            return
        arg_question = (
            leaf.answered if isinstance(leaf, Answered) else getattr(getattr(leaf, _field(leaf)), "question", None)
        )
        if arg_question is None:
            return
        scope = {f.id: f for f in group.fields} if group is not None else self.q.questions
        question = scope.get(arg_question)
        where = (*path, op) if isinstance(leaf, Answered) else (*path, op, "question")
        if question is None:
            self._unknown_question(arg_question, origin, where, scope)
            return
        if isinstance(leaf, Answered):
            return
        self._typed(leaf, question, origin, (*path, op))

    def _answers_only(self, cond: Condition, origin: Origin, path: DocPath) -> None:
        """Visibility is decided before any rule runs, so show_if may read answers only."""
        for leaf, sub in _leaves(cond, path):
            if analysis.reads_derived(leaf):
                self.add(
                    origin,
                    (*sub, operator(leaf)),
                    f"show_if can read answers only, not {operator(leaf)} (rules run after visibility); "
                    "test the answers that rule reads instead",
                )

    def _unknown_question(self, name: str, origin: Origin, where: DocPath, scope: dict[str, Any] | None = None) -> None:
        scope = self.q.questions if scope is None else scope
        close = difflib.get_close_matches(name, scope, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        self.add(origin, where, f"unknown question {name!r}{hint}")

    def _typed(self, leaf: Condition, question: Any, origin: Origin, path: DocPath) -> None:
        arg = getattr(leaf, _field(leaf))
        kind = question.kind
        field_name = getattr(arg, "field", None)
        if field_name is not None:
            if kind != "risk_rating":
                self.add(
                    origin, (*path, "field"), f"field is only for risk_rating questions; {question.id!r} is {kind}"
                )
                return
            if field_name not in RISK_FIELDS:
                self.add(origin, (*path, "field"), f"unknown field {field_name!r}; one of: {', '.join(RISK_FIELDS)}")
                return
            kind = "number"
        elif kind == "risk_rating":
            self.add(
                origin, path, f"name a field ({', '.join(RISK_FIELDS)}) to compare the risk rating {question.id!r}"
            )
            return
        values = list(arg.values) if isinstance(leaf, In) else [arg.value]
        options = [o.value for o in getattr(question, "options", [])]
        if isinstance(leaf, Contains):
            if kind != "multi_choice":
                self.add(origin, path, f"contains needs a multi_choice question; {question.id!r} is {kind}")
                return
        elif isinstance(leaf, Gt | Gte | Lt | Lte):
            if kind not in ("number", "scale"):
                self.add(origin, path, f"{operator(leaf)} needs a number or scale question; {question.id!r} is {kind}")
            return
        elif kind in ("multi_choice", "group"):
            self.add(
                origin,
                path,
                f"{operator(leaf)} cannot test a {kind} question ({question.id!r}); use contains or any_row",
            )
            return
        key = "values" if isinstance(leaf, In) else "value"
        for index, value in enumerate(values):
            sub = (*path, key, index) if isinstance(leaf, In) else (*path, key)
            problem = _value_problem(kind, value, options, question)
            if problem:
                self.add(origin, sub, problem)

    # graph checks ----------------------------------------------------------------------------

    def _cycles(self, question_origins: dict[str, tuple[Origin, DocPath]]) -> None:
        _, cycles = analysis.topological(self.q.questions, analysis.visibility_deps(self.q))
        for cycle in cycles:
            origin, sub = question_origins[cycle[0]]
            self.add(origin, (*sub, "show_if"), f"show_if cycle: {' -> '.join(cycle)}")
        _, rule_cycles = analysis.topological(self.q.rules_by_id, analysis.rule_deps(self.q))
        rule_index = {r.id: i for i, r in enumerate(self.q.rules)}
        for cycle in rule_cycles:
            origin = self.origins.rules[rule_index[cycle[0]]]
            self.add(origin, ("when",), f"rules depend on each other in a cycle: {' -> '.join(cycle)}")

    def _unreachable(self, question_origins: dict[str, tuple[Origin, DocPath]]) -> None:
        for qid in self.q.questions:
            conditions = analysis.show_if_of(self.q, qid)
            if not conditions:
                continue
            if analysis.satisfiable(self.q, conditions) is False:
                origin, sub = question_origins[qid]
                self.add(
                    origin, (*sub, "show_if"), f"question {qid!r} can never be shown: no answers make its show_if true"
                )


def _texts_complete(data: Any, declared: set[str]) -> bool:
    """Whether every per-language text in ``data`` has exactly the declared languages, none empty."""
    stack = [data]
    while stack:
        node = stack.pop()
        if type(node) is dict:
            if node and _is_text_map(node):
                if _text_map_problems(node, declared):
                    return False
                continue
            stack.extend(v for v in node.values() if type(v) is dict or type(v) is list)
        elif type(node) is list:
            stack.extend(v for v in node if type(v) is dict or type(v) is list)
    return True


def _is_text_map(node: dict[Any, Any]) -> bool:
    """A per-language text: two-letter lowercase keys, text values (``{en: ..., fr: ...}``)."""
    for key, value in node.items():
        if not (type(key) is str and len(key) == 2 and key.islower() and type(value) is str):
            return False
    return True


def _text_map_problems(node: dict[str, str], declared: set[str]) -> bool:
    return node.keys() != declared or not all(text.strip() for text in node.values())


def _field(leaf: Condition) -> str:
    return next(iter(type(leaf).model_fields))


def _leaves(cond: Condition, path: DocPath) -> Iterator[tuple[Condition, DocPath]]:
    """Leaves of a condition with their path in the document (any_row is a leaf here)."""
    if isinstance(cond, All):
        for i, c in enumerate(cond.all):
            yield from _leaves(c, (*path, "all", i))
    elif isinstance(cond, AnyOf):
        for i, c in enumerate(cond.any):
            yield from _leaves(c, (*path, "any", i))
    elif isinstance(cond, Not):
        yield from _leaves(cond.not_, (*path, "not"))
    else:
        yield cond, path


def _value_problem(kind: str, value: Any, options: list[str], question: Any) -> str | None:
    qid = question.id
    if kind == "yes_no":
        if not isinstance(value, bool):
            return f"{qid!r} is a yes_no question: compare it with true or false, not {value!r}"
    elif kind in ("single_choice", "multi_choice"):
        if not isinstance(value, str) or value not in options:
            return f"{value!r} is not an option of {qid!r}; options: {', '.join(options)}"
    elif kind in ("number", "scale"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"{qid!r} is a {kind} question: compare it with a number, not {value!r}"
    elif kind in ("short_text", "long_text", "date") and not isinstance(value, str):
        return f"{qid!r} is a {kind} question: compare it with a string, not {value!r}"
    return None


__all__ = [
    "Catalog",
    "load_catalog",
    "load_questionnaire",
    "load_text",
    "validation_problems",
]
