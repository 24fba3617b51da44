"""GraphQL over HTTP content negotiation: `application/graphql-response+json` for clients that ask for it.

With that media type a request that never executed (it did not parse, validate or coerce its variables) is answered
with a 4xx status and no `data` entry, as the GraphQL-over-HTTP specification asks. Clients that send no Accept
header, or accept only `application/json`, keep the legacy answer: 200 with `data: null`. A client that accepts
neither is told 406.
"""

from __future__ import annotations

from core.errors import ErrorCode

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# The codes of errors that stop a request before it executes.
REQUEST_ERROR_CODES = frozenset(code.value for code in (
    ErrorCode.GRAPHQL_PARSE_FAILED, ErrorCode.GRAPHQL_VALIDATION_FAILED, ErrorCode.BAD_USER_INPUT,
    ErrorCode.QUERY_LIMIT_EXCEEDED, ErrorCode.INTROSPECTION_DISABLED,
))  # fmt: skip


def _quality(accept: str, media_type: str) -> float:
    """The best q the Accept header gives `media_type` (through its type/* and */* ranges too)."""
    kind = media_type.split("/", 1)[0]
    best = 0.0
    for part in accept.split(","):
        name, *parameters = (piece.strip() for piece in part.split(";"))
        if name.lower() not in (media_type, f"{kind}/*", "*/*"):
            continue
        q = 1.0
        for parameter in parameters:
            key, _, value = parameter.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        best = max(best, q)
    return best


def preferred(accept: str | None) -> str | None:
    """The media type to answer with; None when the client accepts neither GraphQL response type."""
    if not accept or not accept.strip():
        return JSON
    graphql_q, json_q = _quality(accept, GRAPHQL_RESPONSE), _quality(accept, JSON)
    if graphql_q <= 0 and json_q <= 0:
        return None
    # An exact application/graphql-response+json wins ties; */* alone keeps the legacy type.
    if graphql_q > json_q or (graphql_q == json_q and GRAPHQL_RESPONSE in accept.lower()):
        return GRAPHQL_RESPONSE
    return JSON
