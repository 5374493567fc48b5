-- Each landed activity row and what identifies it: the known contact it names (by contact_id, else by
-- email, case-insensitive: both are landed lower-cased and NFKC-folded), or else the key of its company
-- fields for 名寄せ (source 'activities'): a hash of the strongest company key the row has — its 法人番号,
-- else its domain (the row's, else its email's unless free mail), else its name without spaces — so one
-- company named in many spellings is linked once per key, not once per spelling (10M rows name far fewer
-- companies than spellings). No key: nothing to link it by.
CREATE OR REPLACE TABLE work.activity_rows AS
WITH contact_emails AS (
    SELECT lower(email) AS email, min(contact_id) AS contact_id
    FROM contacts WHERE email IS NOT NULL GROUP BY ALL
),
resolved AS (
    SELECT
        a.source_file, a.source_row,
        CASE WHEN c.contact_id IS NOT NULL THEN a.contact_id ELSE e.contact_id END AS known_contact_id,
        CASE WHEN c.contact_id IS NOT NULL THEN 'contact_id'
             WHEN e.contact_id IS NOT NULL THEN 'email' END AS attributed_by,
        a.company_name, a.corporate_number,
        coalesce(
            a.domain,
            CASE WHEN NOT list_contains($free_mail_domains, lower(split_part(a.email, '@', 2)))
                 THEN nullif(lower(split_part(a.email, '@', 2)), '') END
        ) AS email_domain
    FROM activities a
    LEFT JOIN contacts c ON c.contact_id = a.contact_id
    LEFT JOIN contact_emails e ON e.email = lower(a.email)
)
SELECT
    source_file, source_row, known_contact_id, attributed_by, company_name, corporate_number, email_domain,
    CASE WHEN attributed_by IS NULL
              AND coalesce(company_name, corporate_number, email_domain) IS NOT NULL
         THEN 'A' || left(md5(CASE
                  WHEN corporate_number IS NOT NULL THEN 'cn:' || corporate_number
                  WHEN email_domain IS NOT NULL THEN 'd:' || email_domain
                  ELSE 'n:' || lower(regexp_replace(company_name, '\s+', '', 'g'))
              END), 16)
    END AS source_key
FROM resolved;
