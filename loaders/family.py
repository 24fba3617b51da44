"""Loaders of the family: dependants, granted persons and grants, bound to the viewer; and the access-log writer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import asyncpg

from db import family
from loaders.base import PersonalLoader, Row, scoped_person_id


class DependantsByGuardianIdLoader(PersonalLoader):
    """Children under 18 per guardian; only the viewer's own (a guardian's list answers to the guardian)."""

    fetch = family.dependants
    key = "guardian_id"
    many = True


class GrantedPersonsByGranteeIdLoader(PersonalLoader):
    """Owners of the viewer's live grants."""

    fetch = family.granted_persons
    key = "grantee_id"
    many = True


class AccessGrantsByPersonIdLoader(PersonalLoader):
    """Grants given and received, newest first; only the viewer's own."""

    fetch = family.grants_of_persons
    key = "party_id"
    many = True


class AccessGrantByIdLoader(PersonalLoader):
    """A grant the viewer is a party to (owner or grantee)."""

    fetch = family.grants_by_id


class AccessLogWriter(PersonalLoader):
    """Logs reads of someone else's data in their access log: a key is (owner id, part), loaded once per request
    (the loader's cache), so a read is logged once per request, owner and part however many objects it covers.
    A batch is one insert, one entry per owner and grant (or guardianship) with the parts read, made on the
    request's connection before any of the objects is served: a read is never served unlogged. It is the one
    write a read makes, and one statement, so it needs no transaction of its own. It goes to the primary when the
    request reads on a replica (a replica refuses writes)."""

    writes = True

    async def rows(self, conn: asyncpg.Connection, keys: Sequence[Any]) -> list[asyncpg.Record]:
        viewer_id = scoped_person_id(self.viewer)
        assert viewer_id is not None  # PersonalLoader reads nothing for a viewer without a full session
        reads: dict[tuple[int, int | None], list[str]] = {}
        for person_id, part in keys:
            grant = self.viewer.access.get(person_id, {}).get(part)
            reads.setdefault((person_id, grant), []).append(part)
        await family.record_reads(conn, viewer_id, [(owner, grant, parts) for (owner, grant), parts in reads.items()])
        return []

    def arrange(self, keys: Sequence[Any], rows: Sequence[Row]) -> list[Any]:
        return [True for _ in keys]
