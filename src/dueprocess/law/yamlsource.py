"""YAML that remembers where each value came from.

Library and policy files are edited by lawyers and admins, so an error must point at the
line to fix, not only at a field path. The parser keeps PyYAML's node marks in a map from
value path (``("instruments", 3, "kind")``) to 1-based line number, and it rejects
duplicate keys (plain PyYAML silently keeps the last one).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

__all__ = ["Problem", "SourceError", "YamlSource", "parse_yaml"]

Path = tuple[int | str, ...]


@dataclass(frozen=True)
class Problem:
    """One defect: where (line, dotted field path) and why."""

    line: int | None
    field: str | None
    reason: str
    #: The ``id`` of the item the field belongs to, when it has one.
    item: str | None = None

    def render(self, source: str | None) -> str:
        where = source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        label = self.field or ""
        if self.item:
            label += f" (id {self.item})"
        return f"{where}: {label + ': ' if label else ''}{self.reason}"


class SourceError(Exception):
    """Problems in one or more files; ``str()`` gives one ``file:line: reason`` per line."""

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None):
        if not problems:
            raise ValueError("SourceError needs at least one problem")
        self.problems = tuple(problems)
        self.source = source
        first = self.problems[0]
        self.line = first.line
        self.field = first.field
        super().__init__("\n".join(p.render(source) for p in self.problems))


class _StrictLoader(yaml.SafeLoader):
    """Safe loader that rejects duplicate mapping keys."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise yaml.constructor.ConstructorError(
                None, None, "unhashable mapping key", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = loader.construct_object(value_node, deep=True)
    return seen


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


@dataclass(frozen=True)
class YamlSource:
    """A parsed file: its data, and the line of every value in it."""

    name: str
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Sequence[int | str]) -> int | None:
        """Line of the value at ``path``, or of its nearest enclosing value.

        A missing key has no line of its own, so the line of the mapping that lacks it is
        the best place to send the reader.
        """
        key = tuple(path)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.lines.get((), None)


def _index(node: yaml.Node, path: Path, out: dict[Path, int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                _index(value_node, (*path, key_node.value), out)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _index(item, (*path, index), out)


def parse_yaml(name: str, content: bytes | str) -> YamlSource:
    """Parse one document; raises :class:`SourceError` naming the line of a syntax error."""
    loader = _StrictLoader(content)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        reason = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        raise SourceError(
            [Problem(line, None, f"invalid YAML: {reason or exc}")], source=name
        ) from exc
    except yaml.YAMLError as exc:
        raise SourceError([Problem(None, None, f"invalid YAML: {exc}")], source=name) from exc
    finally:
        loader.dispose()
    lines: dict[Path, int] = {}
    if node is not None:
        _index(node, (), lines)
    return YamlSource(name=name, data=data, lines=lines)
