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
_MAX_DIGITS = 4000

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
    text = decode_utf8(raw, file)
    _check_tabs(text, file)
    builder = _Builder(file)
    loader = _CoreLoader(text)
    try:
        data = builder.document(loader)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        reason = e.problem or e.context or "invalid YAML"
        raise YamlProblems([Problem(file, line, col, "", f"invalid YAML: {reason}")]) from e
    except yaml.reader.ReaderError as e:  # a character YAML forbids (NUL, other controls): no mark, only an offset
        raise YamlProblems([_character_problem(file, text, e)]) from e
    except yaml.YAMLError as e:  # pragma: no cover - PyYAML marks everything else
        raise YamlProblems([Problem(file, 0, 0, "", f"invalid YAML: {e}")]) from e
    finally:
        loader.dispose()
    if builder.problems:
        raise YamlProblems(builder.problems)
    return Document(data, builder.positions, file)


def decode_utf8(raw: bytes, file: str) -> str:
    """``raw`` as text (a UTF-8 BOM dropped), or :class:`YamlProblems` locating the first bad byte."""
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


def _character_problem(file: str, text: str, error: yaml.reader.ReaderError) -> Problem:
    # libyaml gives a byte offset, PyYAML a character offset: the first such character is the one refused
    where = text.find(chr(error.character)) if isinstance(error.character, int) else -1
    before = text[: max(where, 0)]
    line, column = before.count("\n") + 1, where - (before.rfind("\n") + 1) + 1
    return Problem(file, line, max(column, 1), "", f"invalid YAML: character U+{error.character:04X}: {error.reason}")


def _check_tabs(text: str, file: str) -> None:
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            column = line.index("\t") + 1
            problems.append(Problem(file, number, column, "", "tab character in indentation; indent with spaces"))
    if problems:
        raise YamlProblems(problems)


_E = yaml.events
_SCALAR, _ALIAS = _E.ScalarEvent, _E.AliasEvent
_MAP_START, _MAP_END = _E.MappingStartEvent, _E.MappingEndEvent
_SEQ_START, _SEQ_END = _E.SequenceStartEvent, _E.SequenceEndEvent
_PLAIN_TAGS = (None, "!")  # untagged, or YAML's non-specific tag


