-- The landed activity rows $first_row … $last_row (rowids) attributed: their contact and account
-- (activities.sql says the order). One UPDATE over all rows joins the table with its own 100M-row
-- view at the `xl` scale, a hash table DuckDB spilled 18 GB of to disk for (attribute 764 s, against
-- 10 s for 10M rows); a batch's join stays the size of a national one.
UPDATE activities SET
    contact_id = coalesce(r.known_contact_id, r.contact_id),
    account_id = coalesce(c.account_id, k.account_id),
    attributed_by = CASE WHEN r.known_by IS NOT NULL THEN r.known_by
                         WHEN k.account_id IS NOT NULL THEN 'company' END
FROM work.activity_rows r
LEFT JOIN work.record_account c ON c.source = 'contacts' AND c.source_key = r.known_contact_id
LEFT JOIN work.record_account k ON k.source = 'activities' AND k.source_key = r.source_key
WHERE activities.rowid = r.landed_row AND r.landed_row BETWEEN $first_row AND $last_row;
