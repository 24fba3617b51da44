"""The one error vocabulary: every code a client can meet, what it means, and the error types that carry it.

- `ErrorCode`: transport and GraphQL codes together, each with a one-line meaning and what a client should do
  (`MEANINGS`); the error table of docs/api.md is generated from it (`error_table`).
- `ApiError`: a field-level GraphQL error with a stable `extensions.code`.
Every message is a `Text` of the catalogues (core/texts.py), rendered in the request's language; never a literal.
- `ServiceUnavailable`: an ApiError for work the service cannot do right now (database away, load shed).
- `RequestError`: a whole request refused before it runs, answered with an HTTP status and `error_body`.
"""

from __future__ import annotations

import enum
from typing import Any, NamedTuple

import orjson
from graphql import GraphQLError

from core.text_ids import TextId
from core.texts import Text, text


class ErrorCode(enum.Enum):
    """Stable, upper-case error codes. Clients branch on these, never on message text."""

    # Input and identifiers.
    INVALID_INPUT = "INVALID_INPUT"
    INVALID_ID = "INVALID_ID"
    INVALID_CURSOR = "INVALID_CURSOR"
    NOT_FOUND = "NOT_FOUND"
    # Who is asking.
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    # Accounts, sessions and one-time codes (payload errors of the mutations).
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    ACCOUNT_LOCKED = "ACCOUNT_LOCKED"
    ACCOUNT_DISABLED = "ACCOUNT_DISABLED"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    PASSWORD_REUSED = "PASSWORD_REUSED"
    OTP_INVALID = "OTP_INVALID"
    OTP_EXPIRED = "OTP_EXPIRED"
    OTP_TOO_MANY_ATTEMPTS = "OTP_TOO_MANY_ATTEMPTS"
    OTP_RESEND_TOO_SOON = "OTP_RESEND_TOO_SOON"
    REFRESH_TOKEN_INVALID = "REFRESH_TOKEN_INVALID"
    # Registrations.
    REGISTRATION_MISMATCH = "REGISTRATION_MISMATCH"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    UNKNOWN_AGENCY = "UNKNOWN_AGENCY"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    # Access grants (the family).
    GRANTEE_UNAVAILABLE = "GRANTEE_UNAVAILABLE"
    GRANT_CLOSED = "GRANT_CLOSED"
    # Limits and availability.
    RATE_LIMITED = "RATE_LIMITED"
    QUERY_LIMIT_EXCEEDED = "QUERY_LIMIT_EXCEEDED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    TIMEOUT = "TIMEOUT"
    RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"
    INTERNAL_ERROR = "INTERNAL_ERROR"
    # The request itself (GraphQL over HTTP).
    BAD_REQUEST = "BAD_REQUEST"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    INTROSPECTION_DISABLED = "INTROSPECTION_DISABLED"
    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
    REQUEST_TOO_LARGE = "REQUEST_TOO_LARGE"
    BATCHING_NOT_SUPPORTED = "BATCHING_NOT_SUPPORTED"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    PERSISTED_QUERY_NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
    PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
    # Applications (public services) and their payment.
    IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
    APPLICATION_WINDOW_CLOSED = "APPLICATION_WINDOW_CLOSED"
    FACILITY_NOT_ELIGIBLE = "FACILITY_NOT_ELIGIBLE"
    NO_CARD_IN_FORCE = "NO_CARD_IN_FORCE"
    HOUSEHOLD_MEMBER_INELIGIBLE = "HOUSEHOLD_MEMBER_INELIGIBLE"
    NOT_CANCELLABLE = "NOT_CANCELLABLE"
    DECIDED_BY_PAYMENT = "DECIDED_BY_PAYMENT"
    PAYMENT_NOT_DUE = "PAYMENT_NOT_DUE"
    PAYMENT_UNAVAILABLE = "PAYMENT_UNAVAILABLE"
    SUPPORT_GROUP_NOT_ELIGIBLE = "SUPPORT_GROUP_NOT_ELIGIBLE"
    COMPULSORILY_INSURED = "COMPULSORILY_INSURED"


class Meaning(NamedTuple):
    when: str
    client: str


