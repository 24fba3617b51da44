"""The exported schema is current, and every client contract document validates against it."""

from __future__ import annotations

from pathlib import Path

import pytest
import strawberry
from graphql import build_schema, parse, validate

from core.errors import ErrorCode, error_table
from core.policy import PRIVATE
from service.policy import root_fields_without_policy
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


def test_every_root_field_declares_its_policy() -> None:
    # caching, rate limits, credential checks and cost are read from these declarations: none may be missing
    assert root_fields_without_policy(schema._schema) == []
    roots = (schema._schema.query_type, schema._schema.mutation_type)
    assert len(schema.policy.root) == sum(len(root.fields) for root in roots if root is not None)


def test_a_root_field_without_a_policy_is_caught() -> None:
    # guards the test above: a root field declared the plain way is reported by name
    @strawberry.type
    class Query:
        declared: int = strawberry.field(default=1, metadata=PRIVATE.metadata())
        forgotten: int = 2

    assert root_fields_without_policy(strawberry.Schema(query=Query)._schema) == ["Query.forgotten"]


def test_the_error_table_of_the_api_guide_is_generated_from_the_code() -> None:
    guide = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    table = guide.split("<!-- error-codes:start -->\n", 1)[1].split("\n<!-- error-codes:end -->", 1)[0]

    assert table == error_table(), "docs/api.md's error table is stale: paste core.errors.error_table() there"
    assert all(f"`{code.value}`" in table for code in ErrorCode)
