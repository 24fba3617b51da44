"""The schema only ever grows, except where a field was deprecated with a removal date that has passed.

Each release of the schema is kept in docs/schema-releases/ (a copy of schema.graphql on the day it was published).
A breaking change against the newest of them is allowed only for a field whose deprecation reason in that release
says `Removal: YYYY-MM-DD` with a date on or before today (docs/api.md, "Schema changes").
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from graphql import BreakingChangeType, GraphQLObjectType, GraphQLSchema, build_schema, find_breaking_changes

from service.schema import schema

RELEASES = Path(__file__).resolve().parents[1] / "docs" / "schema-releases"
REMOVAL = re.compile(r"Removal: (\d{4}-\d{2}-\d{2})")
REMOVED_FIELD = re.compile(r"^Field (\w+)\.(\w+) was removed\.$")


def early_breaks(old: GraphQLSchema, new: GraphQLSchema, today: dt.date) -> list[str]:
    """Every breaking change from `old` to `new` that no passed removal date allows."""
    refused = []
    for change in find_breaking_changes(old, new):
        removed = REMOVED_FIELD.match(change.description)
        if change.type is BreakingChangeType.FIELD_REMOVED and removed:
            owner = old.get_type(removed[1])
            field = owner.fields.get(removed[2]) if isinstance(owner, GraphQLObjectType) else None
            date = REMOVAL.search((field.deprecation_reason or "") if field else "")
            if date and dt.date.fromisoformat(date[1]) <= today:
                continue
        refused.append(change.description)
    return refused


def test_nothing_published_is_removed_or_changed_before_its_date() -> None:
    newest = max(RELEASES.glob("*.graphql"))
    released = build_schema(newest.read_text(encoding="utf-8"))

    assert early_breaks(released, schema._schema, dt.date.today()) == []


def test_a_removal_is_allowed_only_after_its_announced_date() -> None:
    # guards the test above: a deprecated field may go on its removal date, not a day before, and nothing else may
    old = build_schema("""
        type Query {
          kept: Int
          old: Int @deprecated(reason: "Use kept. Removal: 2027-06-30")
          never: Int
        }
    """)
    without_old = build_schema("type Query { kept: Int never: Int }")
    without_never = build_schema("type Query { kept: Int old: Int }")

    assert early_breaks(old, without_old, dt.date(2027, 6, 29)) == ["Field Query.old was removed."]
    assert early_breaks(old, without_old, dt.date(2027, 6, 30)) == []
    assert early_breaks(old, without_never, dt.date(2030, 1, 1)) == ["Field Query.never was removed."]
