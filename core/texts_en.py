"""The English catalogue: the texts the service answered with before Vietnamese became the default, kept word for
word (clients may match on them). Sent when a request's Accept-Language prefers English."""

from __future__ import annotations

from core.text_ids import TextId

EN: dict[TextId, str] = {
    TextId.SERVICE_DATABASE_UNAVAILABLE: "the service cannot reach its database right now; retry shortly",
    TextId.SERVICE_OVERLOADED: "the service is busy; retry shortly",
    TextId.UNEXPECTED_ERROR: "Unexpected error.",
    TextId.UNEXPECTED_ERROR_WITH_ID: "Unexpected error. Request id: {request_id}.",
    TextId.RETRY_AFTER: "{message} (retry after {at})",
    TextId.INVALID_ID: "this is not an ID this API gave out",
    TextId.NOT_AN_ID: "not an ID",
    TextId.FIRST_OUT_OF_RANGE: "first must be between 0 and {maximum}",
    TextId.INVALID_CURSOR: "the cursor is not one this list gave out",
    TextId.YEAR_OUT_OF_RANGE: "year must be between {minimum} and {maximum}",
    TextId.CODE_FORMAT: "the social insurance code is 10 digits (0-9)",
    TextId.PASSWORD_AT_MOST: "a password has at most {maximum} characters",
    TextId.ACCOUNT_LOCKED: "too many failed attempts; try again later",
    TextId.LOGIN_WRONG: "the code or the password is wrong",
    TextId.ACCOUNT_DISABLED: "this account is disabled; contact your social insurance agency",
    TextId.CURRENT_PASSWORD_WRONG: "the current password is wrong",
    TextId.CURRENT_PASSWORD_TOO_MANY: "too many wrong current passwords; try again later",
    TextId.PASSWORD_REUSED: "choose a password different from the current one",
    TextId.PHONE_FORMAT: "a phone number is 10 digits starting with 0",
    TextId.OTP_FORMAT: "the code is 6 digits (0-9)",
    TextId.OTP_TOO_MANY_WRONG: "too many wrong codes; try again later",
    TextId.OTP_WRONG_EXPIRED_OR_USED: "the code is wrong, expired or used; ask for a new one",
    TextId.PASSWORD_IS_CODE: "do not use your social insurance code",
    TextId.PASSWORD_IS_BIRTH_DATE: "do not use your date of birth",
    TextId.PASSWORD_IS_NAME: "do not use your name",
    TextId.PASSWORD_TOO_SHORT: "use at least {minimum} characters",
    TextId.PASSWORD_TOO_LONG: "use at most {maximum} characters",
    TextId.PASSWORD_TOO_COMMON: "this password is too common",
    TextId.SIGN_IN_AGAIN: "sign in again",
    TextId.GRANTEE_CODE_FORMAT: "the social insurance code has 10 digits",
    TextId.GRANT_PARTS: "choose at least one of {parts}",
    TextId.GRANT_VALID_UNTIL_OFFSET: "validUntil needs a time zone offset",
    TextId.GRANT_VALID_UNTIL_PAST: "validUntil must be in the future",
    TextId.GRANT_TOO_LONG: "a grant runs at most {years} years",
    TextId.GRANTS_TOO_MANY_TODAY: "too many grants tried today",
    TextId.GRANTEE_UNAVAILABLE: "no account holder with this code can receive a grant",
    TextId.GRANT_TO_SELF: "you already read your own data",
    TextId.GRANT_NOT_FOUND: "no such grant",
    TextId.GRANT_ONLY_GRANTEE_ACCEPTS: "only the grantee accepts a grant",
    TextId.GRANT_IS_LIVE: "this grant is live",
    TextId.GRANT_IS_REVOKED: "this grant is revoked",
    TextId.GRANT_IS_EXPIRED: "this grant is expired",
    TextId.GRANT_ID_INVALID: "this is not the ID of a grant",
    TextId.REGISTRATION_CODE_FORMAT: "socialInsuranceCode must be 10 digits (0-9)",
    TextId.REGISTRATION_NATIONAL_ID_FORMAT: "nationalIdNumber must be 12 digits (0-9)",
    TextId.REGISTRATION_NAME_LENGTH: "fullName must be 1 to 200 characters",
    TextId.REGISTRATION_PHONE_FORMAT: "phone must be 10 digits starting with 0",
    TextId.REGISTRATION_EMAIL_FORMAT: "email must be an e-mail address",
    TextId.REGISTRATION_OTP_FORMAT: "otp must be 6 digits (0-9)",
    TextId.REGISTRATION_AGENCY_CODE_FORMAT: "agencyCode must be an agency code of 5 characters",
    TextId.UNKNOWN_AGENCY: "no social insurance agency has this code",
    TextId.REGISTRATION_MISMATCH: "these details do not match one person on record",
    TextId.REGISTRATION_ACCOUNT_OR_PENDING: "this person already has an account or a pending registration",
    TextId.REGISTRATION_PENDING: "this person already has a pending registration",
    TextId.REGISTRATION_NOT_FOUND: "no such registration at your agency",
    TextId.REGISTRATION_DECIDED: "this registration was already decided",
    TextId.REGISTRATION_HOLDS_ACCOUNT: "this person already holds an account",
    TextId.REJECTION_REASON_LENGTH: "give a reason of 1 to {maximum} characters",
    TextId.INSTRUCTIONS_PENDING: (
        "Bring the signed registration declaration and your ID card (CCCD) or passport to {where}. Staff "
        "check them and activate your account; you will get an SMS (and an e-mail, if you gave one)."
    ),
    TextId.INSTRUCTIONS_AGENCY_CHOSEN: "the social insurance agency you chose",
    TextId.INSTRUCTIONS_APPROVED: (
        "Your account is active. Log in with your social insurance code and the temporary password sent by "
        "SMS."
    ),
    TextId.INSTRUCTIONS_REJECTED: "Your registration was not accepted; see the reason, correct it and register again.",
    TextId.SIGN_IN_TO_SEE: "sign in to see this",
    TextId.CHANGE_PASSWORD_TO_CONTINUE: "change your password to continue",
    TextId.ANOTHER_PERSONS_DATA: "this data belongs to another person",
    TextId.GRANT_OF_OTHERS: "this grant is between other persons",
    TextId.AGENCY_STAFF_ONLY: "only agency staff may do this",
    TextId.PARTNER_KEY_NEEDED: "send a partner API key with scope {scope} in X-API-Key",
    TextId.PARTNER_SCOPE_MISSING: "this API key lacks scope {scope}",
    TextId.SIGN_IN_FIRST: "sign in first",
    TextId.OTP_RESEND_TOO_SOON: "wait before asking for another code",
    TextId.OTP_TOO_MANY_ASKED: "too many codes asked for; try again later",
    TextId.OTP_WRONG_OR_USED: "the code is wrong or was already used; ask for a new one",
    TextId.OTP_EXPIRED: "the code has expired; ask for a new one",
    TextId.OTP_BURNT: "too many wrong codes; ask for a new one",
    TextId.OTP_WRONG: "the code is wrong",
    TextId.OTP_TOO_MANY_TRIES: "too many wrong tries; ask for a new code",
    TextId.INBOX_IDS_COUNT: "give from 1 to {maximum} message IDs",
    TextId.INBOX_ID_INVALID: "not the ID of an inbox message",
    TextId.INBOX_NOT_YOURS: "one of these is not a message of your inbox",
    TextId.PUSH_TOKEN_OF_PLATFORM: "this is not a {platform} push token",
    TextId.PUSH_TOKEN_INVALID: "this is not a push token",
    TextId.NATIONAL_ID_FORMAT: "nationalIdNumber is 12 digits",
    TextId.LOOKUPS_TOO_MANY: "too many look-ups; try again later",
    TextId.TEXT_HAS_NUL: "{field} cannot contain a NUL character",
    TextId.TEXT_LENGTH: "{field} is {minimum} to {maximum} characters",
    TextId.CODE_SHAPE: "{field} has the wrong shape",
    TextId.CARD_NUMBER_SHAPE: "cardNumber is the 15-character card number or the 10-digit social insurance code",
    TextId.CARD_NAME_AND_BIRTH_NEEDED: "fullName and dateOfBirth are required with cardNumber or citizenId",
    TextId.CITIZEN_ID_FORMAT: "citizenId is the 12-digit chip ID card number",
    TextId.QR_LENGTH: "qr is 1 to {maximum} characters, as scanned",
    TextId.CARD_ONE_KEY: "give exactly one of cardNumber, citizenId and qr",
    TextId.QR_ALONE: "qr carries the name and birth date itself: send it alone",
    TextId.CARD_CHECKS_TOO_MANY: "too many card checks; retry later",
    TextId.LATITUDE_RANGE: "latitude is between -90 and 90",
    TextId.LONGITUDE_RANGE: "longitude is between -180 and 180",
    TextId.RADIUS_RANGE: "radiusKm is above 0 and at most {maximum}",
    TextId.OUT_OF_RANGE: "{field} is out of range",
    TextId.ASSISTANT_ANSWERED: "This is the best answer to your question.",
    TextId.ASSISTANT_UNANSWERED: (
        "Sorry, there is no answer to your question yet. Please call the hotline {hotline} or write to "
        "{email} for help."
    ),
    TextId.REQUESTS_TOO_MANY: "too many requests; retry later",
    TextId.INVALID_REQUESTS_TOO_MANY: "Too many requests that could not be executed; retry later.",
    TextId.REQUEST_TIMEOUT: "The request did not finish within {seconds} seconds.",
    TextId.HTTP_NOT_FOUND: "{reason}",
    TextId.HTTP_METHOD_NOT_ALLOWED: "{reason}",
    TextId.HTTP_BAD_REQUEST: "{reason}",
    TextId.BATCHING_NOT_SUPPORTED: "Send one operation per request, not a JSON array.",
    TextId.BODY_NOT_OBJECT: "The body must be a JSON object.",
    TextId.QUERY_NOT_STRING: "`query` and `operationName` must be strings when given.",
    TextId.VARIABLES_NOT_OBJECT: "`variables` and `extensions` must be objects when given.",
    TextId.MUTATIONS_BY_POST: "Mutations must be sent by POST.",
    TextId.ENDPOINT_READ_ONLY: "This endpoint is read-only: it runs queries only.",
    TextId.OPERATION_UNKNOWN: "{reason}",
    TextId.NO_QUERY: "No GraphQL query found in the request.",
    TextId.NOT_ACCEPTABLE: "Accept application/graphql-response+json or application/json.",
    TextId.MEDIA_TYPE: "Send the operation as Content-Type: application/json.",
    TextId.BODY_TOO_LARGE: "The request body exceeds {limit} bytes.",
    TextId.DOCUMENT_LIMIT: "The document exceeds the {limit} limit of {maximum}{detail}.",
    TextId.ANSWER_TOO_LARGE: "The answer would exceed {maximum} bytes; ask for fewer items or fields per request.",
    TextId.PERSISTED_QUERY_NOT_FOUND: "PersistedQueryNotFound",
    TextId.PERSISTED_QUERY_HASH_MISMATCH: "provided sha does not match query",
    TextId.PERSISTED_QUERY_VERSION: "Unsupported persisted query version",
    TextId.PERSISTED_QUERY_HASH_FORMAT: "sha256Hash must be 64 lower-case hex digits",
    TextId.SUBSCRIPTION_OVER_HTTP: (
        "Subscriptions run over WebSocket (graphql-transport-ws on /graphql), not over HTTP."
    ),
    TextId.SUBSCRIPTIONS_ONLY_OVER_WEBSOCKET: "Only subscriptions run over WebSocket; send this by HTTP.",
    TextId.INTROSPECTION_DISABLED: "Introspection is disabled on this endpoint.",
    TextId.CREDENTIALS_BY_POST: "This operation checks credentials: send it by POST.",
    TextId.APPLICATION_KEY_FORMAT: "The idempotency key must be 8 to 100 characters, without control characters.",
    TextId.APPLICATION_KEY_REUSED: (
        "This idempotency key was already used for another application; use a new key for a new application."
    ),
    TextId.APPLICATION_ONE_KIND: "Fill in exactly one kind of application.",
    TextId.APPLICATION_NOT_FOUND: "No such application.",
    TextId.APPLICATION_NOT_CANCELLABLE: (
        "The application is already in review or closed and can no longer be cancelled."
    ),
    TextId.APPLICATION_DECIDED: "The application was already decided or cancelled.",
    TextId.APPLICATION_DECIDED_BY_PAYMENT: (
        "A household BHYT renewal takes effect when it is paid; no officer decides it."
    ),
    TextId.APPLICATION_REASON_LENGTH: "The reason must be 1 to {maximum} characters.",
    TextId.FACILITY_CHANGE_WINDOW_CLOSED: (
        "The primary-care facility can only be changed in the first {days} days of each quarter; today is "
        "outside that window."
    ),
    TextId.FACILITY_CODE_FORMAT: (
        "A facility code has 5 characters: the 2-digit province code, then 3 digits or capital letters."
    ),
    TextId.FACILITY_NOT_INITIAL: "This facility does not accept initial registration.",
    TextId.FACILITY_LEVEL_NOT_ALLOWED: "Initial registration is not allowed at a facility of this level.",
    TextId.FACILITY_OTHER_PROVINCE: "The facility must be in the province where you live.",
    TextId.FACILITY_ALREADY_REGISTERED: "This is already your primary-care facility.",
    TextId.NO_CARD_IN_FORCE: "There is no BHYT card in force.",
    TextId.CORRECTION_NOTHING: "Give at least one detail to correct that differs from the record.",
    TextId.CORRECTION_NAME_LENGTH: "The full name must be 1 to 200 characters.",
    TextId.CORRECTION_ADDRESS_LENGTH: "The address must be 1 to 500 characters.",
    TextId.CORRECTION_BIRTH_DATE: "The date of birth must be from 1900-01-01 to today.",
    TextId.RENEWAL_TERM: "The term must be 3, 6 or 12 months.",
    TextId.RENEWAL_MEMBERS_FORMAT: "List 1 to {maximum} different social insurance codes of 10 digits each.",
    TextId.RENEWAL_NOT_IN_HOUSEHOLD: "A chosen person is not in your household.",
    TextId.RENEWAL_NOT_HOUSEHOLD_GROUP: (
        "The person with code {code} is not insured as a household member or holds no BHYT card."
    ),
    TextId.PAYMENT_NOT_DUE: "This application is not awaiting payment.",
    TextId.APPLICATION_KIND_PRIMARY_FACILITY_CHANGE: "change of primary-care facility",
    TextId.APPLICATION_KIND_CARD_REISSUE: "reissue of the BHYT card",
    TextId.APPLICATION_KIND_DETAILS_CORRECTION: "correction of personal details",
    TextId.APPLICATION_KIND_HOUSEHOLD_RENEWAL: "household BHYT renewal",
    TextId.NOTICE_APPLICATION_APPROVED_TITLE: "Application approved",
    TextId.NOTICE_APPLICATION_APPROVED_BODY: "Your application ({kind}) of {submitted} was approved.",
    TextId.NOTICE_APPLICATION_REJECTED_TITLE: "Application not approved",
    TextId.NOTICE_APPLICATION_REJECTED_BODY: (
        "Your application ({kind}) of {submitted} was not approved. Reason: {reason}."
    ),
    TextId.NOTICE_RECEIPT_TITLE: "Receipt: household BHYT",
    TextId.NOTICE_RECEIPT_BODY: (
        "Received {amount} dong for the household BHYT renewal ({months} months, {members} people), "
        "transaction {transaction}. Your BHYT card is valid until {valid_to}."
    ),
    TextId.PAYMENT_ORDER_INFO: "Payment of application {application}: household BHYT renewal",
    TextId.PAYMENT_RETURN_TITLE: "Payment result",
    TextId.PAYMENT_RETURN_PAID: (
        "Payment received. The household's BHYT cards are renewed; the receipt is in the VssID app's inbox."
    ),
    TextId.PAYMENT_RETURN_PENDING: (
        "Waiting for the payment gateway's confirmation. The result will show in the VssID app within "
        "minutes."
    ),
    TextId.PAYMENT_RETURN_FAILED: "The payment did not go through. You can pay again in the VssID app.",
    TextId.PAYMENT_RETURN_INVALID: "The payment result could not be verified.",
    TextId.PAYMENT_UNAVAILABLE: "Online payment is not available right now; please try again later.",
    TextId.QUOTE_TERM_NOT_ALLOWED: "The term must be {allowed} months.",
    TextId.QUOTE_MEMBERS_NEEDED: "Choose the household members or give their number (1 to {maximum}), not both.",
    TextId.QUOTE_NOT_HOUSEHOLD_MEMBER: "Someone chosen is not in your household as the records know it.",
    TextId.QUOTE_INCOME_NEEDED: "Give the monthly income you choose for voluntary social insurance.",
    TextId.QUOTE_INCOME_OUT_OF_RANGE: "The monthly income you choose must be from {floor} to {ceiling} đồng.",
    TextId.QUOTE_RATES_MISSING: "No contribution rates apply to {day} yet; try again later.",
    TextId.VOLUNTARY_TERM: "The voluntary social insurance term must be 1, 3, 6 or 12 months.",
    TextId.VOLUNTARY_GROUP_NOT_CONFIRMED: (
        "The records do not confirm the state-support group you chose (a poor or near-poor household needs a BHYT "
        "card of group HN or CN; an ethnic minority is confirmed at the agency). Choose another group."
    ),
    TextId.VOLUNTARY_COMPULSORY_IN_TERM: (
        "You are compulsorily insured in {month}, so you cannot pay voluntary social insurance for this term."
    ),
    TextId.APPLICATION_KIND_VOLUNTARY_RENEWAL: "voluntary social insurance payment",
    TextId.NOTICE_VOLUNTARY_RECEIPT_TITLE: "Receipt: voluntary social insurance",
    TextId.NOTICE_VOLUNTARY_RECEIPT_BODY: (
        "Received {amount} đồng of voluntary social insurance for {months} months ({from_month} to {to_month}), on "
        "an income of {income} đồng a month, with {support} đồng of state support; transaction {transaction}."
    ),
    TextId.PAYMENT_ORDER_INFO_VOLUNTARY: "Payment of application {application}: voluntary social insurance",
}