class _Builder:
    """Builds plain data straight from libyaml's parse events, refusing what a questionnaire
    never needs.

    No node graph is composed, so a shared (aliased) value never exists: an alias event is
    refused where it appears, before anything could expand it (the "billion laughs" document
    is rejected in microseconds).
    """

    def __init__(self, file: str) -> None:
        self.file = file
        self.positions: dict[Path, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.anchors: dict[str, Any] = {}  # anchor name -> mark of the anchored value
        self.next_event: Any = None

    def document(self, loader: Any) -> Any:
        """The single document's data (None for an empty file)."""
        self.next_event = next_event = loader.get_event
        next_event()  # stream start
        event = next_event()
        if type(event) is _E.StreamEndEvent:
            self.positions[()] = (1, 1)
            return None
        data = self.value(next_event(), (), 0)  # after the document start
        next_event()  # document end
        event = next_event()
        if type(event) is not _E.StreamEndEvent:
            m = event.start_mark
            raise YamlProblems(
                [Problem(self.file, m.line + 1, m.column + 1, "", "invalid YAML: only one YAML document per file")]
            )
        return data

    def _problem(self, mark: Any, path: Path, message: str) -> None:
        self.problems.append(Problem(self.file, mark.line + 1, mark.column + 1, format_path(path), message))

    def value(self, event: Any, path: Path, depth: int) -> Any:
        mark = event.start_mark
        self.positions[path] = (mark.line + 1, mark.column + 1)
        kind = type(event)
        if kind is _ALIAS:
            anchored = self.anchors.get(event.anchor)
            if anchored is None:
                raise YamlProblems(
                    [
                        Problem(
                            self.file,
                            mark.line + 1,
                            mark.column + 1,
                            format_path(path),
                            f"invalid YAML: alias *{event.anchor} names no anchor",
                        )
                    ]
                )
            raise YamlProblems([_alias_problem(self.file, anchored, path)])
        if event.anchor is not None:
            self._anchor(event)
        if depth > MAX_DEPTH:
            self._problem(mark, path, f"nested more than {MAX_DEPTH} levels deep")
            self._skip(event)
            return None
        if kind is _MAP_START:
            return self._mapping(event, path, depth)
        if kind is _SEQ_START:
            return self._sequence(event, path, depth)
        return self._scalar(event, path)

    def _anchor(self, event: Any) -> None:
        if event.anchor in self.anchors:
            m = event.start_mark
            raise YamlProblems(
                [Problem(self.file, m.line + 1, m.column + 1, "", f"invalid YAML: duplicate anchor &{event.anchor}")]
            )
        self.anchors[event.anchor] = event.start_mark

    def _skip(self, event: Any) -> int:
        """Consume the rest of a collection whose start was ``event``; the number of its items."""
        if type(event) not in (_MAP_START, _SEQ_START):
            return 0
        level, items, next_event = 1, 0, self.next_event
        while level:
            event = next_event()
            kind = type(event)
            if level == 1 and kind not in (_MAP_END, _SEQ_END):
                items += 1
            if kind is _MAP_START or kind is _SEQ_START:
                level += 1
            elif kind is _MAP_END or kind is _SEQ_END:
                level -= 1
            if kind is not _ALIAS and getattr(event, "anchor", None) is not None:
                self._anchor(event)
        return items

    def _sequence(self, event: Any, path: Path, depth: int) -> list[Any]:
        if event.tag not in _PLAIN_TAGS and event.tag != f"{_TAG_PREFIX}seq":
            self._problem(event.start_mark, path, f"tag {_short(event.tag)} is not allowed")
            self._skip(event)
            return []
        items: list[Any] = []
        next_event = self.next_event
        while True:
            item = next_event()
            if type(item) is _SEQ_END:
                return items
            if len(items) == MAX_LIST:
                self._skip(item)  # the first item over the limit, then the rest
                total = MAX_LIST + 1 + self._skip(event)
                self._problem(event.start_mark, path, f"list has {total} items; the limit is {MAX_LIST}")
                return []
            items.append(self.value(item, (*path, len(items)), depth + 1))

    def _mapping(self, event: Any, path: Path, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if event.tag not in _PLAIN_TAGS and event.tag != f"{_TAG_PREFIX}map":
            self._problem(event.start_mark, path, f"tag {_short(event.tag)} is not allowed")
        next_event, positions = self.next_event, self.positions
        while True:
            key_event = next_event()
            kind = type(key_event)
            if kind is _MAP_END:
                return out
            mark = key_event.start_mark
            if kind is _ALIAS:
                self.value(key_event, path, depth + 1)  # refused
            if kind is not _SCALAR:
                self._problem(mark, path, "mapping keys must be plain strings")
                self._skip(key_event)
                self._skip_value()
                continue
            if key_event.anchor is not None:
                self._anchor(key_event)
            key = key_event.value
            if key == "<<":
                self._problem(mark, path, "merge keys (<<) are not allowed")
                self._skip_value()
                continue
            here = (*path, key)
            if key in out:
                line = positions[here][0]
                self._problem(mark, here, f"duplicate key {key!r} (first seen on line {line})")
                self._skip_value()
                continue
            value_event = next_event()
            if (
                type(value_event) is _SCALAR
                and value_event.anchor is None
                and value_event.tag is None
                and depth < MAX_DEPTH
            ):
                # the common case, inline: an untagged scalar (its position is the key's, below)
                out[key] = value_event.value if value_event.style else self._plain(value_event, here)
            else:
                out[key] = self.value(value_event, here, depth + 1)
            # point at the key, where a reader looks for "this entry"
            positions[here] = (mark.line + 1, mark.column + 1)

    def _skip_value(self) -> None:
        event = self.next_event()
        if type(event) is not _ALIAS and event.anchor is not None:
            self._anchor(event)
        self._skip(event)

    def _scalar(self, event: Any, path: Path) -> Any:
        value: str = event.value
        tag = event.tag
        if tag not in _PLAIN_TAGS:
            if tag == f"{_TAG_PREFIX}str":
                return value  # explicitly text
            self._problem(event.start_mark, path, f"explicit tag {_short(tag)} is not allowed")
            return None
        if event.style or tag == "!":
            return value  # quoted or block scalar, or "! text": always a string
        return self._plain(event, path)

    def _plain(self, event: Any, path: Path) -> Any:
        """A plain scalar typed as YAML 1.2's core schema does (``yes`` stays text)."""
        value: str = event.value
        if value in _NULLS:
            return None
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        if _INT.match(value):
            if len(value) > _MAX_DIGITS:  # int() refuses more than 4300 digits (CVE-2020-10735)
                self._problem(
                    event.start_mark, path, f"a number of {len(value)} digits is too long; quote it to make it text"
                )
                return None
            return int(value)
        if _FLOAT.match(value):
            return float(value)
        return value


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


def _alias_problem(file: str, mark: Any, path: Path) -> Problem:
    return Problem(
        file,
        mark.line + 1,
        mark.column + 1,
        format_path(path),
        f"YAML anchors and aliases (& and *) are not allowed: this reuses the value anchored at line {mark.line + 1}; "
        "write the value out",
    )
