"""YAML mappings with the line of every key, so errors can point at the right line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from journalgen.errors import JournalError, excerpt
from journalgen.reading.sources import without_controls

# The C loader is many times faster; fall back where PyYAML was built without libyaml.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Mapping:
    """A YAML mapping read from a file."""

    values: dict[str, Any]
    """The keys and their values, as PyYAML's safe loader built them."""
    lines: dict[str, int]
    """1-based line in the file of each key."""

    def line(self, key: str) -> int | None:
        return self.lines.get(key)


_NO_SPACE = re.compile(r"^([A-Za-z_][\w-]*):(?=[^\s/])(.*)$")
_WHOLE = re.compile(r"^(\s*(?:-\s+)?(?:[\w-]+:\s+)?)([“‘])(.*)([”’])\s*$")
_FLOW = re.compile(r"(?<=[\[,])(\s*)“([^“”\n]*)”(?=\s*[,\]])")
_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


def straight_quotes(text: str) -> str:
    """Curly quotes around a whole value (`title: “Round two”`, `tags: [“home”]`, a list
    item `- “home”`), as phones and word processors type them, read as the quotes they
    stand for. Quotes inside a value (`He said “yes”`) and in `|` blocks stay as written."""
    if "“" not in text and "‘" not in text:
        return text
    lines = text.split("\n")
    block_indent: int | None = None
    for number, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue
            block_indent = None
        if _BLOCK.search(line):
            block_indent = indent
            continue
        lines[number] = _FLOW.sub(lambda m: f'{m.group(1)}"{_escaped(m.group(2))}"', line)
        whole = _WHOLE.match(lines[number])
        if whole is None:
            continue
        head, opening, inner, closing = whole.groups()
        if opening == "“" and closing == "”" and "“" not in inner and "”" not in inner:
            lines[number] = f'{head}"{_escaped(inner)}"'
        elif opening == "‘" and closing == "’" and "‘" not in inner:
            lines[number] = head + "'" + inner.replace("'", "''") + "'"
    return "\n".join(lines)


def _escaped(inner: str) -> str:
    return inner.replace("\\", "\\\\").replace('"', '\\"')


def load_mapping(text: str, path: Path, *, first_line: int = 1) -> Mapping:
    """Parse `text` as a YAML mapping; `first_line` is the file line where `text` starts."""
    text = straight_quotes(text)
    loader = _Loader(text)
    node: yaml.Node | None = None
    try:
        node = loader.get_single_node()
        if node is None:
            return Mapping({}, {})
        _refuse_aliases(node, path, first_line)
        if not isinstance(node, yaml.MappingNode):
            raise JournalError.at(
                path,
                "the settings must be a list of `key: value` lines, not " + _describe_node(node),
                line=node.start_mark.line + first_line,
            )
        lines: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise JournalError.at(
                    path, "a key must be a plain word", line=key_node.start_mark.line + first_line
                )
            lines[str(key_node.value)] = key_node.start_mark.line + first_line
        _refuse_twice(node, path, first_line)
        values = loader.construct_document(node)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problem = err.problem or "invalid YAML"
        context = err.context or ""
        if err.context_mark is not None and context.startswith(
            ("while scanning a quoted", "while parsing a flow")
        ):
            # An unclosed quote or bracket runs on: name the line where it opens.
            mark = err.context_mark
            problem = "a quote or bracket opened on this line is never closed"
        line = mark.line + first_line if mark is not None else None
        raise _explained(text, path, first_line, problem, line) from err
    except yaml.YAMLError as err:
        raise JournalError.at(path, f"invalid YAML: {err}") from err
    except ValueError as err:
        # PyYAML builds `2026-13-45` as a date and fails outside its own error type.
        key, line = _failing_key(node, first_line)
        raise JournalError.at(
            path,
            f"`{key}`: not a valid value ({err})" if key else f"invalid value: {err}",
            line=line,
            hint="Write dates as 2026-11-22 or 2026-11-22 09:30, with a real month and day.",
        ) from err
    finally:
        loader.dispose()
    if not isinstance(values, dict):  # pragma: no cover - a MappingNode always builds a dict
        raise JournalError.at(path, "expected `key: value` lines")
    return Mapping({str(k): _plain(v) for k, v in values.items()}, lines)


