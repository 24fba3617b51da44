"""Reference rows shared by the requests of one worker for a short while: facilities, provinces, wards, beneficiary
groups and ICD-10 codes, which change a few times a year and are read on nearly every personal screen.

A loader declares `shared = True` to use it. Its batch first looks here: a row read less than `seconds` ago
(VSSID_REFERENCE_CACHE_SECONDS, 60 by default; 0 turns the sharing off) answers without a statement, and the
planned executor takes it at once, without waiting for a batch (service/plan_run.py). A key the database did not
have is remembered as missing for as long. Each loader keeps at most `size` keys, the oldest read first out. So a
facility renamed in the directory shows its new name within a minute; personal rows are never shared.

The planned executor also keeps the typed object it made of a shared row (`mapped`): a facility read by a
thousand requests is one `Facility`, made once per row read (a row read again makes a new one). The schema's
types are read, never changed, once made.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

MISSING: Any = object()
SIZE = 50_000


class SharedRows:
    """Rows by (loader, key), each kept for `seconds` after it was read."""

    __slots__ = ("_mapped", "_rows", "clock", "seconds", "size", "subtrees")

    def __init__(self, seconds: float, size: int = SIZE) -> None:
        self.seconds = seconds
        self.size = size
        self.clock: Callable[[], float] = time.monotonic
        self._rows: dict[type, OrderedDict[Any, tuple[float, Any]]] = {}
        # id(row) -> (row, how it was mapped, the object): the row kept alive, so its id is not another's.
        self._mapped: dict[int, tuple[Any, Callable[[Any], Any], Any]] = {}
        # The planned executor's answers for reference objects (service/plan_run.py `pure`), by plan and row.
        self.subtrees: dict[tuple[int, int], Any] = {}

    def mapped(self, target: Callable[[Any], Any], row: Any) -> Any:
        """`target(row)` for a shared row, made once per row object."""
        entry = self._mapped.get(id(row))
        if entry is not None and entry[0] is row and entry[1] is target:
            return entry[2]
        made = target(row)
        if len(self._mapped) >= self.size:
            self._mapped.clear()  # rows no longer shared go with it; the live ones are mapped again once
        self._mapped[id(row)] = (row, target, made)
        return made

    def get(self, loader: type, key: Any) -> Any:
        """The row (or None: no such key) read less than `seconds` ago, else MISSING."""
        kept = self.entry(loader, key)
        return MISSING if kept is None else kept[1]

    def entry(self, loader: type, key: Any) -> tuple[float, Any] | None:
        """The row of `key` (None: no such key) with the moment it stops being shared, if it still is."""
        rows = self._rows.get(loader)
        kept = rows.get(key) if rows is not None else None
        return None if kept is None or kept[0] < self.clock() else kept

    def put(self, loader: type, key: Any, row: Any) -> None:
        if self.seconds <= 0:
            return
        rows = self._rows.get(loader)
        if rows is None:
            rows = self._rows[loader] = OrderedDict()
        rows[key] = (self.clock() + self.seconds, row)
        rows.move_to_end(key)
        if len(rows) > self.size:
            rows.popitem(last=False)

    def __len__(self) -> int:
        return sum(len(rows) for rows in self._rows.values())
