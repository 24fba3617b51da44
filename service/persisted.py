"""Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of a document instead of its text.

`extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}` alone: the stored document runs, or the answer
is PERSISTED_QUERY_NOT_FOUND and the client sends the hash with the full `query` once, which is checked and stored.

The store is a bounded LRU in each process. A shared store (PostgreSQL) would save one round trip per client per
process after a restart or on a process that has not seen the document; the protocol already recovers from a miss,
documents are few (the app's contract is about twenty), and a per-process store cannot be filled by one client for
all processes. Only documents that passed every check are stored, so the store holds nothing the API would refuse.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from core.errors import ErrorCode, RequestError
from core.text_ids import TextId
from core.texts import text

STORE_SIZE = 1_000
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def sha256_hex(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


class PersistedQueries:
    def __init__(self, maxsize: int = STORE_SIZE) -> None:
        self._documents: OrderedDict[str, str] = OrderedDict()
        self._maxsize = maxsize

    def __len__(self) -> int:
        return len(self._documents)

    def resolve(
        self, query: str | None, extensions: Mapping[str, Any] | None, acceptable: Callable[[str], bool]
    ) -> str | None:
        """The document text a request stands for; stores a newly sent one when `acceptable(query)` holds."""
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is None:
            return query
        digest = _hash_of(persisted)
        if query is None:
            stored = self._documents.get(digest)
            if stored is None:
                raise RequestError(200, ErrorCode.PERSISTED_QUERY_NOT_FOUND, text(TextId.PERSISTED_QUERY_NOT_FOUND))
            self._documents.move_to_end(digest)
            return stored
        if sha256_hex(query) != digest:
            raise RequestError(400, ErrorCode.PERSISTED_QUERY_HASH_MISMATCH, text(TextId.PERSISTED_QUERY_HASH_MISMATCH))
        if digest not in self._documents and acceptable(query):
            self._documents[digest] = query
            if len(self._documents) > self._maxsize:
                self._documents.popitem(last=False)
        return query


def _hash_of(persisted: object) -> str:
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise RequestError(400, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, text(TextId.PERSISTED_QUERY_VERSION))
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or not _SHA256_HEX.fullmatch(digest):
        raise RequestError(400, ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED, text(TextId.PERSISTED_QUERY_HASH_FORMAT))
    return digest
