"""The one SQL condition that binds a personal statement to the persons its viewer may read.

`readable_person_ids(viewer, part)` (migration 0009) is the viewer and whoever they may read that part of: their
children under 18 (guardianship) and the owners of their live grants. The viewer's own rows pass on the first
comparison, so the owner's reads cost no more than before: the set is only computed for someone else's rows.
"""

from __future__ import annotations

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
    return f"({column} = {viewer} or {column} in ({readable}))"
