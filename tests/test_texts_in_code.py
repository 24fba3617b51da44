"""No user-facing message is written in the code: every error and payload message comes from the catalogues
(core/texts.py), so a new message cannot skip the translation. Read from the source, as tests/structure.py does."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.structure import project_modules

ROOT = Path(__file__).resolve().parents[1]
# What carries a user-facing message, and where the message sits: (positional index, keyword).
CARRIERS: dict[str, tuple[int | None, str]] = {
    "ApiError": (1, "message"),
    "Refusal": (1, "message"),
    "RequestError": (2, "message"),
    "GraphQLError": (0, "message"),
    "UserError": (None, "message"),
    "rate_limited": (2, "message"),
    "error_body": (0, "message"),
}


def _is_free_text(node: ast.expr) -> bool:
    """A literal string, an f-string, or text glued to one (`+`, `%`, `.format`)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_free_text(node.left) or _is_free_text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr == "format" and _is_free_text(node.func.value)
    return False


def free_messages(source: str, filename: str = "<source>") -> list[str]:
    """`file:line Carrier` of each message built from free text in `source`."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        if name not in CARRIERS:
            continue
        index, keyword = CARRIERS[name]
        messages = [kw.value for kw in node.keywords if kw.arg == keyword]
        if index is not None and len(node.args) > index:
            messages.append(node.args[index])
        if any(_is_free_text(message) for message in messages):
            found.append(f"{filename}:{node.lineno} {name}")
    return found


def test_the_scan_finds_free_text_in_each_form() -> None:
    # guards the scan itself: each way of writing a message by hand is caught, the catalogue's way is not
    source = """
ApiError(ErrorCode.X, "literal", field="a")
Refusal(ErrorCode.X, f"{field} is wrong", "a")
RequestError(400, ErrorCode.X, "The " + what)
errors.RequestError(400, ErrorCode.X, "%s" % what)
UserError(code=ErrorCode.X, message="{} bad".format(x), field="id")
GraphQLError(message="boom")
rate_limited(headers, window, "slow down")
ApiError(ErrorCode.X, text(TextId.X), field="a")
Refusal(ErrorCode.X, text(TextId.Y, n=1), "a")
UserError(code=ErrorCode.X, message=text(TextId.Z).render(), field="id")
GraphQLError(error.message, extensions=error.extensions)
"""
    assert [f.split()[1] for f in free_messages(source)] == [
        "ApiError", "Refusal", "RequestError", "RequestError", "UserError", "GraphQLError", "rate_limited",
    ]


def test_no_message_of_the_service_is_written_outside_the_catalogues() -> None:
    found = []
    for path in project_modules(ROOT).values():
        found += free_messages(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert found == [], "build these messages with text(TextId...) (core/texts.py): " + ", ".join(found)
