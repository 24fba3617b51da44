-- The card at the front desk (issue 13): a card can be withdrawn before its validity ends (replaced by a reissue,
-- revoked by the agency). A withdrawn card stays in the holder's history; the checks answer REVOKED for it.
alter table insurance_cards add column revoked_at timestamptz;

-- The partners' check by chip ID card (CCCD) finds the holder by national_id (unique already, so indexed).
