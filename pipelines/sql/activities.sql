-- `activities`, published: each landed activity row and the contact and account it is attributed to.
-- Order: a known contact_id, else a known contact's email (work.activity_rows), whose account is the
-- contact's; else the account 名寄せ gave its company fields (source 'activities'); else none.
CREATE OR REPLACE TABLE activities AS
SELECT
    a.source_file,
    a.source_row AS row_number,
    a.date, a.activity_type, a.points, a.campaign, a.url, a.email, a.company_name, a.corporate_number,
    a.domain,
    coalesce(r.known_contact_id, a.contact_id) AS contact_id,
    coalesce(c.account_id, k.account_id) AS account_id,
    CASE WHEN r.attributed_by IS NOT NULL THEN r.attributed_by
         WHEN k.account_id IS NOT NULL THEN 'company' END AS attributed_by
FROM activities a
JOIN work.activity_rows r USING (source_file, source_row)
LEFT JOIN work.record_account c ON c.source = 'contacts' AND c.source_key = r.known_contact_id
LEFT JOIN work.record_account k ON k.source = 'activities' AND k.source_key = r.source_key
ORDER BY a.source_file, a.source_row;
