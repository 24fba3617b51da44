"""The exported schema is current, and every client contract document validates against it."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from service.schema import schema
from tests.graphql import CONTRACT_DIR

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_DOCUMENTS = sorted(CONTRACT_DIR.glob("*/*.graphql"))


def test_schema_graphql_is_current() -> None:
    exported = (ROOT / "schema.graphql").read_text(encoding="utf-8")

    assert exported == schema.as_str() + "\n", "schema.graphql is stale: run `python main.py export-schema`"


def test_the_contract_is_present() -> None:
    assert len(CONTRACT_DOCUMENTS) >= 20, f"expected the client contract in {CONTRACT_DIR}"


@pytest.mark.parametrize("document", CONTRACT_DOCUMENTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_contract_document_validates(document: Path) -> None:
    errors = validate(build_schema(schema.as_str()), parse(document.read_text(encoding="utf-8")))

    assert [e.message for e in errors] == []
