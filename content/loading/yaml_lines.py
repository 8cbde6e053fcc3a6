"""YAML read into dicts and lists that remember their line numbers, so errors can name the line."""

from __future__ import annotations

from typing import Any

import yaml


class LineMapping(dict[Any, Any]):
    """A YAML mapping with the line of its start, of each key, and of each repeated key."""

    line: int = 1
    key_lines: dict[Any, int]
    duplicates: list[tuple[Any, int]]


class LineSequence(list[Any]):
    """A YAML list with the line of its start and of each item."""

    line: int = 1
    item_lines: list[int]


def empty_sequence() -> LineSequence:
    sequence = LineSequence()
    sequence.item_lines = []
    return sequence


# libyaml's parser when PyYAML was built with it (about ten times faster), else pure Python.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader whose mappings and lists remember their line numbers."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineMapping:
    loader.flatten_mapping(node)
    mapping = LineMapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines, mapping.duplicates = {}, []
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        try:
            if key in mapping:
                mapping.duplicates.append((key, line))
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            ) from None
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineSequence:
    sequence = LineSequence(loader.construct_object(child, deep=True) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def yaml_load(text: str, *, first_line: int = 1) -> tuple[Any, tuple[int, str] | None]:
    """Parse YAML; on error return (None, (line, message)) with the line in the file."""
    try:
        return yaml.load(text, Loader=_LineLoader), None  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line if mark else 0) + first_line
        problem = " ".join(part for part in (error.context, error.problem) if part)
        return None, (line, f"malformed YAML: {problem or error}")
    except yaml.YAMLError as error:
        return None, (first_line, f"malformed YAML: {error}")


def line_of(node: object, key: object = None) -> int:
    """The line of `key` in a mapping, else of the node itself (1 when unknown)."""
    if key is not None and isinstance(node, LineMapping):
        return node.key_lines.get(key, node.line)
    line = getattr(node, "line", 1)
    return line if isinstance(line, int) else 1
