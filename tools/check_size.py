"""Lint: no module over 400 lines and no function over 50 lines (DESIGN.md, "Small modules").

Usage: python tools/check_size.py [PATH ...]   (default: shop). Migrations are exempt. Exit status 1 on any excess.
"""
from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 50


def excesses(path: Path) -> Iterator[str]:
    """What in one file is longer than allowed, as 'path:line: message' lines."""
    source = path.read_text(encoding="utf-8")
    lines = source.count("\n") + (not source.endswith("\n") and bool(source))
    if lines > MAX_MODULE_LINES:
        yield f"{path}:1: module has {lines} lines (at most {MAX_MODULE_LINES})"
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                yield f"{path}:{node.lineno}: function {node.name} has {length} lines (at most {MAX_FUNCTION_LINES})"


def main(argv: list[str]) -> int:
    """Check every .py file under the given paths; print what is too long."""
    found = [line for root in (argv or ["shop"]) for path in sorted(Path(root).rglob("*.py"))
             if "migrations" not in path.parts for line in excesses(path)]
    print("\n".join(found) or "sizes ok")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
