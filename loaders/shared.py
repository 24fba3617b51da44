"""Reference rows shared by the requests of one worker for a short while: facilities, provinces, wards, beneficiary
groups and ICD-10 codes, which change a few times a year and are read on nearly every personal screen.

A loader declares `shared = True` to use it. Its batch first looks here: a row read less than `seconds` ago
(VSSID_REFERENCE_CACHE_SECONDS, 60 by default; 0 turns the sharing off) answers without a statement, and the
planned executor takes it at once, without waiting for a batch (service/plan_run.py). A key the database did not
have is remembered as missing for as long. Each loader keeps at most `size` keys, the oldest read first out. So a
facility renamed in the directory shows its new name within a minute; personal rows are never shared.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

MISSING: Any = object()
SIZE = 50_000


class SharedRows:
    """Rows by (loader, key), each kept for `seconds` after it was read."""

    __slots__ = ("_rows", "seconds", "size")

    def __init__(self, seconds: float, size: int = SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self._rows: dict[type, OrderedDict[Any, tuple[float, Any]]] = {}

    def get(self, loader: type, key: Any) -> Any:
        """The row (or None: no such key) read less than `seconds` ago, else MISSING."""
        rows = self._rows.get(loader)
        if rows is None:
            return MISSING
        kept = rows.get(key)
        if kept is None or kept[0] < time.monotonic():
            return MISSING
        return kept[1]

    def put(self, loader: type, key: Any, row: Any) -> None:
        if self.seconds <= 0:
            return
        rows = self._rows.get(loader)
        if rows is None:
            rows = self._rows[loader] = OrderedDict()
        rows[key] = (time.monotonic() + self.seconds, row)
        rows.move_to_end(key)
        if len(rows) > self.size:
            rows.popitem(last=False)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())
