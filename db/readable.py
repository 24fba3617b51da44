"""The one SQL condition that binds a personal statement to the persons its viewer may read.

`readable_person_ids(viewer, part)` (migration 0009) is the viewer and whoever they may read that part of: their
children under 18 (guardianship) and the owners of their live grants. The viewer's own rows pass on the first
comparison, so the set is only computed for someone else's rows.

Most reads are a person's own: a statement keyed by person ids that are all the viewer's reads only rows the first
comparison lets through. `for_keys` then sends the statement's own-rows text, each condition cut to that
comparison: PostgreSQL still builds the set's subplan (about ten nodes) for every execution of the full text, even
when it never runs it (Home's statement took 0.57 ms with the sets, 0.49 without: docs/performance.md). A
statement with any other person's key keeps the full text, so what a guardian or a grantee may read is decided by
the same SQL as before.
"""

from __future__ import annotations

from collections.abc import Iterable

# The parts of a person's data another account holder can be let read (access_grants.parts), and the person
# record itself, which every guardian and grantee of that person reads.
PARTS = ("CARD", "CONTRIBUTIONS", "BENEFITS", "VISITS")
PERSON = "PERSON"
# Parts nobody but the person reads: no guardian and no grant reaches them.
OWN_ONLY = "OWN"


def readable_by(column: str, viewer: str, part: str) -> str:
    """`column` (a person id) is the viewer (`viewer`, a `$n` parameter) or a person they may read `part` of."""
    if part not in (*PARTS, PERSON, OWN_ONLY):  # pragma: no cover - a typo in a declaration fails at import
        raise ValueError(f"unknown part {part!r}")
    # In FROM, so that PostgreSQL inlines the function (one plan, no function call); the owner's row passes the
    # first comparison and the set is never computed for it (the plan shows the subplan "never executed").
    readable = f"select r.id from readable_person_ids({viewer}, '{part}') as r(id)"
    condition = f"({column} = {viewer} or {column} in ({readable}))"
    _OWN_CONDITIONS[condition] = f"({column} = {viewer})"
    return condition


# Each condition `readable_by` wrote, and its own-rows form; then each statement's own-rows text, made on first use.
_OWN_CONDITIONS: dict[str, str] = {}
_OWN_TEXTS: dict[str, str] = {}


def own_rows_text(statement: str) -> str:
    """`statement` with each condition of `readable_by` cut to its first comparison (the viewer's own rows)."""
    text = _OWN_TEXTS.get(statement)
    if text is None:
        text = statement
        for condition, own in _OWN_CONDITIONS.items():
            text = text.replace(condition, own)
        _OWN_TEXTS[statement] = text
    return text


def for_keys(statement: str, person_ids: Iterable[int | None], viewer_id: int | None) -> str:
    """The text to send for a statement whose rows belong to `person_ids` (its key condition says so): the own-rows
    text when every one is the viewer, else the statement as written."""
    if viewer_id is None or any(person_id != viewer_id for person_id in person_ids):
        return statement
    return own_rows_text(statement)
