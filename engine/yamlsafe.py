"""Bounded YAML reading that remembers where every value came from.

Questionnaires and answers files may come from anyone, so reading them is
guarded before anything traverses the data:

* a size cap, checked on the bytes;
* strict UTF-8, with the line and column of the first bad byte;
* tabs in indentation reported by position (PyYAML's own message is cryptic);
* anchors and aliases refused outright (the "billion laughs" bomb needs them);
* nesting depth and list length capped;
* duplicate keys refused (PyYAML would silently keep the last one);
* only plain YAML 1.2 core scalars: ``yes``/``no``/``on``/``off`` stay strings,
  no timestamps, and any explicit tag such as ``!!python/object`` is refused.

The result is plain Python data plus a map from each path (a tuple of keys and
indexes) to its ``(line, column)``, so later validation errors can point at the
exact spot in the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from engine.errors import Problem

MAX_BYTES = 512 * 1024
MAX_DEPTH = 24
MAX_LIST = 2000

Path = tuple[str | int, ...]

_TAG_PREFIX = "tag:yaml.org,2002:"
_INT = re.compile(r"^[-+]?[0-9]+$")
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class _CoreLoader(_Base):  # type: ignore[misc]
    """SafeLoader without YAML 1.1 implicit typing: we type scalars ourselves."""


_CoreLoader.yaml_implicit_resolvers = {}
_DEFAULT_TAGS = {
    yaml.ScalarNode: f"{_TAG_PREFIX}str",
    yaml.SequenceNode: f"{_TAG_PREFIX}seq",
    yaml.MappingNode: f"{_TAG_PREFIX}map",
}


def _resolve(self: Any, kind: type, value: Any, implicit: Any) -> str:
    """Every untagged node gets its plain tag; scalars are typed by ``_Builder``."""
    return _DEFAULT_TAGS[kind]


_CoreLoader.resolve = _resolve


@dataclass(frozen=True)
class Document:
    """Parsed YAML data with the position of every value."""

    data: Any
    positions: dict[Path, tuple[int, int]]
    file: str

    def locate(self, path: Path) -> tuple[int, int]:
        """Line and column (1-based) of the deepest known prefix of ``path``; (0, 0) if none."""
        for end in range(len(path), -1, -1):
            pos = self.positions.get(path[:end])
            if pos is not None:
                return pos
        return (0, 0)

    def problem(self, path: Path, message: str) -> Problem:
        """A problem located at ``path`` in this document."""
        line, column = self.locate(path)
        return Problem(self.file, line, column, format_path(path), message)


class YamlProblems(Exception):
    """Raised inside this module; the caller wraps the problems in its own error."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def format_path(path: Path) -> str:
    """``('sections', 0, 'questions', 2)`` -> ``sections[0].questions[2]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def read_yaml(raw: bytes, file: str, *, max_bytes: int = MAX_BYTES) -> Document:
    """Parse ``raw`` into a :class:`Document` or raise :class:`YamlProblems`.

    Args:
        raw: The file's bytes.
        file: A name for messages (a path or ``<string>``).
        max_bytes: Size cap; larger input is refused before parsing.
    """
    if len(raw) > max_bytes:
        raise YamlProblems([Problem(file, 0, 0, "", f"file is {len(raw)} bytes; the limit is {max_bytes} bytes")])
    text = _decode(raw, file)
    _check_tabs(text, file)
    try:
        node = _compose_guarded(text, file)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = e.problem or e.context or "invalid YAML"
        if "another document" in reason:
            reason = "only one YAML document per file"
        raise YamlProblems([Problem(file, line, col, "", f"invalid YAML: {reason}")]) from e
    except yaml.YAMLError as e:  # pragma: no cover - PyYAML marks nearly everything
        raise YamlProblems([Problem(file, 0, 0, "", f"invalid YAML: {e}")]) from e
    if node is None:
        return Document(None, {(): (1, 1)}, file)
    builder = _Builder(file)
    data = builder.build(node, (), 0)
    if builder.problems:
        raise YamlProblems(builder.problems)
    return Document(data, builder.positions, file)


def _decode(raw: bytes, file: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        column = e.start - (before.rfind(b"\n") + 1) + 1
        raise YamlProblems(
            [
                Problem(
                    file,
                    line,
                    column,
                    "",
                    f"not valid UTF-8: byte 0x{raw[e.start]:02x} at offset {e.start}; save the file as UTF-8",
                )
            ]
        ) from e


def _check_tabs(text: str, file: str) -> None:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            column = line.index("\t") + 1
            problems.append(Problem(file, number, column, "", "tab character in indentation; indent with spaces"))
    if problems:
        raise YamlProblems(problems)


def _compose_guarded(text: str, file: str) -> yaml.Node | None:
    """Compose the node graph; aliases (shared nodes) are refused while building."""
    loader = _CoreLoader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        return node
    finally:
        loader.dispose()


class _Builder:
    """Turns composed nodes into plain data, refusing what a questionnaire never needs.

    An alias makes PyYAML reuse the anchored node object, so a node met twice is an
    alias: it is refused at once, before anything traverses the shared structure
    (the "billion laughs" document is rejected in microseconds).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.seen: set[int] = set()

    def _problem(self, node: yaml.Node, path: Path, message: str) -> None:
        m = node.start_mark
        self.problems.append(Problem(self.file, m.line + 1, m.column + 1, format_path(path), message))

    def build(self, node: yaml.Node, path: Path, depth: int) -> Any:
        self.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if id(node) in self.seen:
            raise YamlProblems([_alias_problem(self.file, node, path)])
        self.seen.add(id(node))
        if depth > MAX_DEPTH:
            self._problem(node, path, f"nested more than {MAX_DEPTH} levels deep")
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_TAG_PREFIX}seq":
                self._problem(node, path, f"tag {_short(node.tag)} is not allowed")
                return []
            if len(node.value) > MAX_LIST:
                self._problem(node, path, f"list has {len(node.value)} items; the limit is {MAX_LIST}")
                return []
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        return self._scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if node.tag != f"{_TAG_PREFIX}map":
            self._problem(node, path, f"tag {_short(node.tag)} is not allowed")
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._problem(key_node, path, "mapping keys must be plain strings")
                continue
            key = str(key_node.value)
            if key == "<<":
                self._problem(key_node, path, "merge keys (<<) are not allowed")
                continue
            if key in out:
                line = self.positions[(*path, key)][0]
                self._problem(key_node, (*path, key), f"duplicate key {key!r} (first seen on line {line})")
                continue
            out[key] = self.build(value_node, (*path, key), depth + 1)
            # point at the key, where a reader looks for "this entry"
            self.positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return out

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        if node.tag != f"{_TAG_PREFIX}str":
            self._problem(node, path, f"explicit tag {_short(node.tag)} is not allowed")
            return None
        value: str = node.value
        if node.style:
            return value  # quoted or block scalar: always a string
        if value in _NULLS:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if _INT.match(value):
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        return value


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


def _alias_problem(file: str, node: yaml.Node, path: Path) -> Problem:
    mark = node.start_mark
    return Problem(
        file,
        mark.line + 1,
        mark.column + 1,
        format_path(path),
        f"YAML anchors and aliases (& and *) are not allowed: this reuses the value anchored at line {mark.line + 1}; "
        "write the value out",
    )
