"""The source guide's code examples: Python written as blockquotes, turned into fenced code.

The guide writes its code examples as blockquotes with backslash-escaped punctuation; a
blockquote whose lines parse as Python is shown as a Python code block instead.
"""

from __future__ import annotations

import ast
import re

_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")
_QUOTE_LINE = re.compile(r"^ {0,3}> ?(?P<text>.*)$")
_CODE_NODES = (
    ast.Call, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Import, ast.ImportFrom,
    ast.FunctionDef, ast.ClassDef, ast.For, ast.While, ast.If, ast.With, ast.Return,
    ast.Lambda, ast.Subscript, ast.Attribute, ast.ListComp, ast.Try,
)  # fmt: skip


def _looks_like_python(lines: list[str]) -> str | None:
    """The code of a blockquote whose lines form Python, else None."""
    code_lines: list[str] = []
    for raw in lines:
        line = _ESCAPED_PUNCTUATION.sub(r"\1", raw).rstrip()
        if not line.strip():
            continue
        previous = code_lines[-1] if code_lines else ""
        if previous.endswith(":") and not line.startswith((" ", "\t")):
            # The guide lost the indentation of one-line bodies (`def f():` / `return x`).
            indent = len(previous) - len(previous.lstrip())
            line = " " * (indent + 4) + line
        code_lines.append(line)
    if not code_lines:
        return None
    code = "\n".join(code_lines)
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return None
    if not any(isinstance(node, _CODE_NODES) for node in ast.walk(tree)):
        return None
    return code


def quoted_code_to_fences(source: str) -> str:
    """Replace blockquotes that hold Python code by fenced Python blocks, keeping line count."""
    lines = source.split("\n")
    out: list[str] = []
    index = 0
    in_fence = False
    while index < len(lines):
        line = lines[index]
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if in_fence or not _QUOTE_LINE.match(line):
            out.append(line)
            index += 1
            continue
        end = index
        while end < len(lines) and _QUOTE_LINE.match(lines[end]):
            end += 1
        block = lines[index:end]
        lazy_continuation = end < len(lines) and lines[end].strip() != ""
        code = (
            None
            if lazy_continuation
            else _looks_like_python([m["text"] for m in (_QUOTE_LINE.match(b) for b in block) if m])
        )
        if code is None:
            out.extend(block)
        else:
            fenced = ["```python", *code.split("\n"), "```"]
            out.extend(fenced + [""] * max(0, len(block) - len(fenced)))
        index = end
    return "\n".join(out)
