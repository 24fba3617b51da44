"""Composing a statement whose conditions depend on the request: values travel as $n parameters, never as text."""

from __future__ import annotations

from typing import Any


class Params:
    """Collects parameter values and hands out their $n placeholders."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"
