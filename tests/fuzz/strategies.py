"""Hypothesis strategies for hostile documents: random YAML, random data, and mutations of valid files."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any, TypeVar

import yaml
from hypothesis import strategies as st

T = TypeVar("T")


def drawn(function: Callable[[Any, st.DrawFn], T], value: Any) -> st.SearchStrategy[T]:
    """A strategy whose examples are ``function(value, draw)``: one random change to ``value``."""
    return st.composite(lambda draw: function(value, draw))()


# Pieces of YAML syntax, so random text often parses into something and reaches the validation behind the parser.
YAML_TOKENS = [
    "\n", "  ", "    ", "\t", "- ", ": ", "? ", ",", "{", "}", "[", "]", "#", "'", '"', "|", ">", "|-", ">+",
    "&a ", "*a", "&b [*a, *a]", "<<: *a", "!!python/object/apply:os.system ['true']", "!!str ", "!!binary ",
    "!custom ", "%YAML 1.1\n", "%TAG ! tag:x,2002:\n", "---\n", "...\n", "~", "null", "yes", "no", "on", "True",
    "0x1F", "0o17", "012", "1e3", ".inf", "-.nan", "2026-12-01", "2001-12-14t21:59:43.10-05:00", "9" * 4400,
    "\\u", "\\x00", "\x00", "\x85", "\u2028", "\ufeff", "\ud7ff", "\U0001f512", "é",
    "id", "version", "languages", "title", "sections", "questions", "rules", "kind", "when", "all", "any", "not",
    "equals", "in", "contains", "answered", "gt", "criteria_count", "any_row", "show_if", "en", "fr",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["", "yes", "no", "~", "1e3", "x" * 3000, "<b>", "sample", "en", "fr"]),
)

# Any JSON-like value: what a hostile file can hold once parsed.
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)


@st.composite
def yaml_texts(draw: st.DrawFn) -> str:
    """Text made of YAML syntax, keywords of the questionnaire language and random characters."""
    pieces = draw(st.lists(st.sampled_from(YAML_TOKENS) | st.text(max_size=8), max_size=60))
    return "".join(pieces)


def deep_nesting(depth: int, flow: bool) -> str:
    """A document nested ``depth`` levels deep (in flow or block style)."""
    if flow:
        return "a: " + "[" * depth + "]" * depth
    return "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "leaf"


def huge_list(items: int) -> str:
    return "big:\n" + "- x\n" * items


def paths_of(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value in ``data`` (the root included), depth first."""
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += paths_of(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += paths_of(value, (*path, index))
    return out


def strings_of(data: Any) -> list[str]:
    """Every string in ``data`` (keys and values): swapping them in makes plausible wrong references."""
    if isinstance(data, dict):
        return [s for key, value in data.items() for s in [str(key), *strings_of(value)]]
    if isinstance(data, list):
        return [s for value in data for s in strings_of(value)]
    return [data] if isinstance(data, str) else []


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


MUTATIONS = ["delete", "duplicate", "rename", "replace", "swap_string", "wrap_in_list", "nest", "add_key", "empty"]


def mutate(data: Any, draw: st.DrawFn) -> Any:
    """One structural change at a random place: drop, duplicate, rename, retype, or re-point a reference."""
    data = copy.deepcopy(data)
    paths = paths_of(data)
    path = draw(st.sampled_from(paths), label="path")
    kind = draw(st.sampled_from(MUTATIONS), label="mutation")
    if not path:
        return draw(json_values) if kind == "replace" else data
    parent, last = _get(data, path[:-1]), path[-1]
    value = parent[last]
    if kind == "delete":
        del parent[last]
    elif kind == "duplicate" and isinstance(parent, list):
        parent.insert(last, copy.deepcopy(value))
    elif kind == "rename" and isinstance(parent, dict):
        new = draw(st.sampled_from([*strings_of(data)[:200], "", "kind", "op", "id"]) | st.text(max_size=10))
        parent.pop(last)
        parent[new] = value
    elif kind == "swap_string":
        parent[last] = draw(st.sampled_from(strings_of(data)[:500] or [""]))
    elif kind == "wrap_in_list":
        parent[last] = [value]
    elif kind == "nest":
        parent[last] = {str(draw(st.sampled_from(["all", "any", "not", "x"]))): value}
    elif kind == "add_key" and isinstance(value, dict):
        value[draw(st.sampled_from(["show_if", "when", "extra", "kind", "id"]) | st.text(max_size=6))] = draw(
            json_values
        )
    elif kind == "empty":
        parent[last] = type(value)() if isinstance(value, dict | list | str) else None
    else:
        parent[last] = draw(json_values)
    return data


_Dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: six times faster


def dump(data: Any, style: str) -> str:
    """``data`` as YAML (block or flow) or as JSON (which is YAML too)."""
    if style == "json":
        return json.dumps(data, ensure_ascii=False, default=str)
    return yaml.dump(
        data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=style == "flow", width=100
    )


TEXT_EDITS = ["delete_line", "duplicate_line", "tab", "anchor", "insert", "truncate", "flip_byte", "indent"]


def edit_text(raw: bytes, draw: st.DrawFn) -> bytes:
    """One change to the bytes of a file: lines dropped or repeated, tabs, anchors, bad bytes, a cut."""
    lines = raw.split(b"\n")
    kind = draw(st.sampled_from(TEXT_EDITS), label="edit")
    at = draw(st.integers(0, max(0, len(lines) - 1)), label="line")
    if kind == "delete_line":
        del lines[at]
    elif kind == "duplicate_line":
        lines.insert(at, lines[at])
    elif kind == "tab":
        lines[at] = b"\t" + lines[at]
    elif kind == "indent":
        lines[at] = b" " * draw(st.integers(1, 5)) + lines[at]
    elif kind == "anchor":
        key, sep, rest = lines[at].partition(b": ")
        lines[at] = key + sep + (b"&x " + rest if sep else b"*x")
    elif kind == "insert":
        piece = draw(st.sampled_from(YAML_TOKENS) | st.text(max_size=20)).encode("utf-8", "surrogatepass")
        column = draw(st.integers(0, len(lines[at])))
        lines[at] = lines[at][:column] + piece + lines[at][column:]
    else:
        joined = b"\n".join(lines)
        if not joined:
            return joined
        offset = draw(st.integers(0, len(joined) - 1), label="offset")
        if kind == "truncate":
            return joined[:offset]
        flipped = joined[offset] ^ draw(st.integers(1, 255), label="xor")
        return joined[:offset] + bytes([flipped]) + joined[offset + 1 :]
    return b"\n".join(lines)