MEANINGS: dict[ErrorCode, Meaning] = {
    ErrorCode.INVALID_INPUT: Meaning(
        "An argument or input field has the wrong shape or is out of range (`field` names it).",
        "Show the message next to that field; do not retry unchanged."),
    ErrorCode.INVALID_ID: Meaning("The ID is not one this API gave out.", "Drop the ID; fetch the object again."),
    ErrorCode.INVALID_CURSOR: Meaning(
        "The `after` cursor was altered or comes from another list.", "Restart the list from its first page."),
    ErrorCode.NOT_FOUND: Meaning("No such route or object.", "Check the URL or the identifier."),
    ErrorCode.UNAUTHENTICATED: Meaning(
        "The field needs a signed-in person or a partner key, and none (or an expired one) was sent.",
        "Log in (or refresh the session) and send the token; partners send X-API-Key."),
    ErrorCode.FORBIDDEN: Meaning(
        "The caller is known but may not do this (another person's data, a missing key scope, not agency staff).",
        "Do not retry; the caller lacks the right."),
    ErrorCode.INVALID_CREDENTIALS: Meaning(
        "The code and password, the refresh token or the current password do not match.",
        "Ask the person to type them again."),
    ErrorCode.ACCOUNT_LOCKED: Meaning(
        "Too many failed logins: blocked for a while (`lockedUntil`).", "Show when to try again."),
    ErrorCode.ACCOUNT_DISABLED: Meaning("The account is disabled.", "Send the person to the social insurance agency."),
    ErrorCode.PASSWORD_CHANGE_REQUIRED: Meaning(
        "The password is temporary or older than six months: this session may only change it.",
        "Open the change-password screen."),
    ErrorCode.WEAK_PASSWORD: Meaning("The new password is too weak or too common.", "Ask for a stronger password."),
    ErrorCode.PASSWORD_REUSED: Meaning("The new password equals the current one.", "Ask for a different password."),
    ErrorCode.OTP_INVALID: Meaning("The one-time code is wrong.", "Ask the person to check the SMS."),
    ErrorCode.OTP_EXPIRED: Meaning("The one-time code has expired.", "Request a new code."),
    ErrorCode.OTP_TOO_MANY_ATTEMPTS: Meaning(
        "Too many wrong tries of this code: it is burnt.", "Request a new code."),
    ErrorCode.OTP_RESEND_TOO_SOON: Meaning(
        "A code was sent moments ago (`resendAvailableAt`).", "Wait until the time given, then ask again."),
    ErrorCode.REFRESH_TOKEN_INVALID: Meaning(
        "The refresh token is unknown, used, expired or revoked.", "Log in again."),
    ErrorCode.REGISTRATION_MISMATCH: Meaning(
        "The registration's facts do not match the person on record.", "Ask the person to check them."),
    ErrorCode.ALREADY_REGISTERED: Meaning(
        "The person already has an account or a pending registration.", "Offer login or password reset."),
    ErrorCode.UNKNOWN_AGENCY: Meaning("No social insurance agency has that code.", "Let the person pick again."),
    ErrorCode.ALREADY_DECIDED: Meaning(
        "The registration or application was already decided (or the application cancelled).", "Reload the queue."),
    ErrorCode.GRANTEE_UNAVAILABLE: Meaning(
        "No account holder with that social insurance code can receive a grant (whether the person is on record "
        "is not told).", "Ask the person to check the code, or to register an account first."),
    ErrorCode.GRANT_CLOSED: Meaning(
        "The grant is no longer open to this: already accepted, revoked or expired.", "Reload the grants."),
    ErrorCode.RATE_LIMITED: Meaning(
        "Too many requests of this kind (`retryAfterSeconds`, HTTP 429 with Retry-After for whole requests).",
        "Wait the time given, then retry."),
    ErrorCode.QUERY_LIMIT_EXCEEDED: Meaning(
        "The document breaks a size limit (`limit`, `maximum`: depth, cost, aliases, tokens...).",
        "Ask for less in one document; the limits are in docs/security.md."),
    ErrorCode.SERVICE_UNAVAILABLE: Meaning(
        "The database is away or the service is shedding load (HTTP 503, Retry-After, `reason`).",
        "Retry after the time given, with back-off."),
    ErrorCode.TIMEOUT: Meaning("The request did not finish within its deadline (HTTP 504).", "Retry later."),
    ErrorCode.RESPONSE_TOO_LARGE: Meaning(
        "The answer would exceed the response size limit (`maximum` bytes); nothing of it is sent.",
        "Ask for fewer items per page or fewer fields, and page through."),
    ErrorCode.INTERNAL_ERROR: Meaning(
        "An unexpected fault; the message carries a request id for support.", "Retry once; report the request id."),
    ErrorCode.BAD_REQUEST: Meaning(
        "The HTTP request is malformed (body not an object, wrong field types, no query).", "Fix the client."),
    ErrorCode.BAD_USER_INPUT: Meaning(
        "A variable's value does not fit its declared type.", "Fix the variables sent."),
    ErrorCode.GRAPHQL_PARSE_FAILED: Meaning("The document is not valid GraphQL syntax.", "Fix the document."),
    ErrorCode.GRAPHQL_VALIDATION_FAILED: Meaning(
        "The document does not fit the schema.", "Fix the document; compare with schema.graphql."),
    ErrorCode.INTROSPECTION_DISABLED: Meaning(
        "Introspection is off on this endpoint in production.", "Use the published schema.graphql."),
    ErrorCode.METHOD_NOT_ALLOWED: Meaning(
        "GET for a mutation or a credential-checking field, or a mutation on the read-only partner endpoint.",
        "Send it by POST to the right endpoint."),
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: Meaning(
        "The POST body is not `application/json` (HTTP 415).", "Send Content-Type: application/json."),
    ErrorCode.NOT_ACCEPTABLE: Meaning(
        "The Accept header allows neither application/graphql-response+json nor application/json (HTTP 406).",
        "Accept application/graphql-response+json."),
    ErrorCode.REQUEST_TOO_LARGE: Meaning("The body exceeds the size limit (HTTP 413).", "Send a smaller document."),
    ErrorCode.BATCHING_NOT_SUPPORTED: Meaning(
        "The body is a JSON array of operations.", "Send one operation per request."),
    ErrorCode.PERSISTED_QUERY_NOT_FOUND: Meaning(
        "The persisted-query hash is not known to this process.", "Send the hash again with the full query."),
    ErrorCode.PERSISTED_QUERY_NOT_SUPPORTED: Meaning(
        "The persisted-query extension has an unknown version or a malformed hash.", "Use version 1, SHA-256 hex."),
    ErrorCode.PERSISTED_QUERY_HASH_MISMATCH: Meaning(
        "The query does not hash to the sha256Hash sent.", "Hash the exact text sent."),
    ErrorCode.IDEMPOTENCY_KEY_REUSED: Meaning(
        "The idempotency key was already used by this person for an application with another input.",
        "Use a new key for a new application; resend the same input to get the first one back."),
    ErrorCode.APPLICATION_WINDOW_CLOSED: Meaning(
        "The primary-care facility can only be changed in the first days of each quarter (the rules as data).",
        "Show when the next window opens; do not retry before."),
    ErrorCode.FACILITY_NOT_ELIGIBLE: Meaning(
        "The facility does not accept initial registration, is of a level not allowed, is in another province or "
        "is already the person's.", "Let the person pick another facility."),
    ErrorCode.NO_CARD_IN_FORCE: Meaning(
        "The application needs a BHYT card in force (or on record, for a renewal) and there is none.",
        "Send the person to the social insurance agency."),
    ErrorCode.HOUSEHOLD_MEMBER_INELIGIBLE: Meaning(
        "A listed member is not in the applicant's household or is not insured as a household member.",
        "Remove that member (`field` names the list); the message gives the code."),
    ErrorCode.NOT_CANCELLABLE: Meaning(
        "The application is in review, decided, paid or cancelled already: the citizen can no longer cancel it.",
        "Reload the application."),
    ErrorCode.DECIDED_BY_PAYMENT: Meaning(
        "A renewal paid online (household BHYT, voluntary BHXH) takes effect when paid; no officer decides it.",
        "Leave it in the queue."),
    ErrorCode.PAYMENT_NOT_DUE: Meaning(
        "The application is not awaiting payment (no money due, paid, or cancelled).", "Reload the application."),
    ErrorCode.PAYMENT_UNAVAILABLE: Meaning(
        "This service has no payment gateway configured.", "Retry later; the application stays open."),
    ErrorCode.SUPPORT_GROUP_NOT_ELIGIBLE: Meaning(
        "The records do not confirm the state-support group chosen for voluntary BHXH (poor or near-poor needs a "
        "BHYT card of group HN or CN; an ethnic minority is confirmed at the agency).",
        "Offer OTHER, or send the person to the social insurance agency."),
    ErrorCode.COMPULSORILY_INSURED: Meaning(
        "The person is compulsorily insured in a month of the voluntary BHXH term (the message names the month).",
        "Explain that the employer pays for those months; do not retry unchanged."),
}
if set(MEANINGS) != set(ErrorCode):  # pragma: no cover - a code without a meaning is a bug at import
    raise RuntimeError(f"codes without a meaning: {sorted(c.value for c in set(ErrorCode) - set(MEANINGS))}")


