"""Every error code the source raises is a member of capool.errors.ErrorCode (the GraphQL
ErrorCode enum and the REST problem codes): the source is scanned for the domain errors'
constructors and for `super().__init__` in their subclasses, and every code must be a
string literal listed in the enum."""

from __future__ import annotations

import ast
from pathlib import Path

from capool.errors import ErrorCode

ROOT = Path(__file__).resolve().parents[1]
SOURCE_DIRS = ("api", "capool", "marketplace", "matching", "settlement", "quality", "forecasting", "inspection", "integrations")
# Where each constructor takes its code when it is given positionally (0-based).
CODE_ARG = {"DomainError": 1, "Conflict": 1, "InvalidInput": 2}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _code_of(call: ast.Call, position: int) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "code":
            return keyword.value
    return call.args[position] if len(call.args) > position else None


def _raised_codes() -> tuple[dict[str, list[str]], list[str]]:
    literal: dict[str, list[str]] = {}
    dynamic: list[str] = []

    def record(node: ast.expr | None, where: str) -> None:
        if node is None:
            return
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            literal.setdefault(node.value, []).append(where)
        elif not (isinstance(node, ast.Name) and node.id == "code"):  # a subclass passing its own parameter on
            dynamic.append(where)

    for folder in SOURCE_DIRS:
        for path in sorted((ROOT / folder).rglob("*.py")) if (ROOT / folder).is_dir() else ():
            tree = ast.parse(path.read_text(), str(path))
            for node in ast.walk(tree):
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                if isinstance(node, ast.Call) and _name(node.func) in CODE_ARG:
                    record(_code_of(node, CODE_ARG[_name(node.func)]), where)  # type: ignore[index]
                if isinstance(node, ast.ClassDef):
                    bases = [_name(b) for b in node.bases]
                    base = next((b for b in bases if b in CODE_ARG), None)
                    if base is None:
                        continue
                    for inner in ast.walk(node):
                        if (isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute) and inner.func.attr == "__init__"
                                and isinstance(inner.func.value, ast.Call) and _name(inner.func.value.func) == "super"):
                            record(_code_of(inner, CODE_ARG[base]), f"{path.relative_to(ROOT)}:{inner.lineno}")
    return literal, dynamic


def test_every_raised_code_is_an_error_code() -> None:
    literal, dynamic = _raised_codes()
    assert dynamic == [], "error codes must be string literals (listed in ErrorCode)"
    unknown = {code: places for code, places in literal.items() if code not in ErrorCode._value2member_map_}
    assert unknown == {}, "add these codes to capool.errors.ErrorCode"


def test_the_scan_sees_the_codes_it_must() -> None:
    # Codes raised in known places: a scan that finds nothing would pass the test above.
    literal, _ = _raised_codes()
    assert {"capacity_exhausted", "plan_stale", "illegal_transition", "lots_exceed_quantity", "not_a_dead_letter"} <= set(literal)
    assert len(literal) >= 30


def test_the_graphql_schema_lists_every_code() -> None:
    from api.graphql.schema import build_schema

    sdl = str(build_schema())
    block = sdl[sdl.index("enum ErrorCode {"):]
    block = block[: block.index("}")]
    assert {line.strip() for line in block.splitlines()[1:] if line.strip() and not line.strip().startswith('"')} == {c.name for c in ErrorCode}
