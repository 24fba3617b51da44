"""Request policy declared on a field: who may read it, what it costs, which budget it spends, whether it may be cached.

A field declares its policy in its metadata (`strawberry.field(..., metadata=FieldPolicy(...).metadata())`); the
request pipeline reads every declaration once from the built schema (service/policy.py). No list of field names
anywhere else decides caching, rate limits, credential checks or cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

POLICY = "vssid.policy"
RELATION = "vssid.relation"
DIRECTORY_SCOPE = "directory:read"


@dataclass(frozen=True, slots=True)
class PageSizes:
    """A connection's page sizes: `first` defaults to `default` and is at most `maximum`, or `partner_maximum`
    for a partner key holding directory:read."""

    default: int = 20
    maximum: int = 100
    partner_maximum: int | None = None

    @property
    def ceiling(self) -> int:
        """The most items one page can hold for any caller (what the query cost prices)."""
        return max(self.maximum, self.partner_maximum or 0)

    def maximum_for(self, scopes: frozenset[str]) -> int:
        if self.partner_maximum is not None and DIRECTORY_SCOPE in scopes:
            return self.partner_maximum
        return self.maximum


# Most lists: 20 items by default, at most 100.
LIST_PAGES = PageSizes()
DIRECTORY_PAGES = PageSizes(partner_maximum=1000)


@dataclass(frozen=True, slots=True)
class FieldPolicy:
    """What the request pipeline needs to know about a field before it runs.

    - `cache_max_age`: an anonymous, error-free query whose root fields all declare it may be cached publicly for
      the smallest of their ages (seconds); None: never cached.
    - `rate_limit`: the budget an operation selecting this root field spends (service/ratelimit.py).
    - `checks_credentials`: checks a secret or personal facts; at most one per operation, never by GET.
    - `pages`: a connection's page sizes (its cost is priced at the ceiling).
    - `list_size`: a plain list's most items (priced like a page of that size).
    - `reads_only`: the resolver only reads (or writes through the request's loaders, once per request), so the
      planned executor may run it, and run it again on graphql-core's path if the answer has an error
      (service/plan.py); a budget spent or a row written per call must not declare it.
    """

    cache_max_age: int | None = None
    rate_limit: str | None = None
    checks_credentials: bool = False
    pages: PageSizes | None = None
    list_size: int | None = None
    reads_only: bool = False

    def metadata(self) -> dict[str, Any]:
        return {POLICY: self}


# The common declarations.
PRIVATE = FieldPolicy()
READS_ONLY = FieldPolicy(reads_only=True)
CREDENTIALS = FieldPolicy(checks_credentials=True)
# The directory's fields read only: its budget is spent once per operation, before it runs, by the rate limit
# (service/ratelimit.py), never by a resolver; so the planned executor runs them, and graphql-core may run one
# again after an error in the plan without counting twice.
PUBLIC_DIRECTORY = FieldPolicy(cache_max_age=300, rate_limit="directory", reads_only=True)


@dataclass(frozen=True, slots=True)
class Relation:
    """A field whose value a loader finds by one attribute of its parent (for the reader of the plan)."""

    loader: type[Any]  # a loaders.base.BaseLoader subclass (core does not import loaders)
    key: str
    many: bool = False
    # What the planned executor needs to run it without the resolver: the row's mapping and the part checked.
    target: Any = None
    part: str | None = None
    # `target(parent, value)`: one object made from the parent and the loader's whole answer (the contribution
    # summary from the person and their rows), instead of `target(row)` per row.
    with_parent: bool = False
