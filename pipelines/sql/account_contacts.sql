-- The three facts per account: contacts linked, and those we may contact (work.contact_consent).
CREATE OR REPLACE TABLE work.account_contacts AS
SELECT
    r.account_id,
    count(*) AS contacts_total,
    count(*) FILTER (WHERE k.consented) AS contact_count
FROM contacts c
JOIN work.record_account r ON r.source = 'contacts' AND r.source_key = c.contact_id
JOIN work.contact_consent k ON k.contact_id = c.contact_id
GROUP BY r.account_id;
