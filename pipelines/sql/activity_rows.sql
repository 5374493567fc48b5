-- Each landed activity row and what identifies it: the known contact it names (by contact_id, else by
-- email, case-insensitive: both are landed lower-cased and NFKC-folded), or else the key of its company
-- fields for 名寄せ (source 'activities'): a hash of the strongest company key the row has — its 法人番号,
-- else its domain (the row's, else its email's unless free mail), else its name without spaces — so one
-- company named in many spellings is linked once per key, not once per spelling (10M rows name far fewer
-- companies than spellings). No key: nothing to link it by.
--
-- A view, read twice: by activity_records.sql (link) and by activities_attributed.sql (attribute), which
-- copies every landed column through it (hence a.*: a column the input gains is carried, not dropped). Writing its 10M rows to the file cost more than working them
-- out twice (national: 8 s to write, ~3 s to compute). landed_row is the landed row's rowid: the
-- attribute step walks the rows in batches of rowids, in file order. A view takes no parameters, hence
-- the free-mail domains as a table (free_mail_domains.sql).
CREATE OR REPLACE VIEW work.activity_rows AS
WITH contact_emails AS (
    SELECT lower(email) AS email, min(contact_id) AS contact_id
    FROM contacts WHERE email IS NOT NULL GROUP BY ALL
),
resolved AS (
    SELECT
        a.rowid AS landed_row,
        a.*,
        CASE WHEN c.contact_id IS NOT NULL THEN a.contact_id ELSE e.contact_id END AS known_contact_id,
        CASE WHEN c.contact_id IS NOT NULL THEN 'contact_id'
             WHEN e.contact_id IS NOT NULL THEN 'email' END AS known_by,
        coalesce(
            a.domain,
            CASE WHEN lower(split_part(a.email, '@', 2)) NOT IN (SELECT domain FROM work.free_mail_domains)
                 THEN nullif(lower(split_part(a.email, '@', 2)), '') END
        ) AS email_domain
    FROM activities a
    LEFT JOIN contacts c ON c.contact_id = a.contact_id
    LEFT JOIN contact_emails e ON e.email = lower(a.email)
)
SELECT
    *,
    CASE WHEN known_by IS NULL
              AND coalesce(company_name, corporate_number, email_domain) IS NOT NULL
         THEN 'A' || left(md5(CASE
                  WHEN corporate_number IS NOT NULL THEN 'cn:' || corporate_number
                  WHEN email_domain IS NOT NULL THEN 'd:' || email_domain
                  ELSE 'n:' || lower(regexp_replace(company_name, '\s+', '', 'g'))
              END), 16)
    END AS source_key
FROM resolved;
