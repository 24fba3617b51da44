-- Voluntary BHXH renewal (đóng BHXH tự nguyện) paid online: an application kind, and what a paid month records.
alter table applications drop constraint applications_kind_check;
alter table applications add constraint applications_kind_check
    check (kind in ('PRIMARY_FACILITY_CHANGE', 'CARD_REISSUE', 'DETAILS_CORRECTION', 'HOUSEHOLD_RENEWAL',
                    'VOLUNTARY_RENEWAL'));

-- A voluntary month paid online: what the person paid for it and what the state supported (both in đồng; null on
-- the periods the agency recorded, which do not tell), and the application that paid it. `salary_basis` holds the
-- monthly income chosen.
alter table contribution_periods add column paid_dong bigint check (paid_dong >= 0);
alter table contribution_periods add column state_support_dong bigint check (state_support_dong >= 0);
alter table contribution_periods add column application_id bigint;
alter table contribution_periods add constraint contribution_periods_application_fk
    foreign key (person_id, application_id) references applications (person_id, id);
alter table contribution_periods add constraint contribution_periods_paid_voluntary_check
    check ((paid_dong is null and state_support_dong is null and application_id is null)
           or scheme = 'BHXH_VOLUNTARY');
