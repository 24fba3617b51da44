"""Where every table would live on Citus (docs/scale.md): the declared lists that tests/db/test_citus_rules.py holds
the catalogue and every SQL statement of db/ to.

- `PERSONAL`: distributed by the person, all co-located (`create_distributed_table(t, column, colocate_with =>
  'people')`). Its primary key and unique constraints hold the column; a foreign key to another personal table
  pairs the columns; a statement names the person (`column = $n`, `= any($n)`, `in (...)`, or a join on the column
  to a table that is named so).
- `REFERENCE`: small shared data, copied to every node (`create_reference_table`); never refers to a personal table.
- `SEPARATE`: neither; each with where it goes and why. A table in no list fails the test: a new table is
  classified when it is added (append to the list).

What does not follow the rules yet is declared below with its reason, so the exceptions stay few and visible.
"""

from __future__ import annotations

PERSONAL: dict[str, str] = {
    "people": "id",
    "accounts": "person_id",
    "agency_officers": "person_id",
    "sessions": "person_id",
    "insurance_cards": "person_id",
    "contribution_periods": "person_id",
    "benefits": "person_id",
    "medical_visits": "person_id",
    "registrations": "person_id",
    "access_log": "person_id",
    "inbox_messages": "person_id",
    "inbox_opt_outs": "person_id",
    "devices": "person_id",
    "pensions": "person_id",
    "applications": "person_id",
    "application_transitions": "person_id",
    "payment_orders": "person_id",
}

REFERENCE: frozenset[str] = frozenset({
    "provinces",
    "wards",
    "beneficiary_groups",
    "icd10_codes",
    "facilities",
    "facility_words",
    "employers",
    "faqs",
    "news",
    "partners",
    "api_keys",
    "contribution_parameters",
    "pension_adjustments",
    "facility_change_rules",
})

SEPARATE: dict[str, str] = {
    "guardianships": "two persons per row (guardian, child): on Citus, stored under both persons (a row per "
    "person, distributed by it) so the guardian's reads stay on the guardian's shard; until then a reference table "
    "(docs/scale.md, 'Family reads')",
    "access_grants": "two persons per row (owner, grantee): as guardianships",
    "audit_events": "append-only time series, person_id may be null: distributed by id, never read on a hot path",
    "notification_outbox": "a work queue keyed by dedupe_key, person_id may be null: a Citus local table on the "
    "coordinator (the dispatcher claims rows with skip locked)",
    "otp_challenges": "keyed by phone, before any account exists: distributed by phone",
    "throttle_counters": "keyed by the throttled key: distributed by key",
    "dataset_info": "one row per key about the data set: a Citus local table on the coordinator",
    "inbox_watermarks": "one row per producer: a Citus local table on the coordinator",
    "schema_migrations": "the migration runner's record: on the coordinator",
}

# Constraints of the schema that break a rule, by name, with the reason and what a Citus deployment does.
CONSTRAINT_EXCEPTIONS: dict[str, str] = {
    "devices_platform_token_key": "a push token moves to whoever signs in on the device last; on Citus the move "
    "is a delete by (platform, token) on every shard, then an insert (docs/scale.md)",
    "people_social_insurance_code_key": "the login name is unique nationwide; on Citus a reference lookup table "
    "(social_insurance_code → person_id) holds the uniqueness and routes the login",
    "people_national_id_key": "as people_social_insurance_code_key, for the CCCD number",
    "insurance_cards_card_number_valid_from_key": "a card number is unique nationwide; it starts with the holder's "
    "10-digit code, so (person_id, card_number, valid_from) is unique as well, and the front-desk check looks the "
    "holder up by that code first (docs/scale.md)",
    "registrations_decided_by_fkey": "the deciding officer is another person: dropped on Citus (the officer is "
    "checked by the session that decides)",
    "access_log_grant_id_fkey": "the grant lives with two persons (SEPARATE): dropped on Citus",
    "application_transitions_actor_id_fkey": "the officer who moved an application is another person: dropped on "
    "Citus, as registrations_decided_by_fkey",
    **dict.fromkeys(
        (
            "guardianships_guardian_id_fkey", "guardianships_child_id_fkey", "access_grants_owner_id_fkey",
            "access_grants_grantee_id_fkey", "access_grants_revoked_by_fkey", "audit_events_person_id_fkey",
            "notification_outbox_person_id_fkey",
        ),
        "a SEPARATE table names a person: kept on one server, dropped on Citus (a foreign key between tables "
        "that are not co-located is not supported); the service writes these rows only for persons it has read",
    ),
}

# Statements of db/ that read or write personal rows without naming the person (module.NAME, or module.LIST.page,
# .count, .by_id for a KeysetList), each with its reason. On Citus each fans out to every shard (or, once marked,
# goes through the lookup table named); none of them is on the Home or MedicalHistory path.
_BY_GLOBAL_ID = ("node(id:) and the by-id loaders: a global ID carries only the row id; on Citus it would carry the "
                 "person id as well (an additive change of the ID format), until then these fan out")
