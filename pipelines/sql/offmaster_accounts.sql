-- One account per company that linked to no master company: its records grouped across sales and
-- contacts (work.offmaster_groups), named after our own sales records' spelling first. Activity records
-- only join these groups (pipelines/link.py), so they add nothing here.
CREATE OR REPLACE TABLE work.offmaster_accounts AS
WITH records AS (
    SELECT r.account_id, r.source, r.source_key, r.source_name,
           coalesce(sc.prefecture, cr.prefecture) AS prefecture,
           coalesce(sc.corporate_number, cr.corporate_number) AS corporate_number,
           coalesce(sc.phone, cr.phone) AS phone
    FROM work.record_account r
    LEFT JOIN work.sales_customers sc ON r.source = 'sales' AND sc.source_key = r.source_key
    LEFT JOIN work.contact_records cr ON r.source = 'contacts' AND cr.source_key = r.source_key
    WHERE NOT r.linked AND r.source IN ('sales', 'contacts')  -- activities never make an account
)
SELECT
    account_id,
    -- prefer the spelling in our own sales records ('sales' sorts after 'contacts')
    first(source_name ORDER BY source DESC, source_key) AS name,
    first(prefecture ORDER BY source DESC, source_key) FILTER (WHERE prefecture IS NOT NULL) AS prefecture,
    first(corporate_number ORDER BY source DESC, source_key) FILTER (WHERE corporate_number IS NOT NULL)
        AS corporate_number,
    first(phone ORDER BY source DESC, source_key) FILTER (WHERE phone IS NOT NULL) AS phone
FROM records
GROUP BY account_id;
