-- The landed activity rows $first_row … $last_row (rowids) attributed, appended in file order to
-- activities_attributed (activities.sql says the order of attribution and publishes the table).
-- A batch of rowids keeps the sort the size of a national run's 10M rows at the `xl` scale's 100M.
-- Every landed column is carried by name (BY NAME): one the published table lacks fails here, loudly.
--
-- Copied, not updated in place: an UPDATE joined the landed table with its own view, and its speed
-- hung on DuckDB's choice of build side: a rowid range put the 10M landed rows on the build side,
-- the updates then came in random rowid order, and each rewrote a compressed string segment
-- (national: > 10 minutes; 20 s when the table was the probe side). ORDER BY states the order the
-- table keeps instead of relying on a plan: the copy with its sort takes what the fast UPDATE took.
INSERT INTO activities_attributed BY NAME
SELECT
    r.* EXCLUDE (landed_row, source_row, known_contact_id, known_by, email_domain, source_key)
        REPLACE (coalesce(r.known_contact_id, r.contact_id) AS contact_id),
    r.source_row AS row_number,
    coalesce(c.account_id, k.account_id) AS account_id,
    CASE WHEN r.known_by IS NOT NULL THEN r.known_by
         WHEN k.account_id IS NOT NULL THEN 'company' END AS attributed_by
FROM work.activity_rows r
LEFT JOIN work.record_account c ON c.source = 'contacts' AND c.source_key = r.known_contact_id
LEFT JOIN work.record_account k ON k.source = 'activities' AND k.source_key = r.source_key
WHERE r.landed_row BETWEEN $first_row AND $last_row
ORDER BY r.landed_row;