def error_table() -> str:
    """The Markdown table of every code, as docs/api.md shows it (a test keeps the two equal)."""
    lines = ["| code | when | what a client should do |", "|---|---|---|"]
    lines += [f"| `{code.value}` | {m.when} | {m.client} |" for code, m in MEANINGS.items()]
    return "\n".join(lines)


class ApiError(GraphQLError):
    """A field-level error with a stable `extensions.code`; the field becomes null, the rest of the response stays."""

    def __init__(self, code: ErrorCode, message: Text, **extensions: Any) -> None:
        # Rendered now, in the language of the request being served: the error lives within that request.
        super().__init__(message.render(), extensions={"code": code.value, **extensions})
        self.code = code
        self.text = message


class UnavailableReason(enum.Enum):
    # The database refused or dropped the connection (stopped, restarting, unreachable).
    DATABASE_UNAVAILABLE = "DATABASE_UNAVAILABLE"
    # Every pooled connection stayed busy for the whole acquire timeout, or password hashing is full.
    OVERLOADED = "OVERLOADED"
    # A read replica cancelled a statement that conflicted with replaying the primary's changes (db/failures.py
    # `is_recovery_conflict`). The query is run again on the primary (service/replicas.py), so a client does not
    # see this reason; its text is the database's in case it ever did.
    REPLICA_CONFLICT = "REPLICA_CONFLICT"