_BY_LOGIN_NAME = ("login, registration and the front desk find the person by a nationwide identifier (social "
                  "insurance code, CCCD, card number, phone): on Citus a lookup table keyed by that identifier gives "
                  "the person id first (docs/scale.md, 'Lookups by identifier')")
_FAMILY = ("guardians and grantees read another person's row by the relation (SEPARATE tables): two-person "
           "statements, routed per person on Citus (docs/scale.md, 'Family reads')")
_OFFICER_QUEUE = "an agency officer's queue of registrations, by agency: a multi-shard report by nature"
_BATCH = "a periodic job over every person (inbox producers, housekeeping): multi-shard by design, off the hot path"
_DEMO = "demo accounts and examples: development only, never in production mode"
_AGENCY_APPLICATIONS = ("an agency officer's queue of applications and the decision on one, by application id and "
                        "agency: a multi-shard report by nature (the global ID would carry the person id on Citus)")
_BY_APPLICATION_ID = ("an application's transitions and payment order, loaded by application id for its owner or its "
                      "agency's officer: as the by-id loaders, until the global ID carries the person id")
MULTI_SHARD: dict[str, str] = {
    "access_log.ACCESS_LOG.by_id": _BY_GLOBAL_ID,
    "benefits.BENEFITS.by_id": _BY_GLOBAL_ID,
    "cards.CARDS.by_id": _BY_GLOBAL_ID,
    "cards.SELECT_BY_ID_FOR_VIEWER": _BY_GLOBAL_ID,
    "contributions.PERIODS.by_id": _BY_GLOBAL_ID,
    "inbox.INBOX.by_id": _BY_GLOBAL_ID,
    "visits.VISITS.by_id": _BY_GLOBAL_ID,
    "accounts.BY_CODE": _BY_LOGIN_NAME,
    "accounts.PHONE": _BY_LOGIN_NAME,
    "accounts.PHONE_HAS_ACCOUNT": _BY_LOGIN_NAME,
    "card_check.CARD_BY_NUMBER": _BY_LOGIN_NAME,
    "card_check.CARD_BY_CODE": _BY_LOGIN_NAME,
    "card_check.CARD_BY_NATIONAL_ID": _BY_LOGIN_NAME,
    "card_check.CARD_BY_ISSUE": _BY_LOGIN_NAME,
    "lookup.FIND_PERSON": _BY_LOGIN_NAME,
    "registrations.PERSON_BY_CODE": _BY_LOGIN_NAME,
    "registrations.INSERT": _BY_LOGIN_NAME,
    "inbox.DROP_DEVICE": "a push token leaves whoever held it before (devices_platform_token_key)",
    "family.SELECT_DEPENDANTS": _FAMILY,
    "family.SELECT_GRANTED_PERSONS": _FAMILY,
    "family.SELECT_GRANTS_OF_PERSONS": _FAMILY,
    "family.SELECT_GRANTS_BY_ID": _FAMILY,
    "family.SELECT_GRANTEE": _FAMILY,
    "family.LOCK_GRANT": _FAMILY,
    "registrations.FOR_DECISION": _OFFICER_QUEUE,
    "registrations.DECIDE": _OFFICER_QUEUE,
    "registrations.LIST_BY_AGENCY": _OFFICER_QUEUE,
    "registrations.COUNT_BY_AGENCY": _OFFICER_QUEUE,
    "inbox_producers.ARREARS": _BATCH,
    "inbox_producers.CARD_EXPIRING": _BATCH,
    "inbox_producers.PASSWORD_EXPIRING": _BATCH,
    "inbox_producers.REGISTRATION_DECISIONS": _BATCH,
    "inbox_producers.ACCESS_NOTICES": _BATCH,
    "housekeeping.PURGE_SESSIONS": _BATCH,
    "demo_logins.HAS_DEMO_LOGINS": _DEMO,
    "demo_logins.DEMO_ACCOUNTS": _DEMO,
    "examples.EXAMPLES": _DEMO,
    "applications.APPLICATIONS.by_id": _BY_GLOBAL_ID,
    "applications.QUEUE.page": _AGENCY_APPLICATIONS,
    "applications.QUEUE.count": _AGENCY_APPLICATIONS,
    "applications.QUEUE.by_id": _AGENCY_APPLICATIONS,
    "applications.AGENCY_FOR_UPDATE": _AGENCY_APPLICATIONS,
    "applications.TRANSITIONS_FOR_VIEWER": _BY_APPLICATION_ID,
    "payment_orders.LATEST_FOR_VIEWER": _BY_APPLICATION_ID,
    "payment_orders.OF_DAY": "the daily reconciliation of payment orders with the gateway's report: a multi-shard "
    "report by nature, once a day",
}

# Fragments of SQL that name a personal table and are not statements themselves: checked through the statements
# formatted from them.
TEMPLATES: dict[str, str] = {
    "card_check.CARD": "formatted into card_check.CARD_BY_NUMBER, _BY_CODE, _BY_NATIONAL_ID and _BY_ISSUE",
    "family.GRANTS_FROM": "formatted into the family.SELECT_GRANTS_* statements and family.LOCK_GRANT",
}
