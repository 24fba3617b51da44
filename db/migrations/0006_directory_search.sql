-- Facility search by words instead of trigrams (docs/directory.md, "How search works"). Trigram ranking scored
-- every facility that shared a common word ("benh vien", "tram y te"), so it grew with the directory. Each facility
-- now carries the folded words of its name and address (GIN); an index on a hash of the id gives a fixed shuffled
-- order in which a large set of equally relevant facilities can be walked; and a dictionary of the words in use,
-- with how many facilities hold each, turns a mistyped or unfinished word into words the directory really holds
-- before the big table is touched.
create extension if not exists fuzzystrmatch;

-- The words of a text after search_fold(), in order: runs of letters and digits.
create function search_words(value text) returns text[]
    language sql immutable parallel safe strict
    return array_remove(regexp_split_to_array(search_fold(value), '[^[:alnum:]]+'), '');

-- The letters of a word in order: two words with the same letters are one transposition apart ("vein", "vien").
create function sorted_letters(value text) returns text
    language sql immutable parallel safe strict
    return (select string_agg(letter, '' order by letter) from regexp_split_to_table(value, '') as letter);

alter table facilities drop column search_document;  -- and its trigram index
alter table facilities
    add column document_words tsvector not null
        generated always as (array_to_tsvector(search_words(name || ' ' || address))) stored;
create index facilities_document_words_idx on facilities using gin (document_words);
-- A fixed shuffle of the directory: a relevance level too large to sort is read in this order (docs/directory.md).
-- It carries the words and every filtered column, so that looking at a thousand rows is an index-only scan of a few
-- dozen pages instead of a thousand scattered visits of the table.
create index facilities_shuffle_idx on facilities (hashint8(id), id) include (
    document_words, code, province_code, ward_code, kind, bhyt_contracted, accepts_initial_registration,
    issues_sick_leave_certificates, updated_at
);

-- The point on the earth, stored: ranking a few hundred search matches by distance then costs a subtraction each,
-- not a trigonometric conversion each (ll_to_earth is about 15 µs a row).
alter table facilities
    add column location earth not null generated always as (ll_to_earth(latitude, longitude)) stored;
drop index facilities_earth_idx;
create index facilities_location_idx on facilities using gist (location);

-- Từ điển: every word of the directory and how many facilities hold it. A word whose count fell to zero stays
-- (searches ignore it). Its size is bounded by the vocabulary (about a thousand words), not by the directory.
create table facility_words (
    word text collate "C" primary key,
    documents integer not null,
    letters text not null generated always as (sorted_letters(word)) stored
);

-- Kept by statement triggers from the transition tables: one upsert per changed word and statement, in word order
-- (two writers lock the rows in the same order). Rows whose words did not change are skipped: an update of
-- updated_at alone costs a join, not a word count. (A trigger with transition tables cannot name columns.)
create function count_facility_words() returns trigger
    language plpgsql as $$
declare
    changed text := case tg_op
        when 'INSERT' then 'select 1 as sign, document_words from new_rows'
        when 'DELETE' then 'select -1 as sign, document_words from old_rows'
        else 'select s.sign, s.document_words from new_rows n join old_rows o using (id),
                  lateral (values (1, n.document_words), (-1, o.document_words)) as s(sign, document_words)
              where n.document_words <> o.document_words'
    end;
begin
    execute format($sql$
        with changed as (%s)
        insert into facility_words as w (word, documents)
        select word, sum(c.sign)
        from changed c, unnest(tsvector_to_array(c.document_words)) as word
        group by word
        having sum(c.sign) <> 0
        order by word
        on conflict (word) do update set documents = w.documents + excluded.documents
    $sql$, changed);
    return null;
end
$$;
create trigger facility_words_insert after insert on facilities referencing new table as new_rows
    for each statement execute function count_facility_words();
create trigger facility_words_update after update on facilities referencing old table as old_rows new table as new_rows
    for each statement execute function count_facility_words();
create trigger facility_words_delete after delete on facilities referencing old table as old_rows
    for each statement execute function count_facility_words();
-- Also under session_replication_role = replica, which the bulk seed uses to skip per-row foreign-key checks:
-- the dictionary is derived from the rows and must never miss a load.
alter table facilities enable always trigger facility_words_insert;
alter table facilities enable always trigger facility_words_update;
alter table facilities enable always trigger facility_words_delete;

insert into facility_words (word, documents)
select word, count(*) from facilities, unnest(tsvector_to_array(document_words)) as word group by word;
