-- The three facts per account. Contacts count when opted in and not opted out by as-of
-- (malformed emails never land: they are in `rejects`).
CREATE OR REPLACE TABLE work.account_contacts AS
SELECT
    r.account_id,
    count(*) AS contacts_total,
    count(*) FILTER (WHERE c.opt_in AND (c.opted_out_at IS NULL OR c.opted_out_at > $as_of)) AS contact_count
FROM contacts c
JOIN work.record_account r ON r.source = 'contacts' AND r.source_key = c.contact_id
GROUP BY r.account_id;
