-- Each source record and its account, with the one definition of 'linked' (to a master company).
CREATE OR REPLACE TABLE work.record_account AS
SELECT
    source,
    source_key,
    source_name,
    status IN ('auto', 'manual') AND company_id IS NOT NULL AS linked,
    account_id
FROM matches;
