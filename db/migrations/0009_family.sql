-- The family (issue 13, part 3): guardians read their children's records until the child turns 18, and an adult
-- grants another account holder read access to named parts of their data, for a period, with the grantee's
-- acceptance. Who may read whom is defined once, here, in `access_of` and `readable_person_ids`.

-- Hộ gia đình: a guardian (parent or legal guardian) and a child of the household record.
create table guardianships (
    guardian_id bigint not null references people (id),
    child_id bigint not null references people (id),
    since date not null,
    primary key (guardian_id, child_id),
    check (guardian_id <> child_id)
);
create index guardianships_child_idx on guardianships (child_id);

-- Ủy quyền xem dữ liệu: keyed by the owner first, like every table that belongs to a person.
create table access_grants (
    id bigint generated always as identity primary key,
    owner_id bigint not null references people (id),
    grantee_id bigint not null references accounts (person_id),
    parts text[] not null check (cardinality(parts) > 0
                                 and parts <@ array['CARD', 'CONTRIBUTIONS', 'BENEFITS', 'VISITS']),
    valid_from timestamptz not null default now(),
    valid_until timestamptz not null,
    accepted_at timestamptz,
    revoked_at timestamptz,
    -- The owner, or the grantee declining or leaving.
    revoked_by bigint references people (id),
    created_at timestamptz not null default now(),
    check (owner_id <> grantee_id),
    check (valid_until > valid_from),
    check ((revoked_at is null) = (revoked_by is null))
);
create index access_grants_owner_idx on access_grants (owner_id, created_at desc, id desc);
create index access_grants_grantee_idx on access_grants (grantee_id, created_at desc, id desc);

-- Who else a viewer may read, and what of them, now: children under 18 (their age counted in Vietnam on the day
-- of the read, so the 18th birthday ends the guardian's access without a job), and the owners of live grants
-- (accepted, not revoked, within their period). PERSON is the person record itself (name, birth date, contact).
create function access_of(viewer_id bigint)
returns table (person_id bigint, parts text[], grant_id bigint)
language sql stable
as $$
    select g.child_id, array['PERSON', 'CARD', 'CONTRIBUTIONS', 'VISITS'], null::bigint
    from guardianships g
    join people c on c.id = g.child_id
    where g.guardian_id = viewer_id
      and c.date_of_birth + interval '18 years' > (now() at time zone 'Asia/Ho_Chi_Minh')::date
    union all
    select a.owner_id, array['PERSON'] || a.parts, a.id
    from access_grants a
    where a.grantee_id = viewer_id and a.accepted_at is not null and a.revoked_at is null
      and a.valid_from <= now() and a.valid_until > now()
$$;

-- The persons whose rows of one part (PERSON, CARD, CONTRIBUTIONS, BENEFITS, VISITS) a viewer's SQL may read:
-- the viewer, and whoever `access_of` names for that part. Every personal statement is bound to this set.
create function readable_person_ids(viewer_id bigint, part text)
returns setof bigint
language sql stable
as $$
    select viewer_id
    union
    select person_id from access_of(viewer_id) where part = any(parts)
$$;

-- Reads by a guardian or a grantee are logged too, with the grant they read under (null: as guardian).
alter table access_log drop constraint access_log_actor_kind_check;
alter table access_log add constraint access_log_actor_kind_check
    check (actor_kind in ('AGENCY_OFFICER', 'PARTNER', 'SYSTEM', 'GUARDIAN', 'GRANTEE'));
alter table access_log add column grant_id bigint references access_grants (id) on delete set null;
