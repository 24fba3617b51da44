"""What the request pipeline costs per request, without a database: preparing a document (parse, limits,
validation) with and without the cache, and encoding an answer with json and with orjson.

    .venv/bin/python -m bench.pipeline

Prints microseconds per call (best of five rounds).
"""

from __future__ import annotations

import json
import timeit
from collections.abc import Callable
from pathlib import Path

import orjson

from service.documents import DocumentCache
from service.schema import schema

CONTRACT = Path(__file__).resolve().parents[1] / "contract"
ROUNDS = 5


def per_call_us(function: Callable[[], object], number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=ROUNDS)) / number * 1e6


def facilities_answer(count: int) -> dict[str, object]:
    node = {
        "code": "01001", "name": "Bệnh viện Bạch Mai", "kind": "HOSPITAL", "level": "CENTRAL",
        "address": "78 Giải Phóng, Phương Mai, Hà Nội", "bhytContracted": True, "acceptsInitialRegistration": True,
        "issuesSickLeaveCertificates": True, "updatedAt": "2026-01-01T00:00:00+07:00",
    }
    edges = [{"node": dict(node, code=f"{i:05d}")} for i in range(count)]
    return {"data": {"facilities": {"totalCount": count, "pageInfo": {"hasNextPage": True, "endCursor": "x"},
                                    "edges": edges}}}


def main() -> None:
    documents = {p.stem: p.read_text(encoding="utf-8") for p in sorted(CONTRACT.glob("*/*.graphql"))}
    print(f"{'document':28} {'uncached µs':>12} {'cached µs':>10}")
    for name in ("Home", "MedicalHistory", "Facilities", "Login"):
        query = documents[name]
        cache = DocumentCache(schema._schema, schema.policy)
        uncached = per_call_us(lambda q=query, c=cache: c._prepare(q), 200)
        cache.prepare(query)
        cached = per_call_us(lambda q=query, c=cache: c.prepare(q), 20_000)
        print(f"{name:28} {uncached:12.1f} {cached:10.2f}")
    print()
    print(f"{'answer':28} {'json µs':>12} {'orjson µs':>10}")
    for count in (20, 100, 1000):
        answer = facilities_answer(count)
        slow = per_call_us(lambda a=answer: json.dumps(a, separators=(",", ":")), 200)
        fast = per_call_us(lambda a=answer: orjson.dumps(a), 200)
        print(f"{f'{count} facilities':28} {slow:12.1f} {fast:10.1f}")


if __name__ == "__main__":
    main()