def _plain(value: Any) -> Any:
    """Text values without control characters: YAML's escapes (`"\\v"`, `"\\e"`) make them
    after the file's own text was cleaned, and no page or feed can carry them."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _refuse_twice(root: yaml.Node, path: Path, first_line: int) -> None:
    """Refuse a key written twice in one group (`privacy:` at the top and again at the
    bottom): YAML would silently keep the last, so what the family reads first is not
    what is published."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                stack.append(value_node)
                if not isinstance(key_node, yaml.ScalarNode):
                    continue
                line = key_node.start_mark.line + first_line
                first = seen.setdefault(str(key_node.value), line)
                if first != line:
                    raise JournalError.at(
                        path,
                        f"`{key_node.value}` is written twice (lines {first} and {line})",
                        line=line,
                        hint="Keep one of them: YAML would silently use the last one.",
                    )
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _refuse_aliases(root: yaml.Node, path: Path, first_line: int) -> None:
    """Refuse YAML's anchors and aliases (`&name`, `*name`): nobody writing a journal needs
    them, and a few hundred bytes of nested aliases expand to gigabytes. An alias makes the
    same node appear twice in the tree, which is what this looks for (before anything is
    expanded: the walk visits each node of the text once)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise JournalError.at(
                path,
                "YAML anchors and aliases (`&name` and `*name`) are not allowed here",
                line=node.start_mark.line + first_line,
                hint="Write each value out in full.",
            )
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend((key, value))


def _explained(
    text: str, path: Path, first_line: int, problem: str, line: int | None
) -> JournalError:
    """The YAML error in the words of what went wrong, at the line where it starts."""
    lines = text.splitlines()
    for number, row in enumerate(lines):
        found = _NO_SPACE.match(row)
        if found and not row.rstrip().endswith(":"):
            return JournalError.at(
                path,
                f"`{found.group(1)}:` needs a space after the colon",
                line=number + first_line,
                hint=f"Write it as `{found.group(1)}: {found.group(2).strip()}`.",
            )
    row = (
        lines[line - first_line] if line is not None and 0 <= line - first_line < len(lines) else ""
    )
    if "\t" in row:
        return JournalError.at(
            path,
            "this line has a tab character; settings and front matter are indented with spaces",
            line=line,
            hint="Replace the tab with spaces (two are enough).",
        )
    if any(mark in row for mark in "“”‘’"):
        return JournalError.at(
            path,
            f"invalid YAML: {problem}",
            line=line,
            hint="These are curly quotes “ ”, which do not count as quotes here: type "
            'straight quotes " " around the value, e.g. title: "Day 3: home".',
        )
    return JournalError.at(
        path,
        f"invalid YAML: {problem}",
        line=line,
        hint="Check the colons, quotes and indentation on that line; a value that "
        "contains ': ' or starts with a quote needs \"double quotes\" around it.",
    )


def _describe_node(node: yaml.Node) -> str:
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the text {excerpt(str(node.value), 40)}"


def _failing_key(node: yaml.Node | None, first_line: int) -> tuple[str | None, int | None]:
    """The key whose value PyYAML cannot build, and its line (found by building each alone)."""
    if not isinstance(node, yaml.MappingNode):
        return None, None
    for key_node, value_node in node.value:
        try:
            yaml.SafeLoader("").construct_object(value_node, deep=True)
        except ValueError:
            return str(key_node.value), key_node.start_mark.line + first_line
        except yaml.YAMLError:
            continue
    return None, None


def group_lines(text: str, key: str, *, first_line: int = 1) -> dict[str, int]:
    """The 1-based line of each key inside the group written under top-level `key` (e.g.
    `memorial:`), so errors inside a group can point at the right line. Empty when the text
    has no such group; call it only on text `load_mapping` has accepted."""
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if not isinstance(value_node, yaml.MappingNode):
                return {}
            return {
                str(sub.value): sub.start_mark.line + first_line
                for sub, _ in value_node.value
                if isinstance(sub, yaml.ScalarNode)
            }
    return {}
