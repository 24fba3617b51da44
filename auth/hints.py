"""The viewer each bearer token was last verified as, remembered by one worker: a guess, never an answer.

A query whose token has a hint runs on the hinted viewer while its session is read with its first reads, and its
answer is given only once that session row gives the same viewer (service/speculation.py). A hint is therefore
only ever a way to save a round trip: a token revoked, expired or changed since is found by the same statement
as always. Hints are keyed by the token's hash (the token itself is not kept), at most `size` of them, the least
recently used dropped first, and none older than `max_age_seconds` (an access token's lifetime). Each keeps the
session row its viewer was made from: a request whose session row comes back equal to it (every column, the
person's record included) has verified its guess without making the viewer again.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from auth.viewer import Viewer, ViewerKind


class ViewerHints:
    def __init__(self, size: int, max_age_seconds: float) -> None:
        self.size = size
        self.max_age_seconds = max_age_seconds
        self._hints: OrderedDict[bytes, tuple[float, Viewer, Mapping[str, Any] | None]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hints)

    def get(self, key: bytes) -> tuple[Viewer, Mapping[str, Any] | None] | None:
        """The viewer last verified for the token's hash, and the session row it was made from."""
        entry = self._hints.get(key)
        if entry is None:
            return None
        if time.monotonic() - entry[0] > self.max_age_seconds:
            del self._hints[key]
            return None
        self._hints.move_to_end(key)
        return entry[1], entry[2]

    def put(self, key: bytes, viewer: Viewer, row: Mapping[str, Any] | None) -> None:
        """Remember a verified viewer (and its session row); an anonymous one (the token found nothing) is
        forgotten instead."""
        if self.size <= 0:
            return
        if viewer.kind is ViewerKind.ANONYMOUS:
            self._hints.pop(key, None)
            return
        self._hints[key] = (time.monotonic(), viewer, row)
        self._hints.move_to_end(key)
        while len(self._hints) > self.size:
            self._hints.popitem(last=False)