UNAVAILABLE_MESSAGES = {
    UnavailableReason.DATABASE_UNAVAILABLE: TextId.SERVICE_DATABASE_UNAVAILABLE,
    UnavailableReason.OVERLOADED: TextId.SERVICE_OVERLOADED,
    UnavailableReason.REPLICA_CONFLICT: TextId.SERVICE_DATABASE_UNAVAILABLE,
}


class ServiceUnavailable(ApiError):  # noqa: N818 - named like its code, SERVICE_UNAVAILABLE
    """Work the service cannot do right now. A resolver that meets it answers a coded field error; the request
    middleware turns the HTTP status into 503 with Retry-After."""

    def __init__(self, reason: UnavailableReason, retry_after_seconds: int = 1) -> None:
        super().__init__(
            ErrorCode.SERVICE_UNAVAILABLE,
            text(UNAVAILABLE_MESSAGES[reason]),
            reason=reason.value,
            retryAfterSeconds=retry_after_seconds,
        )
        self.reason = reason
        self.retry_after_seconds = retry_after_seconds

    def again(self) -> ServiceUnavailable:
        """A new error of the same reason (an exception object is raised once)."""
        return ServiceUnavailable(self.reason, self.retry_after_seconds)


class RequestError(Exception):
    """A request refused before it runs: answered with `status` and a GraphQL-shaped error body."""

    def __init__(self, status: int, code: ErrorCode, message: Text, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.text = message
        self.headers = headers or {}

    @property
    def message(self) -> str:
        """The message in the language of the request being answered (rendered when the answer is written)."""
        return self.text.render()

    def body(self) -> bytes:
        return error_body(self.message, {"code": self.code.value})


def error_body(message: str, extensions: dict[str, Any]) -> bytes:
    """The JSON body of a whole-request error: one error, no data (nothing was executed)."""
    return orjson.dumps({"errors": [{"message": message, "extensions": extensions}]})
